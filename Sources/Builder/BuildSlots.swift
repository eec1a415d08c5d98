/// The run's build slots (`--jobs`). A release holds one while it builds and gives it up while
/// it waits for another release, so waiting never holds every slot; a freed slot goes to the
/// waiting release that comes first in the build order.
actor BuildSlots {
    private var free: Int
    /// Releases waiting for a slot, by their place in the build order.
    private var queue: [(position: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(_ count: Int) { free = max(1, count) }

    /// How many releases wait for a slot (for tests).
    var waitingForTest: Int { queue.count }

    func acquire(position: Int) async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { continuation in
            queue.insert((position, continuation), at: queue.firstIndex { $0.position > position } ?? queue.endIndex)
        }
    }

    /// Hands the slot to the first waiting release, else frees it.
    func release() {
        if queue.isEmpty {
            free += 1
        } else {
            queue.removeFirst().continuation.resume()
        }
    }
}
