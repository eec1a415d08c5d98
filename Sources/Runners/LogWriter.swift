import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Appends to a log file, up to `Supervisor.logLimit` bytes.
final class LogWriter: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private var written = 0
    private var truncated = false

    init(appendingTo url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw RunnerError.io("cannot create the build log \(url.path)")
            }
        }
        handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        lock.withLock {
            guard !truncated, bytes.count > 0 else { return }
            let room = Supervisor.logLimit - written
            let count = min(room, bytes.count)
            handle.write(Data(bytes: bytes.baseAddress!, count: count))
            written += count
            if count < bytes.count {
                truncated = true
                handle.write(Data("\n[wheelwright: the log is cut at \(Supervisor.logLimit >> 20) MiB]\n".utf8))
            }
        }
    }

    func line(_ text: String) {
        Array((text + "\n").utf8).withUnsafeBytes { append($0) }
    }

    func close() {
        lock.withLock { try? handle.close() }
    }
}
