import Foundation

/// An exclusive lock on a run against one index, so nightly runs that overlap do not both build:
/// the second finds it held and stops at once. The lock is the kernel's (flock), so it goes
/// away with the process however that ends.
public final class RunLock: Sendable {
    private let descriptor: Int32

    public init(path: URL) throws {
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(path.path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw BuilderError.locked("cannot open the run lock \(path.path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOf: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw BuilderError.locked("another wheelwright build against this index is running (\(holder.isEmpty ? "lock \(path.path)" : holder)): this run stops")
        }
        ftruncate(fd, 0)
        let note = "pid \(getpid()) since \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = note.withCString { write(fd, $0, strlen($0)) }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
