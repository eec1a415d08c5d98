import Archives
import Basics
import Crypto
import Foundation
import IndexAPI
import PythonPackaging

#if canImport(Glibc)
import Glibc
#endif

/// The store's operations as the server and the tests use them: the catalog, the blobs and the
/// credentials together, with the permission and validation rules in one place.
public struct IndexService: Sendable {
    public let catalog: Catalog
    public let blobs: BlobStore
    public let authenticator: Authenticator
    /// devpi-client's login sessions (`+login`, `X-Devpi-Auth`).
    let sessions: ProxyAuth
    /// Where validated uploads wait to be made durable together.
    let committer: UploadCommitter
    /// The data directory (blobs, temporary files, the SQLite catalog unless shared).
    let directory: URL

    /// Opens the store in `directory` (`blobs/`, `tmp/`, and `catalog.sqlite` unless `database`
    /// is a shared catalog), recovering from a crash first. With its own SQLite catalog, every
    /// temporary file and every blob the catalog does not name is removed; on a shared catalog
    /// (replicas on one blob folder), only those untouched for `sharedGrace`, under the
    /// catalog's write lock.
    public init(directory: URL, database: (any CatalogDatabase)? = nil) async throws {
        try Self.makePrivate(directory)
        catalog = try await Catalog(database: try database ?? SQLiteCatalogDatabase(path: directory.appendingPathComponent("catalog.sqlite").path))
        for file in ["catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"] {
            _ = chmod(directory.appendingPathComponent(file).path, 0o600)
        }
        blobs = try BlobStore(root: directory)
        authenticator = Authenticator(catalog: catalog)
        sessions = try ProxyAuth(secretFile: directory.appendingPathComponent("session-secret"))
        committer = UploadCommitter(catalog: catalog, blobs: blobs)
        self.directory = directory
        if database != nil {
            _ = try await collectGarbage()
        } else if FileManager.default.fileExists(atPath: cleanStopMarker.path) {
            // The last server stopped cleanly: no blob can be unrecorded. The marker goes first,
            // so that a crash of this run leaves a store that the next start checks in full.
            try FileManager.default.removeItem(at: cleanStopMarker)
            BlobStore.synchronizeDirectory(directory)
            _ = try blobs.removeTemporaries(modifiedBefore: nil)
        } else {
            _ = try blobs.collect(keeping: try await catalog.referencedBlobs(), modifiedBefore: nil)
        }
    }

    /// Creates `directory` (and its missing parents) for the store's owner alone, whatever the
    /// umask, and takes the group's and others' access from one that exists: it holds password
    /// hashes, tokens' digests and the session secret.
    static func makePrivate(_ directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard chmod(directory.path, 0o700) == 0 else {
            throw StoreError(.internalError, "cannot make \(directory.path) private to its owner (chmod 700): \(String(cString: strerror(errno)))")
        }
    }

    /// The file a server that stopped cleanly leaves in its data directory (SQLite stores): the
    /// next start skips the search for blobs no file names, which reads every file's digest
    /// (about 0.85 s at a million files, measured by `make bench-scale`).
    var cleanStopMarker: URL { directory.appendingPathComponent("clean-stop") }

    /// Records that this store's server stopped cleanly: every upload it acknowledged is in the
    /// catalog and none is half-placed. Call only once nothing writes any more.
    public func recordCleanStop() throws {
        guard FileManager.default.createFile(atPath: cleanStopMarker.path, contents: Data()) else {
            throw StoreError.writeFailed("cannot write \(cleanStopMarker.path)", errno: errno)
        }
        BlobStore.synchronizeDirectory(directory)
    }

    /// How long a blob or temporary file of a shared store must be untouched before a
    /// collection may remove it: longer than any upload takes between its last byte and its
    /// catalog row (its blob is moved into place inside that row's transaction).
    public static let sharedGrace: TimeInterval = 3600

    /// Removes unreferenced blobs and temporary files older than `sharedGrace`, holding the
    /// catalog's write lock: safe while other replicas upload.
    public func collectGarbage(now: Date = Date()) async throws -> (temporaries: Int, orphans: Int) {
        try await blobs.collect(recordedIn: catalog, now: now)
    }

    /// Creates `root` with `password` when there is no root yet; returns whether it did.
    /// Gives root `password` when root does not exist yet or has none (imported from devpi);
    /// false when root already had a password, which is then left alone.
    public func bootstrapRoot(password: String) async throws -> Bool {
        switch try await catalog.passwordHash(of: "root") {
        case nil:
            do {
                try await catalog.createUser("root", passwordHash: try PasswordHasher.hash(password))
            } catch let error as StoreError where error.kind == .conflict {
                return false  // another replica starting at the same time created root first
            }
        case PasswordHasher.locked?:
            try await catalog.updateUser("root", passwordHash: try PasswordHasher.hash(password), builder: nil)
        default:
            return false
        }
        return true
    }

    // MARK: Permissions

