import Foundation
import PythonPackaging
import SiteConfiguration

/// The one `Runner`: it stages the sdist, mounts it with the wheelhouse, the driver and the output
/// folder into a confinement (bubblewrap, unshare + chroot, a container engine, or none), and
/// supervises the driver there. Runners differ only in their confinement.
public struct ConfinedRunner: Runner {
    let confinement: any Confinement
    /// The host folder holding the build driver.
    let driver: URL

    public var description: String { confinement.description }

    init(confinement: any Confinement, driver: URL) { (self.confinement, self.driver) = (confinement, driver) }

    public func dynamicRequirements(for request: BuildRequest) async throws -> [IndexRequirement] {
        let result = try await run(step: "requires", request)
        let file = request.output.appendingPathComponent(BuildDriver.requiresFile)
        defer { try? FileManager.default.removeItem(at: file) }
        if result.status == .exited(BuildDriver.hostileExit) {
            let log = (try? String(contentsOf: request.log, encoding: .utf8)) ?? ""
            let line = log.split(separator: "\n").last { $0.hasPrefix(BuildDriver.hostileMark) }
            throw RunnerError.hostileInput(line.map { String($0.dropFirst(BuildDriver.hostileMark.count + 1)) } ?? "the driver refused the sdist",
                                           log: request.log.path)
        }
        guard result.status == .exited(0), result.limitsHit.isEmpty,
              let data = try? Data(contentsOf: file), let requirements = try? JSONDecoder().decode([String].self, from: data) else {
            let reason = result.limitsHit.isEmpty ? "\(result.status)" : "limits hit: \(result.limitsHit.map(\.rawValue).sorted().joined(separator: ", "))"
            throw RunnerError.probeFailed(reason: reason, log: request.log.path)
        }
        return try IndexRequirement.all(requirements)
    }

