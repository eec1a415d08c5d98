import Foundation
import IndexAPI
import PythonPackaging

/// One file of an index, as the simple API and the web pages describe it.
public struct StoredFile: Sendable, Equatable {
    public let index: IndexID
    public let filename: String
    /// PEP 503 normalized project name.
    public let project: String
    /// The canonical version string.
    public let version: String
    public let kind: DistributionKind
    public let sha256: String
    public let size: Int64
    /// Seconds since 1970, UTC.
    public let uploadTime: Double
    public let uploader: String
    public let requiresPython: String?
    public var yanked: Bool
    public var yankReason: String?
    /// The sha256 of the core metadata file served at `<file>.metadata` (PEP 658).
    public let metadataSHA256: String?
    /// The builder's provenance document, validated against its schema at upload.
    public let provenance: Provenance?
    /// The build log the builder attached: a blob the server stored and digested itself.
    public let buildLog: BlobReference?
    /// How it came to this index, oldest first: its upload, then each push that brought it
    /// along (a file stored before histories were kept has its upload here).
    public let history: [FileEvent]

    public init(
        index: IndexID, filename: String, project: String, version: String, kind: DistributionKind,
        sha256: String, size: Int64, uploadTime: Double, uploader: String, requiresPython: String?,
        yanked: Bool = false, yankReason: String? = nil, metadataSHA256: String?, provenance: Provenance?,
        buildLog: BlobReference? = nil, history: [FileEvent]? = nil
    ) {
        self.index = index
        self.filename = filename
        self.project = project
        self.version = version
        self.kind = kind
        self.sha256 = sha256
        self.size = size
        self.uploadTime = uploadTime
        self.uploader = uploader
        self.requiresPython = requiresPython
        self.yanked = yanked
        self.yankReason = yankReason
        self.metadataSHA256 = metadataSHA256
        self.provenance = provenance
        self.buildLog = buildLog
        self.history = history ?? [FileEvent(what: .upload, who: uploader, when: uploadTime, dst: index.description)]
    }

    /// The file's content as a blob reference (its digest was computed by this server).
    public var blob: BlobReference? { BlobDigest(sha256).map { BlobReference(digest: $0, size: size) } }

    /// `+f/<sha256[:2]>/<sha256[2:]>/<filename>`, relative to the index URL.
    public var relativeURL: String {
        "+f/\(sha256.prefix(2))/\(sha256.dropFirst(2))/\(filename)"
    }
}
