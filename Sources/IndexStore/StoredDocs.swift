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
    /// How the docs came to the index: their upload, then each push that brought them here.
    public let history: [FileEvent]

    /// `history` nil: the docs were uploaded to `index` by `uploader` at `uploadTime`.
    public init(index: IndexID, project: String, version: String, sha256: String, size: Int64, uploadTime: Double, uploader: String,
                history: [FileEvent]? = nil) {
        (self.index, self.project, self.version, self.sha256, self.size, self.uploadTime, self.uploader) = (index, project, version, sha256, size, uploadTime, uploader)
        self.history = history ?? [FileEvent(what: .upload, who: uploader, when: uploadTime, dst: index.description)]
    }

    /// `"NAME-VERSION.doc.zip"`, devpi's name for the zip.
    public var filename: String { "\(project)-\(version).doc.zip" }

    /// The zip's path under its index, beside the release files (devpi's `doczip` link).
    public var relativeURL: String { "+f/\(sha256.prefix(2))/\(sha256.dropFirst(2))/\(filename)" }

    /// The project and version a zip's `filename` names, or nil.
    public static func release(named filename: String) -> (project: String, version: String)? {
        guard filename.hasSuffix(".doc.zip") else { return nil }
        let stem = filename.dropLast(".doc.zip".count)
        guard let dash = stem.lastIndex(of: "-") else { return nil }
        return (String(stem[..<dash]), String(stem[stem.index(after: dash)...]))
    }

    public var blob: BlobReference? { BlobDigest(sha256).map { BlobReference(digest: $0, size: size) } }
}
