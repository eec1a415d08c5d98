import Foundation
import NIOHTTP1

/// A real devpi-server (from .venv) on a free port, with its root password, stopped with the
/// test: the peer the devpi tests compare against and migrate from.
public final class DevpiServer: @unchecked Sendable {
    public let url: String
    public let serverdir: String
    private let process: Process

    public static let rootPassword = "devpi-root"

    public init(in folder: TemporaryFolder) async throws {
        serverdir = folder.path("devpi-server")
        let port = 20_000 + Int.random(in: 0..<20_000)
        let initialized = try await runTool(Repository.tool("devpi-init"), ["--serverdir", serverdir, "--no-root-pypi", "--root-passwd", Self.rootPassword])
        guard initialized.status == 0 else { throw TestFailure("devpi-init: \(initialized.output)") }
        process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.tool("devpi-server"))
        process.arguments = ["--serverdir", serverdir, "--host", "127.0.0.1", "--port", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        url = "http://127.0.0.1:\(port)"
        for _ in 0..<150 {
            if (try? await HTTP.send(.GET, url + "/+api"))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        stop()
        throw TestFailure("devpi-server did not start on \(url)")
    }

    /// Stops it: SIGINT (its catalog is committed), SIGKILL after 10 s.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGINT)
        for _ in 0..<100 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
