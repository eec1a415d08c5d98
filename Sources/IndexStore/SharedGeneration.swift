import Synchronization

/// The in-memory copy of the catalog's generation.
final class SharedGeneration: Sendable {
    private let storage: Atomic<Int64>

    init(_ value: Int64) { storage = Atomic(value) }

    var value: Int64 { storage.load(ordering: .acquiring) }

    func increment() { storage.add(1, ordering: .releasing) }

    /// Moves the generation up to `value` (never down: notifications may arrive out of order).
    func raise(to value: Int64) { storage.max(value, ordering: .acquiringAndReleasing) }
}
