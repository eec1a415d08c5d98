import Foundation
import NIOHTTP1

/// An upstream simple index serving a folder (`Tests/Support/mirror_upstream.py`), for mirrors:
/// files may be added, changed or aged (their modification time is their upload time) between
/// requests; `counts` says how often each path was asked for.
public final class FolderUpstream: @unchecked Sendable {
    public let folder: URL
    private var process = Process()
    public private(set) var port = 0

    public init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Repository.root.appendingPathComponent("Tests/Support/mirror_upstream.py").path, folder.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = ""
        while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") { line.append(Character(UnicodeScalar(byte))) }
        guard let port = Int(line) else { throw TestFailure("mirror_upstream.py did not say its port: '\(line)'") }
        self.port = port
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT/simple/`
    public var simpleURL: String { "http://127.0.0.1:\(port)/simple/" }

    /// SIGKILL: a child of the test process may inherit SIGTERM blocked, and the upstream has
    /// nothing to clean up.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// How many times each path was asked for.
    public func counts() async throws -> [String: Int] {
        let reply = try await HTTP.send(.GET, "http://127.0.0.1:\(port)/counts")
        return (try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Int]) ?? [:]
    }

    /// Sets a file's upload time to `age` seconds ago; nil lists it without one.
    public func age(_ filename: String, by age: TimeInterval?) throws {
        let time = age.map { Date().addingTimeInterval(-$0) } ?? Date(timeIntervalSince1970: 0)
        try FileManager.default.setAttributes([.modificationDate: time], ofItemAtPath: folder.appendingPathComponent(filename).path)
    }
}
