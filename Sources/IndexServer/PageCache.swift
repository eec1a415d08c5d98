import NIOCore
import Synchronization

/// Rendered simple pages, kept until the catalog changes (its generation moves on).
final class PageCache: Sendable {
    private struct State {
        var generation: Int64 = -1
        var pages: [String: ByteBuffer] = [:]
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    func page(_ key: String, generation: Int64, render: () throws -> String) throws -> ByteBuffer {
        if let hit = state.withLock({ $0.generation == generation ? $0.pages[key] : nil }) { return hit }
        let buffer = ByteBuffer(string: try render())
        state.withLock { state in
            if state.generation != generation {
                state.generation = generation
                state.pages = [:]
            }
            if state.pages.count < capacity { state.pages[key] = buffer }
        }
        return buffer
    }
}
