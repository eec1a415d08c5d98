import AsyncHTTPClient
import Foundation
import IndexAPI
import IndexStore
import Logging
import NIOCore
import PythonPackaging
import Synchronization
import Upstream
import Whitelist

/// What mirror indices proxy: each upstream project page, kept for the mirror's freshness limit
/// (`mirror_cache_expiry`) and served stale — with the reason — while the upstream fails; the
/// whitelist gate over it; and the first download of a file, checked against the upstream's
/// SHA-256 and stored in the mirror as a non-volatile file, served from the blob store after.
final class MirrorProxy: Sendable {
    /// An upstream page as the mirror last read it.
    struct Listing: Sendable {
        /// The files whose names a distribution's can be and whose SHA-256 upstream gives: the
        /// rest cannot be checked, so they are never offered.
        let files: [RemoteFile]
        let fetched: Date
    }

    /// A listing for a page, and why it is stale when it is.
    struct Answer: Sendable {
        /// Nil when the upstream failed and nothing was kept.
        let listing: Listing?
        let stale: String?
    }

    private let service: IndexService
    let gatekeeper: MirrorGatekeeper
    private let logger: Logger
    private let http: HTTPClient
    private let listings = Mutex<[String: Listing]>([:])
    /// Upstreams that failed lately, with when to ask them again and why: while one is down,
    /// requests get what is kept at once instead of each waiting out a connection's deadline.
    private let outages = Mutex<[IndexID: (until: Date, reason: String)]>([:])
    /// How long a failed upstream is left alone.
    static let outagePause: TimeInterval = 30
    /// Changed upstream files already logged (each once per process; at most `capacity`).
    private let reported = Mutex<Set<String>>([])
    /// Upstream pages kept at most; the oldest goes first.
    static let capacity = 10_000

    init(service: IndexService, whitelist: (any WhitelistSource)?, logger: Logger, http: HTTPClient = .shared) {
        self.service = service
        self.gatekeeper = MirrorGatekeeper(source: whitelist, logger: logger)
        (self.logger, self.http) = (logger, http)
    }

    func client(_ settings: IndexSettings) -> UpstreamClient? {
        settings.mirrorURL.flatMap(URL.init(string:)).map { UpstreamClient(indices: [$0], retries: 0, timeout: .seconds(10), http: http) }
    }

    /// `project`'s page of `mirror`: the kept one while fresh, else the upstream's (a project
    /// upstream does not have lists no file), else the kept one with why it is stale.
    func listing(of project: String, mirror: IndexID, settings: IndexSettings, now: Date = Date()) async -> Answer {
        let key = "\(mirror)|\(project)"
        let kept = listings.withLock { $0[key] }
        let expiry = Double(settings.mirrorCacheExpiry ?? IndexSettings.defaultCacheExpiry)
        if let kept, now.timeIntervalSince(kept.fetched) < expiry { return Answer(listing: kept, stale: nil) }
        let since = kept.map { " (the page as read \(Int(now.timeIntervalSince($0.fetched))) s ago)" } ?? ""
        if let outage = outage(of: mirror, now: now) { return Answer(listing: kept, stale: "upstream unreachable: \(outage)\(since)") }
        guard let client = client(settings) else { return Answer(listing: kept, stale: "\(mirror) has no valid mirror_url") }
        do {
            let page = try await client.page(of: project).page
            outages.withLock { $0[mirror] = nil }
            return Answer(listing: keep(Self.checkable(page.files), as: key, now: now), stale: nil)
        } catch UpstreamError.noSuchProject {
            return Answer(listing: keep([], as: key, now: now), stale: nil)
        } catch {
            logger.warning("mirror: upstream page failed", metadata: ["mirror": "\(mirror)", "project": "\(project)", "error": "\(error)"])
            outages.withLock { $0[mirror] = (now.addingTimeInterval(Self.outagePause), "\(error)") }
            return Answer(listing: kept, stale: "upstream unreachable: \(error)\(since)")
        }
    }

    /// Why `mirror`'s upstream is left alone now, if it failed within `outagePause`.
    private func outage(of mirror: IndexID, now: Date) -> String? {
        outages.withLock { outages in
            guard let outage = outages[mirror], now < outage.until else { return nil }
            return "\(outage.reason); asked again in \(Int(outage.until.timeIntervalSince(now)) + 1) s"
        }
    }

    /// The kept page, fresh or not, without asking the upstream.
    func keptListing(of project: String, mirror: IndexID) -> Listing? {
        listings.withLock { $0["\(mirror)|\(project)"] }
    }

    private func keep(_ files: [RemoteFile], as key: String, now: Date) -> Listing {
        let listing = Listing(files: files, fetched: now)
        listings.withLock { kept in
            if kept[key] == nil, kept.count >= Self.capacity, let oldest = kept.min(by: { $0.value.fetched < $1.value.fetched })?.key {
                kept[oldest] = nil
            }
            kept[key] = listing
        }
        return listing
    }

