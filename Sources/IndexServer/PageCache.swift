import HTTPTypes
import IndexAPI
import IndexStore
import NIOCore
import Prometheus
import Synchronization

/// Rendered pages, each kept with the generation it was made at and what it reads: a write
/// makes stale only the pages that read what it touched (`CatalogChanges`), so a night of
/// uploads to some indices leaves the pages of the others cached. A page's ETag names this
/// process, the generation it was made at and its rendering: a restart or a new rendering gives
/// a new ETag, so a 304 is never wrong, and no pass over the bytes is needed.
final class PageCache: Sendable {
    struct Page: Sendable {
        let body: ByteBuffer
        let etag: String
        /// The response's headers, made once with the page: a cache hit copies them.
        let headers: HTTPFields

        /// Whether a client's `If-None-Match` names this page (then a 304 answers).
        func isHeld(by ifNoneMatch: String?) -> Bool {
            ifNoneMatch?.split(separator: ",").contains { $0.trimmingCharacters(in: " ") == etag } ?? false
        }

        /// A 304's headers: the page's without its length.
        var notModifiedHeaders: HTTPFields {
            var headers = self.headers
            headers[.contentLength] = nil
            return headers
        }
    }

    private struct Entry {
        let page: Page
        /// The newest generation the page is known current at (moved up as hits find it so).
        var generation: Int64
        let reads: PageReads
        /// Its bytes and its key's, counted against the capacity.
        let size: Int
    }

    private struct State {
        var pages: [String: Entry] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    private let changes: CatalogChanges
    /// The most bytes of pages (and keys) kept; a page that does not fit is served, not kept.
    private let byteCapacity: Int
    /// Random per process, so that ETags from before a restart never match.
    private let nonce = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    private let renderings = Atomic<UInt64>(0)
    /// Page requests answered from the cache, and pages rendered (`/+metrics`: the share of
    /// hits is what a night of uploads costs the readers).
    private let hits: Counter
    private let renders: Counter

    init(byteCapacity: Int, changes: CatalogChanges, registry: PrometheusCollectorRegistry) {
        (self.byteCapacity, self.changes) = (byteCapacity, changes)
        let name = MetricNameDescriptor(namespace: "wheelwright", subsystem: "page_cache", metricName: "requests", unitName: "total",
                                        helpText: "Cached pages asked for: served from the page cache (hit), or rendered (render)")
        hits = registry.makeCounter(descriptor: name, labels: [("result", "hit")])
        renders = registry.makeCounter(descriptor: name, labels: [("result", "render")])
    }

    /// The page for `key` if the one kept is current at `generation`.
    func hit(_ key: String, generation: Int64) -> Page? {
        guard let entry = state.withLock({ $0.pages[key] }) else { return nil }
        if entry.generation != generation {
            guard changes.isCurrent(entry.reads, madeAt: entry.generation, now: generation) else { return nil }
            // Known current now: the next hit checks no step before this one.
            if entry.generation < generation {
                state.withLock { state in
                    if state.pages[key]?.generation == entry.generation { state.pages[key]?.generation = generation }
                }
            }
        }
        hits.increment()
        return entry.page
    }

    /// The page for `key` at `generation`, made from `reads` (and kept, unless `keep` is false);
    /// `headers` gives the response's (made only for a new page: a hit copies the stored ones),
    /// to which the ETag and the length are added.
    func page(_ key: String, generation: Int64, reads: PageReads, keep: Bool = true, headers: () -> HTTPFields,
              render: () async throws -> String) async throws -> Page {
        if let hit = hit(key, generation: generation) { return hit }
        renders.increment()
        let body = ByteBuffer(string: try await render())
        // Numbered per rendering: two renderings of one page at one generation may differ (a
        // write between them), and must not share an ETag.
        let etag = "\"\(nonce)-\(generation)-\(renderings.add(1, ordering: .relaxed).newValue)\""
        var complete = headers()
        complete[.eTag] = etag
        complete[.contentLength] = String(body.readableBytes)
        let page = Page(body: body, etag: etag, headers: complete)
        if keep { self.keep(Entry(page: page, generation: generation, reads: reads, size: body.readableBytes + key.utf8.count), as: key) }
        return page
    }

    /// Keeps `entry` unless a page made at a later generation is kept already. When it does not
    /// fit, the older half of the pages goes first — older by the generation each was last known
    /// current at, which a hit moves up: the least recently asked for, and the stale ones, which
    /// no hit moved; when it still does not fit (no write since they were made), it is not kept.
    private func keep(_ entry: Entry, as key: String) {
        state.withLock { state in
            if let kept = state.pages[key] {
                if kept.generation > entry.generation { return }
                state.bytes -= kept.size
                state.pages[key] = nil
            }
            if state.bytes + entry.size > byteCapacity, !state.pages.isEmpty {
                let generations = state.pages.values.map(\.generation).sorted()
                let median = generations[generations.count / 2]
                state.pages = state.pages.filter { $0.value.generation >= median }
                state.bytes = state.pages.values.reduce(0) { $0 + $1.size }
            }
            guard state.bytes + entry.size <= byteCapacity else { return }
            state.pages[key] = entry
            state.bytes += entry.size
        }
    }

    /// FNV-1a, 64 bits, in hex: a short name for a cache key.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(hash, radix: 16)
    }
}
