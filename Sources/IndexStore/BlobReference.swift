import Foundation
import IndexAPI
import PythonPackaging

/// A stored blob and the size it must have.
public struct BlobReference: Sendable, Hashable {
    public let digest: BlobDigest
    public let size: Int64

    public init(digest: BlobDigest, size: Int64) { (self.digest, self.size) = (digest, size) }
}
