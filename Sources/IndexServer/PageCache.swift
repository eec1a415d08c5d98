import NIOCore
import Synchronization

/// Rendered simple pages, kept until the catalog changes (its generation moves on). Each page
/// carries an ETag made from its bytes, so revalidation is exact whatever the generation.
final class PageCache: Sendable {
    struct Page: Sendable {
        let body: ByteBuffer
        let etag: String
    }

    private struct State {
        var generation: Int64 = -1
        var pages: [String: Page] = [:]
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    func page(_ key: String, generation: Int64, render: () throws -> String) throws -> Page {
        if let hit = state.withLock({ $0.generation == generation ? $0.pages[key] : nil }) { return hit }
        let text = try render()
        let page = Page(body: ByteBuffer(string: text), etag: "\"\(Self.fingerprint(text))\"")
        state.withLock { state in
            if state.generation != generation {
                state.generation = generation
                state.pages = [:]
            }
            if state.pages.count < capacity { state.pages[key] = page }
        }
        return page
    }

    /// FNV-1a, 64 bits, in hex: enough to tell two versions of a page apart.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(hash, radix: 16)
    }
}
