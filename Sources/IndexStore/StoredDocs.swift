import Foundation
import IndexAPI

/// A release's documentation in an index: a zip of built HTML (devpi's `doc_upload`), kept as
/// a blob like a file and served member by member.
public struct StoredDocs: Sendable, Equatable {
    public let index: IndexID
    /// PEP 503 normalized project name.
    public let project: String
    /// The canonical version string.
    public let version: String
    public let sha256: String
    public let size: Int64
    /// Seconds since 1970, UTC.
    public let uploadTime: Double
    public let uploader: String

    public init(index: IndexID, project: String, version: String, sha256: String, size: Int64, uploadTime: Double, uploader: String) {
        (self.index, self.project, self.version, self.sha256, self.size, self.uploadTime, self.uploader) = (index, project, version, sha256, size, uploadTime, uploader)
    }

    public var blob: BlobReference? { BlobDigest(sha256).map { BlobReference(digest: $0, size: size) } }
}