    public func vendorCrates(_ request: CrateRequest) async throws -> VendorOutcome {
        var environment = ["WHEELWRIGHT_CARGO_MANIFESTS": request.manifests.joined(separator: "\n")]
        var extra: [Mount] = []
        switch request.registry {
        case .sparse(let url)?: environment["WHEELWRIGHT_CRATE_REGISTRY"] = url
        case .local(let folder)?:
            let mount = Mount(source: URL(fileURLWithPath: folder), destination: BuildDriver.registryMount, writable: false)
            extra.append(mount)
            environment["WHEELWRIGHT_CRATE_REGISTRY"] = confinement.path(of: mount)
        case nil: break
        }
        // A proxy the host reaches crates through is the vendoring's too.
        for key in ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"] {
            if let value = ProcessInfo.processInfo.environment[key] { environment[key] = value }
        }
        // The vendoring installs nothing: its wheelhouse mount is the (still empty) output folder.
        let step = BuildRequest(sdist: request.sdist, target: request.target, interpreter: request.interpreter,
                                wheelhouse: request.output, environment: environment, limits: request.limits,
                                output: request.output, log: request.log)
        let result = try await run(step: "vendor", step, extraMounts: extra, network: true)
        let succeeded = result.status == .exited(0) && result.limitsHit.isEmpty
            && FileManager.default.fileExists(atPath: request.output.appendingPathComponent(BuildDriver.cargoConfigFile).path)
        return VendorOutcome(status: result.status, limitsHit: result.limitsHit, crates: succeeded ? request.output : nil)
    }

    public func build(_ request: BuildRequest) async throws -> BuildOutcome {
        let result = try await run(step: "build", request)
        let factsFile = request.output.appendingPathComponent(BuildDriver.factsFile)
        let facts = (try? Data(contentsOf: factsFile)).flatMap { try? JSONDecoder().decode(EnvironmentFacts.self, from: $0) }
        try? FileManager.default.removeItem(at: factsFile)
        let wheels = ((try? FileManager.default.contentsOfDirectory(atPath: request.output.path)) ?? [])
            .filter { $0.hasSuffix(".whl") }.sorted().map { request.output.appendingPathComponent($0) }
        return BuildOutcome(wheels: wheels, log: request.log, status: result.status, duration: result.duration,
                            facts: facts, limitsHit: result.limitsHit)
    }

    public func repair(_ request: RepairRequest) async throws -> RepairOutcome {
        let step = BuildRequest(sdist: request.wheel, target: request.target, interpreter: request.interpreter, wheelhouse: request.tools,
                                environment: ["WHEELWRIGHT_LIBRARIES": request.libraries.joined(separator: " ")],
                                limits: request.limits, output: request.output, log: request.log)
        let result = try await run(step: request.graft ? "repair" : "describe", step)
        let factsFile = request.output.appendingPathComponent(BuildDriver.librariesFile)
        let libraries = (try? Data(contentsOf: factsFile)).flatMap { try? JSONDecoder().decode([LibraryFacts].self, from: $0) } ?? []
        try? FileManager.default.removeItem(at: factsFile)
        let wheel = ((try? FileManager.default.contentsOfDirectory(atPath: request.output.path)) ?? [])
            .filter { $0.hasSuffix(".whl") }.sorted().first.map { request.output.appendingPathComponent($0) }
        return RepairOutcome(wheel: wheel, libraries: libraries, log: request.log, status: result.status,
                             duration: result.duration, limitsHit: result.limitsHit)
    }

    public func runPython(_ interpreter: TargetDefinition.Interpreter, arguments: (_ folder: String) -> [String],
                          seeing folder: URL, log: URL, limits: ResourceLimits) async throws -> ExitStatus {
        let mount = Mount(source: folder, destination: MountPoints.source, writable: false)
        let command = [confinement.python(interpreter)] + arguments(confinement.path(of: mount))
        return try await confine(command, mounts: [mount] + (try interpreterMounts(interpreter)), environment: [:], limits: limits, log: log).status
    }

    private var driverMount: Mount { Mount(source: driver, destination: BuildDriver.mountPoint, writable: false) }

    /// The driver's folder, then a relocatable interpreter's home inside it (a mount on a mount:
    /// the driver's folder has the empty folder it goes on).
    private func interpreterMounts(_ interpreter: TargetDefinition.Interpreter) throws -> [Mount] {
        guard let home = interpreter.home, let executable = interpreter.hostExecutable else { return [driverMount] }
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw RunnerError.missingRelocatableInterpreter(version: interpreter.version, executable: executable) }
        return [driverMount, Mount(source: URL(fileURLWithPath: home), destination: TargetDefinition.Interpreter.relocatableMount, writable: false)]
    }

    /// Runs `command` confined, with the base environment every build gets.
    private func confine(_ command: [String], mounts: [Mount], environment extra: [String: String], network: Bool = false,
                         limits: ResourceLimits, log: URL) async throws -> Supervisor.Result {
        var environment = [
            "HOME": "/tmp", "TMPDIR": "/tmp", "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1", "PIP_NO_INPUT": "1",
            // Wheels with the same timestamps from the same sdist: reproducible bytes where the backend allows.
            "SOURCE_DATE_EPOCH": "315532800",
            "WHEELWRIGHT_RUNNER": confinement.description,
        ]
        environment.merge(extra) { _, entry in entry }
        let name = "wheelwright-\(UUID().uuidString.prefix(8).lowercased())"
        let (argv, hostEnvironment) = confinement.invocation(of: command, mounts: mounts, environment: environment, network: network, limits: limits, name: name)
        let confinement = self.confinement
        return try await Supervisor.run(argv, environment: hostEnvironment, limits: limits, log: log) {
            await confinement.stop(name: name)
        }
    }

    /// Runs one step of the driver on the request's sdist (for `repair`, the wheel in its place).
    private func run(step: String, _ request: BuildRequest, extraMounts: [Mount] = [], network: Bool = false) async throws -> Supervisor.Result {
        let fm = FileManager.default
        // The sdist alone in a folder: the build sees it and nothing else of where it came from.
        let staging = fm.temporaryDirectory.appendingPathComponent("wheelwright-sdist-\(UUID().uuidString)")
        let sdistName = request.sdist.lastPathComponent
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            if link(request.sdist.path, staging.appendingPathComponent(sdistName).path) != 0 {
                try fm.copyItem(at: request.sdist, to: staging.appendingPathComponent(sdistName))
            }
            try fm.createDirectory(at: request.output, withIntermediateDirectories: true)
            try fm.createDirectory(at: request.log.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            try? fm.removeItem(at: staging)
            throw RunnerError.io("cannot stage \(request.sdist.path) for its build: \(error.localizedDescription)")
        }
        defer { try? fm.removeItem(at: staging) }
        try confinement.prepareOutput(request.output)

        let source = Mount(source: staging, destination: MountPoints.source, writable: false)
        let wheelhouse = Mount(source: request.wheelhouse, destination: MountPoints.wheelhouse, writable: false)
        let output = Mount(source: request.output, destination: MountPoints.output, writable: true)
        var mounts = [source, wheelhouse, output] + (try interpreterMounts(request.interpreter)) + extraMounts
        var environment = request.environment
        if let crates = request.crates {
            let mount = Mount(source: crates, destination: BuildDriver.cratesMount, writable: false)
            mounts.append(mount)
            environment["WHEELWRIGHT_CRATES"] = confinement.path(of: mount)
        }
        let command = [
            confinement.python(request.interpreter), confinement.path(of: driverMount) + "/driver.py", step,
            confinement.path(of: source) + "/" + sdistName, confinement.path(of: wheelhouse), confinement.path(of: output),
        ]
        return try await confine(command, mounts: mounts, environment: environment, network: network, limits: request.limits, log: request.log)
    }
}
