import Archives
import Foundation
import IndexAPI
import PythonPackaging

/// Releases' documentation (devpi's `doc_upload`): a zip of built HTML, checked as hostile.
extension IndexService {
    /// What a documentation zip may hold: entries, their declared total, and one page's size
    /// (enforced again on the bytes when a page is read: a zip may declare less than it holds).
    public static let docsLimits: ArchiveLimits = {
        var limits = ArchiveLimits()
        limits.maximumEntries = 20_000
        limits.maximumTotalSize = 512 << 20
        limits.maximumMemberSize = 32 << 20
        return limits
    }()

    /// Stores `blob` (a zip) as the documentation of `name` `version` in `index`, as `identity`
    /// (who may upload there). Refused with a 400 naming the problem: not a zip, more entries or
    /// bytes than `docsLimits`, a member that is a link or a special file, or whose path is
    /// absolute, climbs out (`..`) or holds a backslash or a control character. The same bytes
    /// again are no change (false); other bytes are a 409 on a non-volatile index.
    @discardableResult
    public func uploadDocs(_ blob: TemporaryBlob, name: String, version: String, to index: IndexID, by identity: Identity) async throws -> Bool {
        do {
            try await authorize(identity, .upload(index))
            guard ProjectName.isValid(name) else { throw StoreError.badRequest("name: '\(name.prefix(100))' is not a project name") }
            let canonical: Version
            do {
                canonical = try Version(version)
            } catch {
                throw StoreError.badRequest("version: '\(version.prefix(100))' is not a PEP 440 version")
            }
            try Self.checkDocs(blob.url.path)
            let project = ProjectName.normalize(name)
            if let setting = try await catalog.standing(of: project, in: index).setting, !setting.status.acceptsUploads {
                throw StoreError.forbidden("\(project) is \(setting.status.rawValue) in \(setting.index) (\(setting.reason)): its documentation is not taken either")
            }
            let sha256 = blob.digests.sha256
            guard let digest = BlobDigest(sha256) else { throw StoreError(.internalError, "a zip's SHA-256 is not 64 hex digits") }
            let docs = StoredDocs(index: index, project: project, version: canonical.description, sha256: sha256, size: blob.size,
                                  uploadTime: Date().timeIntervalSince1970, uploader: identity.user)
            var placed = false
            let stored = try await catalog.addDocs(docs) {
                _ = try blob.finish()
                try blobs.place(blob, at: digest)
                placed = true
            }
            if !placed { blobs.discard(blob) }
            return stored
        } catch {
            blobs.discard(blob)
            throw error
        }
    }

    /// Refuses a documentation zip that is not one, or holds what a page must never name.
    static func checkDocs(_ path: String) throws(StoreError) {
        let entries: [ArchiveReader.Entry]
        do {
            entries = try ArchiveReader.entries(path, format: .zip, limits: docsLimits)
        } catch {
            throw .badRequest("content: the documentation is not a usable zip: \(error.description.replacingOccurrences(of: path, with: "the upload"))")
        }
        for entry in entries {
            guard entry.isFile || entry.isDirectory else { throw .badRequest("content: \(entry.path.prefix(200)) is a link or a special file: documentation holds files and folders only") }
            guard isDocsMemberPath(entry.path) else { throw .badRequest("content: the member path '\(entry.path.prefix(200))' is absolute, climbs out or holds a control character") }
            guard entry.size <= docsLimits.maximumMemberSize else { throw .badRequest("content: \(entry.path.prefix(200)) declares more than \(docsLimits.maximumMemberSize) bytes") }
        }
        guard entries.contains(where: \.isFile) else { throw .badRequest("content: the documentation zip holds no file") }
    }

    /// A relative path of plain segments: no leading `/`, no `.` or `..` segment, no backslash,
    /// no control character, at most 1,024 bytes.
    public static func isDocsMemberPath(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count <= 1024, !path.hasPrefix("/"),
              !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) else { return false }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return segments.enumerated().allSatisfy { position, segment in
            segment != "." && segment != ".." && (!segment.isEmpty || position == segments.count - 1)
        }
    }

    /// The documentation `order` serves for `project` (normalized) at `version`, or at its
    /// newest documented version for `latest`.
    public func docs(of project: String, version: String, in order: [IndexID]) async throws -> StoredDocs? {
        if version == "latest" {
            let documented = try await catalog.docs(of: project, in: order)
            return documented.keys.compactMap { try? Version($0) }.max().flatMap { documented[$0.description] }
        }
        guard let canonical = try? Version(version) else { return nil }
        return try await catalog.docs(project, version: canonical.description, in: order)
    }

    /// The documentation of each documented version of `project` that `order` serves, by version.
    public func docs(of project: String, in order: [IndexID]) async throws -> [String: StoredDocs] {
        try await catalog.docs(of: project, in: order)
    }

    /// One member of stored documentation, read from its zip (at most `docsLimits`' page size);
    /// nil when it has none of that path.
    public func docsMember(_ docs: StoredDocs, path: String) throws -> [UInt8]? {
        guard Self.isDocsMemberPath(path), let blob = docs.blob else { return nil }
        let zip = try checkedPath(blob).path
        do {
            return try ArchiveReader.read(zip, format: .zip, limits: Self.docsLimits, where: { $0 == path }).first?.bytes
        } catch {
            throw StoreError(.tooLarge, "\(path) of the documentation of \(docs.project) \(docs.version) cannot be served: \(error.description.replacingOccurrences(of: zip, with: "the zip"))")
        }
    }
}
