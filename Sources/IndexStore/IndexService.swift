import Archives
import Crypto
import Foundation
import PythonPackaging

/// The store's operations as the server and the tests use them: the catalog, the blobs and the
/// credentials together, with the permission and validation rules in one place.
public struct IndexService: Sendable {
    public let catalog: Catalog
    public let blobs: BlobStore
    public let authenticator: Authenticator

    /// Opens the store in `directory` (`catalog.sqlite`, `blobs/`, `tmp/`), recovering from a
    /// crash first: temporary files and blobs the catalog does not know are removed.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        catalog = try Catalog(path: directory.appendingPathComponent("catalog.sqlite").path)
        blobs = try BlobStore(root: directory)
        authenticator = Authenticator(catalog: catalog)
        _ = try blobs.recover(keeping: try catalog.referencedBlobs())
    }

    /// Creates `root` with `password` when there is no root yet; returns whether it did.
    public func bootstrapRoot(password: String) throws -> Bool {
        guard try !catalog.userExists("root") else { return false }
        try catalog.createUser("root", passwordHash: try PasswordHasher.hash(password))
        return true
    }

    // MARK: Permissions

    public func requireRoot(_ identity: Identity) throws(StoreError) {
        guard identity.isRoot, identity.tokenScope == nil else { throw .forbidden("only root may do this") }
    }

    /// The index's owner or root may manage it.
    public func requireOwner(_ identity: Identity, of index: IndexID) throws(StoreError) {
        guard identity.user == index.user || identity.isRoot else {
            throw .forbidden("\(identity.user) may not change \(index): only \(index.user) or root may")
        }
    }

    /// The owner, root or a user in `acl_upload`, within a token's scope.
    public func requireUpload(_ identity: Identity, to index: IndexID) throws -> IndexSettings {
        guard let settings = try catalog.settings(of: index) else { throw StoreError.notFound("index \(index) does not exist") }
        if let scope = identity.tokenScope, !scope.contains(index) {
            throw StoreError.forbidden("this token may not upload to \(index)")
        }
        let allowed = identity.user == index.user || identity.isRoot || settings.aclUpload.contains(identity.user)
        guard allowed else { throw StoreError.forbidden("\(identity.user) may not upload to \(index)") }
        return settings
    }

    // MARK: Uploads

    /// Digests a client declared for an upload; each one given must match.
    public struct DeclaredDigests: Sendable {
        public var sha256: String?
        public var md5: String?
        public var blake2b256: String?

        public init(sha256: String? = nil, md5: String? = nil, blake2b256: String? = nil) {
            self.sha256 = sha256
            self.md5 = md5
            self.blake2b256 = blake2b256
        }
    }

    /// Validates an uploaded distribution that has been streamed to `blob`, then stores it:
    /// the filename parses, the archive's core metadata names the same project and version,
    /// the digests match. On any refusal the temporary file is discarded and nothing changes.
    public func upload(
        _ blob: TemporaryBlob, filename: String, to index: IndexID, by identity: Identity,
        declared: DeclaredDigests, provenance: String? = nil, buildLog: TemporaryBlob? = nil,
        limits: ArchiveLimits = ArchiveLimits()
    ) throws -> UploadOutcome {
        do {
            _ = try requireUpload(identity, to: index)
            let distribution = try Self.parseFilename(filename)
            let (sha256, md5, blake2b256) = blob.digests
            for (field, expected, actual) in [("sha256_digest", declared.sha256, sha256), ("md5_digest", declared.md5, md5),
                                              ("blake2_256_digest", declared.blake2b256, blake2b256)] {
                if let expected = expected?.lowercased(), !expected.isEmpty, expected != actual {
                    throw StoreError.badRequest("\(field) does not match the content: declared \(expected), got \(actual)")
                }
            }
            let member: ArchiveReader.Member
            do {
                member = distribution.kind == .wheel
                    ? try DistributionMetadata.wheelMetadata(blob.url.path, limits: limits)
                    : try DistributionMetadata.sdistMetadata(blob.url.path, format: ArchiveFormat(filename: filename), limits: limits)
            } catch {
                throw StoreError.badRequest("\(filename): \(error.description.replacingOccurrences(of: blob.url.path, with: "the upload"))")
            }
            let metadata: CoreMetadata
            do {
                metadata = try CoreMetadata(parsing: String(decoding: member.bytes, as: UTF8.self))
            } catch {
                throw StoreError.badRequest("\(filename): its \(member.path) is not valid core metadata: \(error)")
            }
            let metadataVersion = try metadata.version
            guard ProjectName.normalize(metadata.name) == distribution.project,
                  metadataVersion == distribution.version else {
                throw StoreError.badRequest("\(filename) names \(distribution.project) \(distribution.version) but its \(member.path) says \(metadata.name) \(metadataVersion)")
            }
            if let existing = try catalog.file(index, filename) {
                if existing.sha256 == sha256 {
                    blobs.discard(blob)
                    if let buildLog { blobs.discard(buildLog) }
                    return .alreadyPresent(existing)
                }
                // Refused before the blob is committed; the catalog checks again for racing uploads.
                if try catalog.settings(of: index)?.volatile != true {
                    throw StoreError.alreadyExists(filename, in: index)
                }
            }
            let metadataSHA256 = SHA256.hash(data: member.bytes).hex
            var provenance = provenance
            if let buildLog {
                // The log is a blob like any file; the provenance names it (and keeps it referenced).
                let logSHA256 = try blobs.commit(buildLog)
                provenance = try Self.provenance(provenance, addingLog: logSHA256, size: buildLog.size)
            }
            let committed = try blobs.commit(blob)
            let file = StoredFile(
                index: index, filename: filename, project: distribution.project, version: distribution.version.description,
                kind: distribution.kind, sha256: committed, size: blob.size, uploadTime: Date().timeIntervalSince1970,
                uploader: identity.user, requiresPython: metadata["Requires-Python"], metadataSHA256: metadataSHA256,
                provenance: provenance
            )
            return try catalog.addFile(file, metadata: member.bytes)
        } catch {
            blobs.discard(blob)
            if let buildLog { blobs.discard(buildLog) }
            throw error
        }
    }

    /// The provenance document with `log_sha256` and `log_size` set.
    static func provenance(_ text: String?, addingLog sha256: String, size: Int64) throws -> String {
        var object: [String: Any] = [:]
        if let text, !text.isEmpty {
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw StoreError.badRequest("the provenance field is not a JSON object")
            }
            object = parsed
        }
        object["log_sha256"] = sha256
        object["log_size"] = size
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The project, version and kind a distribution filename names; refuses anything else,
    /// including path separators and traversal.
    public static func parseFilename(_ filename: String) throws(StoreError) -> (project: String, version: Version, kind: DistributionKind) {
        guard !filename.contains("/"), !filename.contains("\\"), !filename.hasPrefix("."), !filename.contains("\u{0}") else {
            throw .badRequest("invalid filename '\(filename)': no path separators or leading dots")
        }
        if filename.hasSuffix(".whl") {
            do {
                let wheel = try WheelFilename(filename)
                return (wheel.normalizedName, wheel.version, .wheel)
            } catch {
                throw .badRequest(error.description)
            }
        }
        do {
            let sdist = try SdistFilename(filename)
            return (sdist.normalizedName, sdist.version, .sdist)
        } catch {
            throw .badRequest("\(error.description); expected a wheel (.whl) or an sdist (.tar.gz, .zip)")
        }
    }
}
