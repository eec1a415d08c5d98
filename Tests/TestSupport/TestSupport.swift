import Foundation
import Synchronization
import Subprocess
import Testing

#if canImport(System)
import System
#else
import SystemPackage
#endif

public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let wheelwright = root.appendingPathComponent(".build/debug/wheelwright").path
    /// The binary users install: `make release` (which `make test` runs first) builds it.
    public static let releaseWheelwright = root.appendingPathComponent(".build/release/wheelwright").path
    public static func tool(_ name: String) -> String { root.appendingPathComponent(".venv/bin/\(name)").path }
}

/// The few tests that talk to the real PyPI. `make test` sets WHEELWRIGHT_PYPI_TESTS=1 only when
/// PyPI answers, so CI without the network skips them.
public enum PyPI {
    public static let enabled = ProcessInfo.processInfo.environment["WHEELWRIGHT_PYPI_TESTS"] == "1"
    public static let reason: Comment = "needs PyPI (make test sets WHEELWRIGHT_PYPI_TESTS=1 when reachable)"
}

/// A temporary folder that removes itself.
public final class TemporaryFolder: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("wheelwright-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a command to completion; returns its exit code and combined output.
public func runTool(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
    let result = try await runToolSeparately(executable, arguments, environment: environment)
    return (result.status, result.output + result.errors)
}

/// The root filesystem of `target` without system packages, as `wheelwright runner list` reports
/// it for the environments under `data` (stdout only: a container engine may warn on stderr).
public func baseRootfs(_ target: String, data: String) async throws -> String {
    let listed = try await runToolSeparately(Repository.wheelwright, ["runner", "list", "--json", "--data", data,
                                                                      "--containers", Repository.root.appendingPathComponent("containers").path])
    guard let rows = try? JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]],
          let row = rows.first(where: { $0["target"] as? String == target && ($0["system_packages"] as? [String])?.isEmpty == true }),
          let path = row["path"] as? String else {
        throw TestFailure("runner list named no base rootfs of \(target): \(listed.output) \(listed.errors)")
    }
    return path
}

/// Runs a command to completion (in `directory` when given); returns its exit code, standard
/// output and standard error apart.
public func runToolSeparately(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                              input: String = "", directory: String? = nil) async throws -> (status: Int32, output: String, errors: String) {
    var merged = ProcessInfo.processInfo.environment
    // The machine's pip settings (find-links, caches) must not leak into the tests.
    for key in merged.keys where key.hasPrefix("PIP_") || key.hasPrefix("UV_") || key.hasPrefix("TWINE_") {
        merged[key] = nil
    }
    merged["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    merged["PIP_NO_INPUT"] = "1"
    for (key, value) in environment { merged[key] = value }
    let result = try await Subprocess.run(
        .path(FilePath(executable)),
        arguments: Arguments(arguments),
        environment: .custom(Dictionary(uniqueKeysWithValues: merged.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
        workingDirectory: directory.map { FilePath($0) },
        input: .string(input),
        output: .string(limit: 16 << 20),
        error: .string(limit: 16 << 20)
    )
    let code: Int32
    switch result.terminationStatus {
    case .exited(let value): code = value
    default: code = -1
    }
    return (code, result.standardOutput, result.standardError)
}


/// `wheelwright serve` as a real process on a free port, with its own data folder.
public final class TestServer: @unchecked Sendable {
    public static let rootPassword = "root-secret"
    /// `rootPassword` in a file of mode 0600, for `--password-file` (secrets never go in argv).
    public static let rootPasswordFile: String = secretFile(rootPassword)

    /// `secret` in a new file of mode 0600; its path.
    public static func secretFile(_ secret: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wheelwright-secret-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return path
    }
    public let data: URL
    /// The server's standard error: its request log.
    public let log: URL
    public private(set) var process: Process
    public private(set) var baseURL = ""
    /// What it has written on standard output since it last started (its "listening" line,
    /// root's password, its "stopped" line).
    public var output: String { written.withLock { $0 } }
    private let written = Mutex("")

    let extraArguments: [String]
    let port: Int
    /// Whether `data` goes with the server (not when replicas share it).
    let ownsData: Bool

    /// Starts the server on `data` (a new folder when nil, removed after) and waits for its
    /// "listening" line. A replica names its shared `data`, its own `port` (0: any) and `log`.
    public init(data: URL? = nil, arguments: [String] = [], port: Int = 0, log: URL? = nil) async throws {
        let folder = data ?? FileManager.default.temporaryDirectory.appendingPathComponent("wheelwright-server-\(UUID().uuidString)")
        self.data = folder
        self.log = log ?? folder.appendingPathExtension("log")
        ownsData = data == nil || log == nil
        extraArguments = arguments
        self.port = port
        process = Process()
        try await start()
    }

    /// Starts it again after a `kill()` or `stop()`, on the same port when it was given one.
    public func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.wheelwright)
        process.arguments = ["serve", "--data", data.path, "--port", String(port)] + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment["WHEELWRIGHT_ROOT_PASSWORD"] = Self.rootPassword
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let logHandle = try FileHandle(forWritingTo: log)
        logHandle.seekToEndOfFile()
        process.standardError = logHandle
        try process.run()
        self.process = process
        // Its output is read on a Dispatch thread until it listens (the reads block).
        let (seen, address) = await offCooperativePool { () -> (String, String?) in
            var seen = ""
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
                if let range = seen.range(of: "listening on http://"), let end = seen[range.upperBound...].firstIndex(of: "/") {
                    return (seen, "http://" + seen[range.upperBound..<end])
                }
            }
            return (seen, nil)
        }
        guard let address else {
            process.terminate()
            throw TestFailure("the server did not start: \(seen)")
        }
        baseURL = address
        written.withLock { $0 = seen }
        // Keep draining the pipe so the server never blocks on a full one.
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            // At the end of the output the handler would be called again and again: it stops here.
            guard !chunk.isEmpty else { return handle.readabilityHandler = nil }
            self?.written.withLock { $0 += String(decoding: chunk, as: UTF8.self) }
        }
    }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    public func terminate() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Stops with SIGTERM and waits.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// SIGKILL: a crash, with no chance to clean up.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public func restart() async throws {
        stop()
        try await start()
    }

    deinit {
        stop()
        if ownsData { try? FileManager.default.removeItem(at: data) }
        try? FileManager.default.removeItem(at: log)
    }
}


/// Host processes whose command line (arguments joined by spaces) holds `marker`.
public func processes(containing marker: String) -> [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.filter { $0.allSatisfy(\.isNumber) }.filter { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(marker)
    }
}

/// Runs `body`, which blocks (a pipe read, waiting for a process), on a Dispatch thread: Swift's
/// cooperative threads (one per core) also run the in-process servers (`LocalIndex`), which a
/// blocked one would starve.
public func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}