    /// Allows `operation` for `identity` (nil: anonymous) or throws the refusal; for file
    /// operations returns the index's settings. The rule itself is `Authorization.check`.
    @discardableResult
    public func authorize(_ identity: Identity?, _ operation: Operation) async throws -> IndexSettings? {
        var facts = Authorization.Facts()
        var settings: IndexSettings?
        if let index = operation.fileIndex {
            guard let found = try await catalog.settings(of: index) else { throw StoreError.notFound("index \(index) does not exist") }
            settings = found
            facts.aclUpload = found.aclUpload
            facts.isMirror = found.isMirror
        }
        if operation == .reportBuild, let identity { facts.isBuilder = try await catalog.isBuilder(identity.user) }
        if let refusal = Authorization.check(identity, operation, facts: facts) {
            // To whoever may not read a private index, a refused write of its files is the 404 of an
            // index that does not exist (which those writes get): a 403 would say that it does.
            // (Managing an index is refused alike whether it exists or not: nothing to hide there.)
            if refusal.kind == .forbidden, let index = operation.fileIndex, let found = settings,
               Authorization.readRefusal(identity, index, aclRead: found.aclRead) != nil {
                throw Authorization.noIndex(index)
            }
            throw refusal
        }
        return settings
    }

    // MARK: Uploads

    /// Digests a client declared for an upload; each one given must match.
    public struct DeclaredDigests: Sendable {
        public var sha256: String?
        public var md5: String?
        public var blake2b256: String?

        public init(sha256: String? = nil, md5: String? = nil, blake2b256: String? = nil) {
            (self.sha256, self.md5, self.blake2b256) = (sha256, md5, blake2b256)
        }
    }

    /// Validates an uploaded distribution that has been streamed to `blob`, then stores it:
    /// the filename parses, the archive's core metadata names the same project and version,
    /// the digests match. On any refusal the temporary file is discarded and nothing changes.
    /// The store's write waits for the group commit (`UploadCommitter`) it joins.
    public func upload(
        _ blob: TemporaryBlob, filename: String, to index: IndexID, by identity: Identity,
        declared: DeclaredDigests, provenance: String? = nil, buildLog: TemporaryBlob? = nil,
        limits: ArchiveLimits = ArchiveLimits()
    ) async throws -> UploadOutcome {
        switch try await validate(blob, filename: filename, to: index, by: identity, declared: declared, provenance: provenance,
                            buildLog: buildLog, limits: limits) {
        case .settled(let outcome): return outcome
        case .ready(let upload): return try await committer.commit(upload)
        }
    }

    /// A validated upload: already in the index (nothing to write), or ready to commit.
    private enum ValidatedUpload {
        case settled(UploadOutcome)
        case ready(UploadCommitter.Upload)
    }

    /// Who a file comes from: a client's upload, or a mirror's upstream (the time it was uploaded
    /// there, when the upstream says).
    private enum Source {
        case client(Identity)
        case upstream(uploaded: Double?)
    }

    /// Stores a file a mirror fetched from its upstream (its SHA-256 already checked against the
    /// upstream's), with the checks an upload gets but for a canonical filename (upstream's names
    /// are what installers ask for). From then on it is a non-volatile file of the mirror.
    public func storeMirrored(_ blob: TemporaryBlob, filename: String, in index: IndexID, uploaded: Double?) async throws -> StoredFile {
        let outcome = switch try await validate(blob, filename: filename, to: index, from: .upstream(uploaded: uploaded), declared: DeclaredDigests(),
                                          provenance: nil, buildLog: nil, limits: ArchiveLimits()) {
        case .settled(let outcome): outcome
        case .ready(let upload): try await committer.commit(upload)
        }
        switch outcome {
        case .stored(let file), .alreadyPresent(let file): return file
        }
    }

    private func validate(
        _ blob: TemporaryBlob, filename: String, to index: IndexID, by identity: Identity,
        declared: DeclaredDigests, provenance: String?, buildLog: TemporaryBlob?, limits: ArchiveLimits
    ) async throws -> ValidatedUpload {
        try await validate(blob, filename: filename, to: index, from: .client(identity), declared: declared, provenance: provenance,
                     buildLog: buildLog, limits: limits)
    }

