import Basics
import Foundation

/// An exclusive lock on a run against one index, so nightly runs that overlap do not both build:
/// the second finds it held and stops at once, naming the process that holds it.
public final class RunLock: Sendable {
    private let lock: FileLock

    public init(path: URL) throws {
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            guard let lock = try FileLock.acquire(path.path) else {
                let holder = (try? String(contentsOf: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                throw BuilderError.locked("another wheelwright build against this index is running (\(holder.isEmpty ? "lock \(path.path)" : holder)): this run stops")
            }
            self.lock = lock
        } catch let failure as FileLock.Failure {
            throw BuilderError.locked("cannot open the run lock: \(failure)")
        }
        lock.record("pid \(getpid()) since \(ISO8601DateFormatter().string(from: Date()))\n")
    }
}
