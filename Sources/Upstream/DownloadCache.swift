import Basics
import Crypto
import Foundation

/// Downloaded distributions by content: `<root>/files/<sha256[:2]>/<sha256>/<filename>`. A
/// download goes to `<root>/partial/` and is moved in only once its sha256 is known and checked,
/// so an interrupted or corrupt download never appears in the cache.
public struct DownloadCache: Sendable {
    public let root: URL

    /// `$XDG_CACHE_HOME/wheelwright`, else `~/.cache/wheelwright`.
    public static var defaultRoot: URL {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appendingPathComponent("wheelwright") }
        return URL(fileURLWithPath: environment["HOME"] ?? "/tmp").appendingPathComponent(".cache/wheelwright")
    }

    public init(root: URL) throws(UpstreamError) {
        self.root = root
        do {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("partial"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: root.appendingPathComponent("files"), withIntermediateDirectories: true)
        } catch {
            throw .cache("cannot create \(root.path): \(error.localizedDescription)")
        }
        removeAbandonedDownloads()
    }

    /// Partial downloads of a process that was killed: anything in `partial/` older than an
    /// hour (younger ones may belong to a run in progress).
    private func removeAbandonedDownloads() {
        let folder = root.appendingPathComponent("partial")
        let limit = Date().addingTimeInterval(-3600)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let url = folder.appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
            if let modified, modified < limit { try? FileManager.default.removeItem(at: url) }
        }
    }

    func location(sha256: String, filename: String) -> URL {
        root.appendingPathComponent("files").appendingPathComponent(String(sha256.prefix(2)))
            .appendingPathComponent(sha256).appendingPathComponent(filename)
    }

    /// The cached file, if present.
    public func file(sha256: String, filename: String) -> URL? {
        let url = location(sha256: sha256, filename: filename)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// A download in progress.
    public struct Partial: Sendable {
        let url: URL
        let filename: String
        fileprivate let handle: FileHandle
        fileprivate var hash = SHA256()

        mutating func write(_ bytes: some DataProtocol) throws {
            hash.update(data: bytes)
            try handle.write(contentsOf: bytes)
        }
    }

    func begin(_ filename: String) throws(UpstreamError) -> Partial {
        let url = root.appendingPathComponent("partial").appendingPathComponent(UUID().uuidString)
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url) else {
            throw .cache("cannot write in \(root.path)/partial")
        }
        return Partial(url: url, filename: filename, handle: handle)
    }

    /// Checks the digest and moves the file into place; a mismatch removes it.
    func finish(_ partial: Partial, expectedSHA256: String?) throws(UpstreamError) -> URL {
        try? partial.handle.close()
        let digest = partial.hash.finalize().hex
        if let expected = expectedSHA256?.lowercased(), expected != digest {
            try? FileManager.default.removeItem(at: partial.url)
            throw .hashMismatch(partial.filename, expected: expected, got: digest)
        }
        let target = location(sha256: digest, filename: partial.filename)
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: target.path) {
                try FileManager.default.removeItem(at: partial.url)
            } else {
                try FileManager.default.moveItem(at: partial.url, to: target)
            }
        } catch {
            throw .cache("cannot move \(partial.filename) into the cache: \(error.localizedDescription)")
        }
        return target
    }

    func abandon(_ partial: Partial) {
        try? partial.handle.close()
        try? FileManager.default.removeItem(at: partial.url)
    }
}