    /// The files a mirror can offer: named as a distribution (the names an upload may have,
    /// upstream's older spellings included) and with a SHA-256 to check the bytes against.
    static func checkable(_ files: [RemoteFile]) -> [RemoteFile] {
        files.filter { file in
            guard let sha256 = file.sha256, BlobDigest(sha256.lowercased()) != nil else { return false }
            return (try? IndexService.parseFilename(file.filename, canonical: false)) != nil
        }
    }

    /// The versions of `project` a gated mirror shows, from what upstream lists and what the
    /// mirror holds already; nil when the whitelist does not list the project.
    func admitted(_ project: String, listing: Listing?, stored: [StoredFile], now: Date = Date()) throws(StoreError) -> Set<Version>? {
        let admission = try gatekeeper.admission()
        guard admission.lists(project) else { return nil }
        var offered: [Version: Date?] = [:]
        for file in listing?.files ?? [] where !file.isYanked {
            guard let version = try? IndexService.parseFilename(file.filename, canonical: false).version else { continue }
            offered[version] = Self.newest(offered[version] ?? nil, file.uploadTime)
        }
        for file in stored where !file.yanked {
            guard let version = try? Version(file.version) else { continue }
            if offered[version] == nil { offered[version] = Date(timeIntervalSince1970: file.uploadTime) }
        }
        return admission.admitted(project, offered: offered, now: now)
    }

    private static func newest(_ a: Date?, _ b: Date?) -> Date? {
        switch (a, b) {
        case let (a?, b?): max(a, b)
        case let (a?, nil): a
        case let (nil, b): b
        }
    }

    /// Logs, once, that the upstream now lists other bytes under the name of a file the mirror
    /// holds: the held bytes stay what is served; the upstream's new ones never are.
    func reportChanged(_ remote: RemoteFile, stored: StoredFile) {
        let key = "\(stored.index)|\(remote.filename)|\(remote.sha256 ?? "")"
        let first = reported.withLock { seen in seen.count < Self.capacity && seen.insert(key).inserted }
        guard first else { return }
        logger.error("mirror: the upstream changed a file the mirror holds; its new bytes are refused, the held ones served",
                     metadata: ["mirror": "\(stored.index)", "file": "\(remote.filename)", "held": "\(stored.sha256)", "upstream": "\(remote.sha256 ?? "none")"])
    }

    /// What a gated mirror answers for a project the whitelist does not list.
    static func notWhitelisted(_ project: String) -> StoreError {
        .notFound("\(project) is not whitelisted: request it with wheelwright whitelist add \(project)")
    }

    /// Downloads `file` from the upstream into the blob store, checks its SHA-256 against the
    /// upstream's listing, and stores it in `mirror`: a file of the mirror from then on. Bytes
    /// that do not match are never stored nor served (a 502, logged).
    func fetch(_ file: RemoteFile, into mirror: IndexID, settings: IndexSettings, maximumBytes: Int64) async throws -> StoredFile {
        guard let client = client(settings), let expected = file.sha256?.lowercased() else {
            throw StoreError(.badGateway, "\(mirror) cannot fetch \(file.filename): no upstream URL or SHA-256")
        }
        if let outage = outage(of: mirror, now: Date()) {
            throw StoreError(.badGateway, "\(mirror) cannot fetch \(file.filename): upstream unreachable: \(outage)")
        }
        var blob = try service.blobs.makeTemporaryFile()
        do {
            try await client.stream(file, maximumBytes: maximumBytes) { chunk in try blob.write(chunk) }
        } catch {
            service.blobs.discard(blob)
            logger.warning("mirror: download failed", metadata: ["mirror": "\(mirror)", "file": "\(file.filename)", "error": "\(error)"])
            throw StoreError(.badGateway, "\(mirror) could not fetch \(file.filename) from its upstream: \(error)")
        }
        let actual = blob.digests.sha256
        guard actual == expected else {
            service.blobs.discard(blob)
            logger.error("mirror: refused an upstream file whose bytes do not match its listed SHA-256",
                         metadata: ["mirror": "\(mirror)", "file": "\(file.filename)", "listed": "\(expected)", "received": "\(actual)"])
            throw StoreError(.badGateway, "\(file.filename) from \(mirror)'s upstream has SHA-256 \(actual), not the \(expected) its page lists: refused, not stored")
        }
        do {
            let stored = try await service.storeMirrored(blob, filename: file.filename, in: mirror, uploaded: file.uploadTime?.timeIntervalSince1970)
            logger.info("mirror: stored", metadata: ["mirror": "\(mirror)", "file": "\(file.filename)", "sha256": "\(expected)"])
            return stored
        } catch let error as StoreError where error.kind == .badRequest || error.kind == .tooLarge {
            logger.warning("mirror: refused an upstream file", metadata: ["mirror": "\(mirror)", "file": "\(file.filename)", "error": "\(error)"])
            throw StoreError(.badGateway, "\(file.filename) from \(mirror)'s upstream is refused: \(error.message)")
        }
    }
}
