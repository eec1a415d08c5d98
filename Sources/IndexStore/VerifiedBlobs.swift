import Basics
import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The set of blob files whose digest this process has checked (bounded: cleared when full).
final class VerifiedBlobs: Sendable {
    struct Key: Hashable {
        let digest: BlobDigest
        let device: UInt64
        let inode: UInt64
        let modified: Int64
    }

    private let keys = Mutex(Set<Key>())
    private let capacity = 100_000

    func contains(_ key: Key) -> Bool { keys.withLock { $0.contains(key) } }

    func insert(_ key: Key) {
        keys.withLock { keys in
            if keys.count >= capacity { keys.removeAll() }
            keys.insert(key)
        }
    }
}
