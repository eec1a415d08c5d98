#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a file (the kernel's `flock`), held while this object lives: it goes
/// away with the process however that ends, so a crash never leaves a stale lock behind.
public final class FileLock: Sendable {
    private let descriptor: Int32

    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot open the lock \(path): \(reason)" }
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The lock, or nil at once when another process holds it. The file is created if missing
    /// (its folder must exist).
    public static func acquire(_ path: String) throws(Failure) -> FileLock? {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return FileLock(descriptor: fd)
    }

    /// The lock, waiting (polling every `interval`) while another process holds it.
    public static func waitFor(_ path: String, polling interval: Duration = .milliseconds(200)) async throws -> FileLock {
        while true {
            if let lock = try acquire(path) { return lock }
            try await Task.sleep(for: interval)
        }
    }

    /// Replaces the file's content with `note` (who holds it), for the message of whoever waits.
    public func record(_ note: String) {
        _ = ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }
}
