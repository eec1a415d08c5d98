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
    /// Upstreams (by URL) that failed lately, with when to ask them again and why: while one is down,
    /// requests get what is kept at once instead of each waiting out a connection's deadline.
    private let outages = Mutex<[String: (until: Date, reason: String)]>([:])
    /// How long a failed upstream is left alone.
    static let outagePause: TimeInterval = 30
    /// Changed upstream files already logged (each once per process; at most `capacity`).
    private let reported = Mutex<Set<String>>([])
    /// Upstream pages kept at most; the oldest goes first.
    static let capacity = 10_000

    init(service: IndexService, whitelist: (any WhitelistSource)?, logger: Logger, http: HTTPClient = MirrorProxy.upstreamHTTP) {
        self.service = service
        self.gatekeeper = MirrorGatekeeper(source: whitelist, logger: logger)
        (self.logger, self.http) = (logger, http)
    }

    /// The client mirrors reach their upstreams with: it follows no redirect, so that an upstream
    /// cannot send the server's requests to another host. One for the process (never shut down).
    static let upstreamHTTP = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                         configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    /// The largest upstream page a mirror reads (PyPI's largest are a few MB).
    static let maximumPageBytes = 32 << 20

    func client(_ settings: IndexSettings) -> UpstreamClient? {
        settings.mirrorURL.flatMap(URL.init(string:)).map {
            UpstreamClient(indices: [$0], retries: 0, timeout: .seconds(10), maximumPageBytes: Self.maximumPageBytes, http: http)
        }
    }

    /// `project`'s page of `mirror`: the kept one while fresh, else the upstream's (a project
    /// upstream does not have lists no file), else the kept one with why it is stale.
    func listing(of project: String, mirror: IndexID, settings: IndexSettings, now: Date = Date()) async -> Answer {
        let key = Self.key(mirror, settings, project)
        let kept = listings.withLock { $0[key] }
        let expiry = Double(settings.mirrorCacheExpiry ?? IndexSettings.defaultCacheExpiry)
        if let kept, now.timeIntervalSince(kept.fetched) < expiry { return Answer(listing: kept, stale: nil) }
        let since = kept.map { " (the page as read \(Int(now.timeIntervalSince($0.fetched))) s ago)" } ?? ""
        let upstream = settings.mirrorURL ?? ""
        if let outage = outage(of: upstream, now: now) { return Answer(listing: kept, stale: "upstream unreachable: \(outage)\(since)") }
        guard let client = client(settings) else { return Answer(listing: kept, stale: "\(mirror) has no valid mirror_url") }
        do {
            let page = try await client.page(of: project).page
            outages.withLock { $0[upstream] = nil }
            return Answer(listing: keep(Self.checkable(page.files, of: project), as: key, now: now), stale: nil)
        } catch UpstreamError.noSuchProject {
            return Answer(listing: keep([], as: key, now: now), stale: nil)
        } catch {
            logger.warning("mirror: upstream page failed", metadata: ["mirror": "\(mirror)", "project": "\(project)", "error": "\(error)"])
            // Only a failure of the upstream itself stops the asking, not one project's odd page.
            if error.isTransient { outages.withLock { $0[upstream] = (now.addingTimeInterval(Self.outagePause), Self.summary(error)) } }
            return Answer(listing: kept, stale: "upstream unreachable: \(Self.summary(error))\(since)")
        }
    }

    /// What a client is told of an upstream's failure: its kind, never what an address answered
    /// (a status or a body from wherever the upstream points would make the mirror an oracle).
    static func summary(_ error: UpstreamError) -> String {
        switch error {
        case .unreachable: "cannot connect or no answer in time"
        case .http(_, let status) where status >= 500: "it answers with server errors"
        case .http: "it refuses the request"
        case .malformedPage: "its page cannot be read"
        default: "it failed"
        }
    }

    /// A listing's key: the mirror, its upstream (a repointed mirror reads afresh) and the project.
    private static func key(_ mirror: IndexID, _ settings: IndexSettings, _ project: String) -> String {
        "\(mirror)|\(settings.mirrorURL ?? "")|\(project)"
    }

    /// Why the upstream is left alone now, if it failed within `outagePause`.
    private func outage(of upstream: String, now: Date) -> String? {
        outages.withLock { outages in
            guard let outage = outages[upstream], now < outage.until else { return nil }
            return "\(outage.reason); asked again in \(Int(outage.until.timeIntervalSince(now)) + 1) s"
        }
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

    /// The files a mirror can offer of `project`: at an http(s) URL, named as a distribution of
    /// this project (upstream's older spellings included) in the characters such names have
    /// (nothing a URL or a page would read otherwise), with a SHA-256 to check the bytes against
    /// and no negative size; a name listed twice with different digests is offered not at all.
    static func checkable(_ files: [RemoteFile], of project: String) -> [RemoteFile] {
        let candidates = files.filter { file in
            guard let sha256 = file.sha256, BlobDigest(sha256.lowercased()) != nil, (file.size ?? 0) >= 0,
                  ["http", "https"].contains(file.url.scheme?.lowercased() ?? ""),
                  file.filename.utf8.allSatisfy(Self.isFilenameByte),
                  let parsed = try? IndexService.parseFilename(file.filename, canonical: false) else { return false }
            return parsed.project == project
        }
        var digests: [String: Set<String>] = [:]
        for file in candidates { digests[file.filename, default: []].insert(file.sha256?.lowercased() ?? "") }
        var seen = Set<String>()
        return candidates.filter { digests[$0.filename]?.count == 1 && seen.insert($0.filename).inserted }
    }

    /// Letters, digits and `._+!-`: what PEP 427 and 625 names (and older sdist names) hold.
    private static func isFilenameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || [0x2E, 0x5F, 0x2B, 0x21, 0x2D].contains(byte)
    }

    /// The versions of `project` a gated mirror shows, from what upstream lists and what the
    /// mirror holds already; nil when the whitelist does not list the project.
    func admitted(_ project: String, listing: Listing?, stored: [StoredFile], now: Date = Date()) throws(StoreError) -> Set<Version>? {
        let admission = try gatekeeper.admission()
        guard admission.lists(project) else { return nil }
        var offered: [Version: Date?] = [:]
        var sdists = Set<Version>()
        for file in listing?.files ?? [] where !file.isYanked {
            guard let parsed = try? IndexService.parseFilename(file.filename, canonical: false), parsed.project == project else { continue }
            let version = parsed.version
            offered[version] = Self.newest(offered[version] ?? nil, file.uploadTime)
            if parsed.kind == .sdist { sdists.insert(version) }
        }
        for file in stored where !file.yanked {
            guard let version = try? Version(file.version) else { continue }
            if offered[version] == nil { offered[version] = Date(timeIntervalSince1970: file.uploadTime) }
            if file.kind == .sdist { sdists.insert(version) }
        }
        // Without the upstream's page the held files do not say which releases have an sdist.
        return admission.admitted(project, offered: offered, sdists: listing == nil ? nil : sdists, now: now)
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

    /// What a gated mirror answers for a project the whitelist does not list; while the files
    /// do not read, it says that the last good whitelist is the one in force.
    func notWhitelisted(_ project: String) -> StoreError {
        let problem = gatekeeper.problem.map { _ in " (the whitelist in force is the last one that read: the files now have errors, see the server's log)" } ?? ""
        return .notFound("\(project) is not whitelisted: request it with wheelwright whitelist add \(project)\(problem)")
    }

    /// Downloads `file` from the upstream into the blob store, checks its SHA-256 against the
    /// upstream's listing, and stores it in `mirror`: a file of the mirror from then on. Bytes
    /// that do not match are never stored nor served (a 502, logged).
    func fetch(_ file: RemoteFile, into mirror: IndexID, settings: IndexSettings, maximumBytes: Int64) async throws -> StoredFile {
        guard let client = client(settings), let expected = file.sha256?.lowercased() else {
            throw StoreError(.badGateway, "\(mirror) cannot fetch \(file.filename): no upstream URL or SHA-256")
        }
        if let outage = outage(of: settings.mirrorURL ?? "", now: Date()) {
            throw StoreError(.badGateway, "\(mirror) cannot fetch \(file.filename): upstream unreachable: \(outage)")
        }
        var blob = try service.blobs.makeTemporaryFile()
        do {
            try await client.stream(file, maximumBytes: maximumBytes) { chunk in try blob.write(chunk) }
        } catch {
            service.blobs.discard(blob)
            logger.warning("mirror: download failed", metadata: ["mirror": "\(mirror)", "file": "\(file.filename)", "error": "\(error)"])
            throw StoreError(.badGateway, "\(mirror) could not fetch \(file.filename) from its upstream: \(Self.summary(error))")
        }
        let actual = blob.digests.sha256
        guard actual == expected else {
            service.blobs.discard(blob)
            logger.error("mirror: refused an upstream file whose bytes do not match its listed SHA-256",
                         metadata: ["mirror": "\(mirror)", "file": "\(file.filename)", "listed": "\(expected)", "received": "\(actual)"])
            throw StoreError(.badGateway, "\(file.filename) from \(mirror)'s upstream does not have the SHA-256 its page lists: refused, not stored")
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
