import Basics
import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Content-addressed file storage: `blobs/<sha256[:2]>/<sha256[2:]>`. A blob is written to
/// `tmp/`, fsynced, renamed into place and its folder fsynced, so a crash leaves either no
/// blob or the whole one; leftovers of a crash are removed by `collect(keeping:modifiedBefore:)`.
public struct BlobStore: Sendable {
    public let root: URL
    private var blobs: URL { root.appendingPathComponent("blobs") }
    private var temporary: URL { root.appendingPathComponent("tmp") }

    public init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("tmp"), withIntermediateDirectories: true)
    }

    /// Blobs whose digest this process has checked, by the file they were read from.
    private let verified = VerifiedBlobs()

    public func path(of digest: BlobDigest) -> URL {
        blobs.appendingPathComponent(String(digest.hex.prefix(2))).appendingPathComponent(String(digest.hex.dropFirst(2)))
    }

    /// The path of a blob that is whole: its size is checked on every call, its digest the first
    /// time this process serves that file (and again if the file is replaced). A missing or
    /// damaged blob is a 500 naming it, never wrong bytes.
    public func checkedPath(_ reference: BlobReference) throws(StoreError) -> URL {
        let url = path(of: reference.digest)
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw StoreError(.internalError, "blob \(reference.digest) is missing from the blob store: run wheelwright fsck and restore it from a backup")
        }
        guard Int64(info.st_size) == reference.size else {
            throw StoreError(.internalError, "blob \(reference.digest) has \(info.st_size) bytes where the catalog says \(reference.size): run wheelwright fsck")
        }
        let key = VerifiedBlobs.Key(digest: reference.digest, device: UInt64(info.st_dev), inode: UInt64(info.st_ino),
                                    modified: Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec))
        if verified.contains(key) { return url }
        if let problem = verify(reference) {
            throw StoreError(.internalError, problem.description)
        }
        verified.insert(key)
        return url
    }

    /// What is wrong with a stored blob, reading it whole; nil when it is whole.
    public func verify(_ reference: BlobReference) -> BlobProblem? {
        let url = path(of: reference.digest)
        guard let handle = try? FileHandle(forReadingFrom: url) else { return .missing(reference.digest) }
        defer { try? handle.close() }
        var hash = SHA256()
        var size: Int64 = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hash.update(data: chunk)
            size += Int64(chunk.count)
        }
        if size != reference.size { return .wrongSize(reference.digest, expected: reference.size, actual: size) }
        let actual = hash.finalize().hex
        return actual == reference.digest.hex ? nil : .wrongDigest(reference.digest, actual: actual)
    }

    /// Why the store cannot take or serve blobs now (its folders gone, or not folders); nil when it can.
    public func unavailability() -> String? {
        for folder in [blobs, temporary] {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
                return "\(folder.path) is missing"
            }
        }
        return nil
    }

    /// Every blob file in the store, by digest (names that are not digests are listed as nil).
    public func storedBlobs() throws -> [(name: String, digest: BlobDigest?)] {
        let manager = FileManager.default
        var result: [(String, BlobDigest?)] = []
        for prefix in try manager.contentsOfDirectory(atPath: blobs.path).sorted() {
            for rest in try manager.contentsOfDirectory(atPath: blobs.appendingPathComponent(prefix).path).sorted() {
                result.append((prefix + "/" + rest, BlobDigest(prefix + rest)))
            }
        }
        return result
    }

    /// A new temporary file, open for writing, that `commit` or `discard` ends.
    public func makeTemporaryFile() throws -> TemporaryBlob {
        let url = temporary.appendingPathComponent(UUID().uuidString)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError.writeFailed("cannot create a temporary file in \(temporary.path)", errno: errno) }
        return TemporaryBlob(url: url, descriptor: descriptor)
    }

    /// Makes the temporary file durable and moves it to its content address; returns its digest.
    public func commit(_ blob: TemporaryBlob) throws -> BlobDigest {
        let digest = try blob.finish()
        try place(blob, at: digest)
        return digest
    }

    /// Moves a finished temporary file to its content address. Renamed even over a blob of the
    /// same content already there: the new file's fresh time keeps it from a collection that
    /// judged the old one (unreferenced, old) moments before. Callers that share the store run
    /// this under the catalog's write lock (`Catalog.addFile`'s `placing`), as the collection does.
    func place(_ blob: TemporaryBlob, at digest: BlobDigest) throws {
        Self.synchronizeDirectory(try move(blob, to: digest))
    }

    /// Renames a finished temporary file to its content address and returns the folder, whose
    /// fsync (which makes the rename durable) is the caller's: a group commit syncs each folder
    /// once for all its blobs.
    func move(_ blob: TemporaryBlob, to digest: BlobDigest) throws -> URL {
        let target = path(of: digest)
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard rename(blob.url.path, target.path) == 0 else {
            throw StoreError.writeFailed("cannot move a blob into place", errno: errno)
        }
        return folder
    }

    /// Copies the blob `reference` names from `source` (a file) into this store, checking its size
    /// and SHA-256 on the way; nil when it is in place, whole, else what was wrong (nothing stored).
    public func copyVerified(from source: URL, _ reference: BlobReference) throws -> BlobProblem? {
        guard let input = try? FileHandle(forReadingFrom: source) else { return .missing(reference.digest) }
        defer { try? input.close() }
        var blob = try makeTemporaryFile()
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try blob.write(chunk)
                guard blob.size <= reference.size else { break }
            }
        } catch {
            discard(blob)
            throw error
        }
        if blob.size != reference.size {
            discard(blob)
            return .wrongSize(reference.digest, expected: reference.size, actual: blob.size)
        }
        let actual = blob.digests.sha256
        guard actual == reference.digest.hex else {
            discard(blob)
            return .wrongDigest(reference.digest, actual: actual)
        }
        _ = try commit(blob)
        return nil
    }

    /// Copies every blob of `references` from `source` with `copyVerified`; what was wrong with
    /// each that could not be copied. `progress` hears each one (done, total).
    public func copyVerified(_ references: [BlobReference], from source: BlobStore, progress: (Int, Int) -> Void) throws -> [BlobProblem] {
        var problems: [BlobProblem] = []
        for (number, reference) in references.enumerated() {
            if let problem = try copyVerified(from: source.path(of: reference.digest), reference) { problems.append(problem) }
            progress(number + 1, references.count)
        }
        return problems
    }

    public func discard(_ blob: TemporaryBlob) {
        blob.file.close()
        try? FileManager.default.removeItem(at: blob.url)
    }

    /// Removes the blobs `catalog` does not name and the temporary files, those untouched for
    /// `IndexService.sharedGrace`, holding the catalog's write lock: safe while any number of
    /// servers upload (the server's start on a shared catalog, and `fsck --collect`).
    public func collect(recordedIn catalog: Catalog, now: Date = Date()) async throws -> (temporaries: Int, orphans: Int) {
        try await catalog.whileNoFileIsRecorded { referenced in
            try collect(keeping: referenced, modifiedBefore: now.addingTimeInterval(-IndexService.sharedGrace))
        }
    }

    /// Removes temporary files and the blobs the catalog does not name (written but never
    /// recorded, or of deleted files) last modified before `cutoff`, every one when nil. A
    /// store of its own (SQLite, one process) collects everything at start, after a crash; a
    /// store shared by replicas only what is older than any upload in flight can be, under the
    /// catalog's write lock (`Catalog.whileNoFileIsRecorded`), so no replica loses what another
    /// has just written.

    public func collect(keeping referenced: ReferencedBlobs, modifiedBefore cutoff: Date?) throws -> (temporaries: Int, orphans: Int) {
        let temporaries = try removeTemporaries(modifiedBefore: cutoff)
        var orphans = 0
        for prefix in try FileManager.default.contentsOfDirectory(atPath: blobs.path) {
            let folder = blobs.appendingPathComponent(prefix)
            for rest in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !referenced.contains(hex: prefix + rest) {
                let url = folder.appendingPathComponent(rest)
                guard Self.isModified(url, before: cutoff) else { continue }
                try? FileManager.default.removeItem(at: url)
                orphans += 1
            }
        }
        return (temporaries, orphans)
    }

    /// Removes the temporary files (uploads cut off) last modified before `cutoff`, every one
    /// when nil; returns how many.
    public func removeTemporaries(modifiedBefore cutoff: Date?) throws -> Int {
        var removed = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: temporary.path) {
            let url = temporary.appendingPathComponent(name)
            guard Self.isModified(url, before: cutoff) else { continue }
            try? FileManager.default.removeItem(at: url)
            removed += 1
        }
        return removed
    }

    private static func isModified(_ url: URL, before cutoff: Date?) -> Bool {
        guard let cutoff else { return true }
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date else { return false }
        return modified < cutoff
    }

    static func synchronizeDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
