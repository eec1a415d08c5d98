import Basics
import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What `BlobStore.verify` found wrong with a blob.
public enum BlobProblem: Sendable, Equatable, CustomStringConvertible {
    case missing(BlobDigest)
    case wrongSize(BlobDigest, expected: Int64, actual: Int64)
    case wrongDigest(BlobDigest, actual: String)

    public var description: String {
        switch self {
        case .missing(let digest): "blob \(digest) is missing"
        case let .wrongSize(digest, expected, actual): "blob \(digest) has \(actual) bytes, the catalog says \(expected)"
        case let .wrongDigest(digest, actual): "blob \(digest) is damaged: its bytes hash to \(actual)"
        }
    }
}
