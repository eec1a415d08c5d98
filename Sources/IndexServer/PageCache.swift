import HTTPTypes
import NIOCore
import Synchronization

/// Rendered simple pages, kept until the catalog changes (its generation moves on). A page's
/// ETag names this process, the generation and the page: a restart or any write gives new
/// ETags, so a 304 is never wrong, and no pass over the bytes is needed.
final class PageCache: Sendable {
    struct Page: Sendable {
        let body: ByteBuffer
        let etag: String
        /// The response's headers, made once with the page: a cache hit copies them.
        let headers: HTTPFields
    }

    private struct State {
        var generation: Int64 = -1
        var pages: [String: Page] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    /// The most bytes of pages (and keys) kept; a page that does not fit is served, not kept.
    private let byteCapacity: Int
    /// Random per process, so that ETags from before a restart never match.
    private let nonce = String(UInt64.random(in: 0...UInt64.max), radix: 36)

    init(byteCapacity: Int) {
        self.byteCapacity = byteCapacity
    }

    /// The page for `key` if it is kept at `generation`.
    func hit(_ key: String, generation: Int64) -> Page? {
        state.withLock { $0.generation == generation ? $0.pages[key] : nil }
    }

    /// The page for `key` at `generation`; `headers` gives the response's (made only for a new
    /// page: a hit copies the stored ones), to which the ETag and the length are added.
    func page(_ key: String, generation: Int64, headers: () -> HTTPFields, render: () async throws -> String) async throws -> Page {
        if let hit = hit(key, generation: generation) { return hit }
        let body = ByteBuffer(string: try await render())
        let etag = "\"\(nonce)-\(generation)-\(Self.fingerprint(key))\""
        var complete = headers()
        complete[.eTag] = etag
        complete[.contentLength] = String(body.readableBytes)
        let page = Page(body: body, etag: etag, headers: complete)
        state.withLock { state in
            if state.generation != generation {
                state.generation = generation
                state.pages = [:]
                state.bytes = 0
            }
            let size = page.body.readableBytes + key.utf8.count
            if state.pages[key] == nil, state.bytes + size <= byteCapacity {
                state.pages[key] = page
                state.bytes += size
            }
        }
        return page
    }

    /// FNV-1a, 64 bits, in hex: a short name for a cache key.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(hash, radix: 16)
    }
}
