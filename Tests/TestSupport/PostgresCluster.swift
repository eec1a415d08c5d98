import Foundation

/// Debian's PostgreSQL as a throwaway cluster for a test: `initdb` in a temporary folder owned
/// by the unprivileged `postgres` user, `pg_ctl start` on a free port of 127.0.0.1 (socket in the
/// same folder), one database; stopped and removed when the value goes. No system service.
public final class PostgresCluster: @unchecked Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "\(binaries)/initdb") }

    public let folder: URL
    public let port: Int
    public let database: String
    /// `postgresql://postgres@127.0.0.1:PORT/DATABASE` (trust authentication, loopback only).
    public var url: String { "postgresql://postgres@127.0.0.1:\(port)/\(database)" }

    public init(database: String = "wheelwright") async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("wheelwright-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.ownerAccountName: "postgres", .groupOwnerAccountName: "postgres"], ofItemAtPath: folder.path)
        port = try freePort()
        self.database = database
        let data = folder.appendingPathComponent("data").path
        try await Self.asPostgres(["\(Self.binaries)/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
        try await Self.asPostgres(["\(Self.binaries)/pg_ctl", "-D", data, "-l", folder.appendingPathComponent("server.log").path, "-w", "start",
                                   "-o", "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"])
        try await Self.asPostgres(["\(Self.binaries)/createdb", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", database])
    }

    /// The output of `psql -c SQL` against the database (unaligned, tuples only).
    public func psql(_ sql: String) async throws -> String {
        let result = try await runToolSeparately("/usr/bin/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database,
                                                                  "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw TestFailure("psql: \(result.errors)") }
        return result.output
    }

    /// The server's process ID, from the first line of its `postmaster.pid`.
    private var postmaster: String? {
        (try? String(contentsOf: folder.appendingPathComponent("data/postmaster.pid"), encoding: .utf8))?.split(separator: "\n").first.map(String.init)
    }

    /// Sends `signal` (`STOP`, `CONT`) to the server and each of its processes: a stalled server.
    public func signal(_ signal: String) async throws {
        guard let postmaster else { throw TestFailure("no postmaster.pid in \(folder.path)") }
        // STOP: the postmaster first, so that it forks no child after the children are stopped (a
        // connection starting meanwhile would get a running backend). CONT: the children first,
        // so that a continued postmaster finds them running.
        let children = { _ = try await runToolSeparately("/usr/bin/pkill", ["-\(signal)", "-P", postmaster]) }
        if signal != "STOP" { try await children() }
        let sent = try await runToolSeparately("/bin/kill", ["-\(signal)", postmaster])
        guard sent.status == 0 else { throw TestFailure("kill -\(signal) \(postmaster): \(sent.errors)") }
        if signal == "STOP" { try await children() }
    }

    deinit {
        // A test that stopped the server (`signal("STOP")`) and failed before continuing it.
        if let postmaster {
            for arguments in [["/usr/bin/pkill", "-CONT", "-P", postmaster], ["/bin/kill", "-CONT", postmaster]] {
                let resume = Process()
                resume.executableURL = URL(fileURLWithPath: arguments[0])
                resume.arguments = Array(arguments.dropFirst())
                try? resume.run()
                resume.waitUntilExit()
            }
        }
        let stop = Process()
        stop.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        stop.arguments = ["-u", "postgres", "--", "\(Self.binaries)/pg_ctl", "-D", folder.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"]
        stop.standardOutput = FileHandle.nullDevice
        stop.standardError = FileHandle.nullDevice
        try? stop.run()
        stop.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    private static func asPostgres(_ command: [String]) async throws {
        let result = try await runToolSeparately("/usr/sbin/runuser", ["-u", "postgres", "--"] + command, directory: "/tmp")
        guard result.status == 0 else { throw TestFailure("\(command[0]) failed: \(result.output) \(result.errors)") }
    }
}
