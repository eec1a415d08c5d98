import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Content-addressed file storage: `blobs/<sha256[:2]>/<sha256[2:]>`. A blob is written to
/// `tmp/`, fsynced, renamed into place and its folder fsynced, so a crash leaves either no
/// blob or the whole one; leftovers of a crash are removed by `recover(keeping:)`.
public struct BlobStore: Sendable {
    public let root: URL
    private var blobs: URL { root.appendingPathComponent("blobs") }
    private var temporary: URL { root.appendingPathComponent("tmp") }

    public init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("tmp"), withIntermediateDirectories: true)
    }

    public func path(of sha256: String) -> URL {
        blobs.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(String(sha256.dropFirst(2)))
    }

    public func contains(_ sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: path(of: sha256).path)
    }

    /// A new temporary file, open for writing, that `commit` or `discard` ends.
    public func makeTemporaryFile() throws -> TemporaryBlob {
        let url = temporary.appendingPathComponent(UUID().uuidString)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw StoreError(.unavailable, "cannot create a temporary file in \(temporary.path)")
        }
        return TemporaryBlob(url: url, handle: try FileHandle(forWritingTo: url))
    }

    /// Makes the temporary file durable and moves it to its content address; returns the sha256.
    public func commit(_ blob: TemporaryBlob) throws -> String {
        let digest = try blob.finish()
        let target = path(of: digest)
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: target.path) {
            try? FileManager.default.removeItem(at: blob.url)
        } else {
            guard rename(blob.url.path, target.path) == 0 else {
                throw StoreError(.unavailable, "cannot move a blob into place: \(String(cString: strerror(errno)))")
            }
            Self.synchronizeDirectory(folder)
        }
        return digest
    }

    public func discard(_ blob: TemporaryBlob) {
        try? blob.handle.close()
        try? FileManager.default.removeItem(at: blob.url)
    }

    /// After a crash: removes every temporary file, and every blob the catalog does not name
    /// (written but never committed to the catalog).
    public func recover(keeping referenced: Set<String>) throws -> (temporaries: Int, orphans: Int) {
        let manager = FileManager.default
        var temporaries = 0
        for name in try manager.contentsOfDirectory(atPath: temporary.path) {
            try manager.removeItem(at: temporary.appendingPathComponent(name))
            temporaries += 1
        }
        var orphans = 0
        for prefix in try manager.contentsOfDirectory(atPath: blobs.path) {
            let folder = blobs.appendingPathComponent(prefix)
            for rest in try manager.contentsOfDirectory(atPath: folder.path) where !referenced.contains(prefix + rest) {
                try manager.removeItem(at: folder.appendingPathComponent(rest))
                orphans += 1
            }
        }
        return (temporaries, orphans)
    }

    static func synchronizeDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}

/// A blob being written: bytes go to disk while their SHA-256 (and the MD5 and BLAKE2b-256
/// that twine also sends) are computed.
public struct TemporaryBlob: Sendable {
    public let url: URL
    fileprivate let handle: FileHandle
    private var sha256 = SHA256()
    private var md5 = Insecure.MD5()
    private var blake2 = BLAKE2b(outputLength: 32)
    public private(set) var size: Int64 = 0

    fileprivate init(url: URL, handle: FileHandle) {
        self.url = url
        self.handle = handle
    }

    public mutating func write(_ bytes: some DataProtocol) throws {
        sha256.update(data: bytes)
        md5.update(data: bytes)
        blake2.update(bytes)
        size += Int64(bytes.count)
        try handle.write(contentsOf: bytes)
    }

    /// The digests so far, as lower-case hex.
    public var digests: (sha256: String, md5: String, blake2b256: String) {
        (sha256.finalize().hex, md5.finalize().hex, blake2.finalize().hex)
    }

    /// Flushes to disk and closes; returns the sha256.
    fileprivate func finish() throws -> String {
        try handle.synchronize()
        try handle.close()
        return sha256.finalize().hex
    }
}

extension Sequence where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension Digest {
    var hex: String { Array(self).hex }
}
