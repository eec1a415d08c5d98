import Foundation
import IndexAPI
import PythonPackaging

/// Why the store refused something; `status` is the HTTP status the server answers with.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case badRequest, unauthorized, forbidden, notFound, conflict, tooLarge, tooManyRequests
        case internalError, unavailable, insufficientStorage
    }

    public let kind: Kind
    public let message: String
    /// Seconds a client should wait before trying again (429 and 503).
    public let retryAfter: Int?

    public init(_ kind: Kind, _ message: String, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    /// A failed write: a full disk is a 507 saying so, anything else a 503.
    static func writeFailed(_ what: String, errno code: Int32) -> StoreError {
        if code == ENOSPC || code == EDQUOT {
            return StoreError(.insufficientStorage, "\(what): the index's disk is full; nothing was stored, try again once space is freed")
        }
        return StoreError(.unavailable, "\(what): \(String(cString: strerror(code)))")
    }

    public var description: String { message }

    public static func badRequest(_ message: String) -> StoreError { StoreError(.badRequest, message) }
    public static func notFound(_ message: String) -> StoreError { StoreError(.notFound, message) }
    public static func conflict(_ message: String) -> StoreError { StoreError(.conflict, message) }
    public static func forbidden(_ message: String) -> StoreError { StoreError(.forbidden, message) }

    /// The non-volatile rule: a file, once stored, keeps its bytes, under any spelling of its name.
    static func alreadyExists(_ filename: String, as stored: String, in index: IndexID) -> StoreError {
        let name = stored == filename ? filename : "\(filename) (the same file as \(stored))"
        return .conflict("\(name) already exists in \(index) with other content: the index is non-volatile; upload a new version or build number")
    }
}

/// A user or index name: ASCII letters, digits, `.`, `-`, `_`, starting with a letter or digit,
/// at most 64 characters. Nothing that could act as a path separator or traversal.
public enum StoreName {
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), let first = bytes.first,
              first.isASCIIAlphanumeric else { return false }
        return bytes.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    public static func validate(_ name: String, what: String) throws(StoreError) {
        guard isValid(name) else {
            throw .badRequest("invalid \(what) name '\(name)': use 1 to 64 ASCII letters, digits, '.', '-' or '_', starting with a letter or digit")
        }
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A)
    }
}

/// `USER/INDEX`, as devpi names indices.
public struct IndexID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let user: String
    public let index: String

    /// User names are case-insensitive (`Alice/dev` is `alice/dev`); index names are kept as written.
    public init(user: String, index: String) throws(StoreError) {
        try StoreName.validate(user, what: "user")
        try StoreName.validate(index, what: "index")
        self.user = user.lowercased()
        self.index = index
    }

    /// Parses `user/index`.
    public init(_ text: String) throws(StoreError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .badRequest("expected an index as USER/INDEX, got '\(text)'") }
        try self.init(user: String(parts[0]), index: String(parts[1]))
    }

    public var description: String { "\(user)/\(index)" }

    public static func < (lhs: IndexID, rhs: IndexID) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try IndexID(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An index's settings, as devpi's JSON API shows them.
public struct IndexSettings: Sendable, Equatable, Codable {
    public var type: String
    public var bases: [IndexID]
    public var volatile: Bool
    /// User names allowed to upload; the owner always may. `:ANONYMOUS:` is not supported.
    public var aclUpload: [String]

    public init(type: String = "stage", bases: [IndexID] = [], volatile: Bool = false, aclUpload: [String] = []) {
        self.type = type
        self.bases = bases
        self.volatile = volatile
        self.aclUpload = aclUpload
    }

    enum CodingKeys: String, CodingKey {
        case type, bases, volatile
        case aclUpload = "acl_upload"
    }
}

/// What kind of distribution a stored file is.
public enum DistributionKind: String, Sendable, Codable {
    case wheel
    case sdist
}

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

    public init(
        index: IndexID, filename: String, project: String, version: String, kind: DistributionKind,
        sha256: String, size: Int64, uploadTime: Double, uploader: String, requiresPython: String?,
        yanked: Bool = false, yankReason: String? = nil, metadataSHA256: String?, provenance: Provenance?,
        buildLog: BlobReference? = nil
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
    }

    /// The file's content as a blob reference (its digest was computed by this server).
    public var blob: BlobReference? { BlobDigest(sha256).map { BlobReference(digest: $0, size: size) } }

    /// `+f/<sha256[:2]>/<sha256[2:]>/<filename>`, relative to the index URL.
    public var relativeURL: String {
        "+f/\(sha256.prefix(2))/\(sha256.dropFirst(2))/\(filename)"
    }
}

/// What an upload did.
public enum UploadOutcome: Sendable, Equatable {
    case stored(StoredFile)
    /// The same filename with identical bytes was already there: nothing changed.
    case alreadyPresent(StoredFile)
}

/// An index's size, for the pages.
public struct IndexStatistics: Sendable {
    public let projects: Int
    public let files: Int
    public let lastUpload: Double?
}

/// One line of an index's project list.
public struct ProjectSummary: Sendable {
    public let name: String
    public let files: Int
    public let lastUpload: Double
    public let versions: [String]
}

/// A `wheelwright build` run as it reported itself.
public struct ReportedRun: Sendable {
    public let id: Int64
    public let reportedAt: Double
    public let reporter: String
    /// The run's JSON report.
    public let report: String
}

/// A blob's name: exactly 64 lower-case hex digits, the SHA-256 of its bytes, computed by this
/// server when it stored them. The only value that becomes a path inside the blob folder, so
/// nothing a client sends can name another file.
public struct BlobDigest: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    /// Nil unless `text` is 64 lower-case hex digits.
    public init?(_ text: String) {
        guard text.utf8.count == 64,
              text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        hex = text
    }

    public var description: String { hex }
}

/// A stored blob and the size it must have.
public struct BlobReference: Sendable, Hashable {
    public let digest: BlobDigest
    public let size: Int64

    public init(digest: BlobDigest, size: Int64) {
        self.digest = digest
        self.size = size
    }
}