    private func validate(
        _ blob: TemporaryBlob, filename: String, to index: IndexID, from source: Source,
        declared: DeclaredDigests, provenance: String?, buildLog: TemporaryBlob?, limits: ArchiveLimits
    ) async throws -> ValidatedUpload {
        do {
            let settings: IndexSettings?
            let uploader: String
            let uploadTime: Double
            switch source {
            case .client(let identity):
                settings = try await authorize(identity, .upload(index))
                (uploader, uploadTime) = (identity.user, Date().timeIntervalSince1970)
            case .upstream(let uploaded):
                settings = try await catalog.settings(of: index)
                guard settings?.isMirror == true else { throw StoreError(.internalError, "\(index) is not a mirror") }
                (uploader, uploadTime) = (index.user, uploaded ?? Date().timeIntervalSince1970)
            }
            let distribution: (project: String, version: Version, kind: DistributionKind)
            if case .client = source { distribution = try Self.parseFilename(filename) } else { distribution = try Self.parseFilename(filename, canonical: false) }
            var validatedProvenance: Provenance?
            if let provenance, !provenance.isEmpty {
                do {
                    validatedProvenance = try Provenance(validating: provenance)
                } catch {
                    throw StoreError.badRequest(error.description)
                }
            }
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
            guard member.bytes.count <= DistributionMetadata.maximumCoreMetadataSize else {
                throw StoreError(.tooLarge, "\(filename): its \(member.path) is \(member.bytes.count) bytes; at most \(DistributionMetadata.maximumCoreMetadataSize) are accepted (a long description belongs in the project's documentation)")
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
            if let field = metadata.fields.first(where: { $0.value.utf8.count > Self.maximumMetadataFieldSize && $0.name != "Description" }) {
                throw StoreError(.tooLarge, "\(filename): its metadata field \(field.name) is \(field.value.utf8.count) bytes; at most \(Self.maximumMetadataFieldSize) are accepted")
            }
            // A provenance that names an SBOM names one the wheel holds: the file page links it.
            if let sbom = validatedProvenance?.sbomSHA256, Self.sbom(inWheel: blob.url.path, filename: filename, sha256: sbom) == nil {
                throw StoreError.badRequest("provenance.sbom_sha256: \(filename) holds no .dist-info/sboms/wheelwright.cdx.json with SHA-256 \(sbom)")
            }
            let distributionIdentity = Catalog.identity(of: filename)
            if let existing = try await catalog.file(sameAs: filename, identity: distributionIdentity, in: index) {
                if existing.sha256 == sha256 {
                    blobs.discard(blob)
                    if let buildLog { blobs.discard(buildLog) }
                    return .settled(.alreadyPresent(existing))
                }
                // Refused before the blob is committed; the catalog checks again for racing uploads.
                if settings?.volatile != true {
                    throw StoreError.alreadyExists(filename, as: existing.filename, in: index)
                }
            }
            guard let digest = BlobDigest(sha256) else { throw StoreError(.internalError, "an upload's SHA-256 is not 64 hex digits") }
            // The log is a blob like any file; the catalog row keeps it referenced.
            let log = try buildLog.map { log in
                guard let logDigest = BlobDigest(log.digests.sha256) else { throw StoreError(.internalError, "a build log's SHA-256 is not 64 hex digits") }
                return (blob: log, digest: logDigest)
            }
            let file = StoredFile(
                index: index, filename: filename, project: distribution.project, version: distribution.version.description,
                kind: distribution.kind, sha256: sha256, size: blob.size, uploadTime: uploadTime,
                uploader: uploader, requiresPython: metadata["Requires-Python"], metadataSHA256: SHA256.hash(data: member.bytes).hex,
                provenance: validatedProvenance, buildLog: log.map { BlobReference(digest: $0.digest, size: $0.blob.size) }
            )
            return .ready(UploadCommitter.Upload(file: file, identity: distributionIdentity, metadata: member.bytes,
                                                 search: SearchDocument(version: file.version, parsed: metadata), blob: blob,
                                                 digest: digest, buildLog: log))
        } catch {
            blobs.discard(blob)
            if let buildLog { blobs.discard(buildLog) }
            throw error
        }
    }

    /// The largest single metadata field but the description (a summary is one line).
    public static let maximumMetadataFieldSize = 64 << 10

    /// The project, version and kind a distribution filename names; refuses anything else,
    /// including path separators and traversal.
    /// With `canonical` (uploads), the name must be written as PEP 427 and 625 write it; a mirror
    /// keeps upstream's older spellings (`PyYAML-6.0.1.tar.gz`).
    public static func parseFilename(_ filename: String, canonical: Bool = true) throws(StoreError) -> (project: String, version: Version, kind: DistributionKind) {
        guard !filename.contains("/"), !filename.contains("\\"), !filename.hasPrefix("."), !filename.contains("\u{0}") else {
            throw .badRequest("invalid filename '\(filename)': no path separators or leading dots")
        }
        guard filename.utf8.count <= 255 else { throw .badRequest("invalid filename: longer than 255 bytes") }
        if filename.hasSuffix(".whl") {
            let wheel: WheelFilename
            do {
                wheel = try WheelFilename(filename)
            } catch {
                throw .badRequest(error.description)
            }
            if let member = wheel.invalidTagMember {
                throw .badRequest("invalid wheel filename '\(filename)': the tag '\(member)' may hold only letters, digits and '_'")
            }
            guard !canonical || wheel.canonicalFilename == filename else {
                throw .badRequest("non-canonical wheel filename '\(filename)': upload it as '\(wheel.canonicalFilename)' (the version as PEP 440 writes it, each tag in lower case and once)")
            }
            return (wheel.normalizedName, wheel.version, .wheel)
        }
        let sdist: SdistFilename
        do {
            sdist = try SdistFilename(filename)
        } catch {
            throw .badRequest("\(error.description); expected a wheel (.whl) or an sdist (.tar.gz, .zip)")
        }
        guard !canonical || sdist.canonicalFilename == filename else {
            throw .badRequest("non-canonical sdist filename '\(filename)': upload it as '\(sdist.canonicalFilename)' (the version as PEP 440 writes it)")
        }
        return (sdist.normalizedName, sdist.version, .sdist)
    }
}
