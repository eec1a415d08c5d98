import Synchronization

/// The catalog's generation as this process knows it, and what each recent step changed: a page
/// kept at an older generation is still current when no step since touched what it reads.
///
/// Steps arrive from this process's commits and from other replicas' notifications, not always
/// in order: a step not yet heard of when a later one arrives is unknown until it is (an unknown
/// step makes every page older than it stale, never a stale page current). Bounded: a page
/// older than the last `capacity` steps is stale.
public final class CatalogChanges: Sendable {
    private struct State {
        var generation: Int64
        /// Step `g`'s scope at `g % capacity`, with `g` itself to tell a slot's step; nil scope: unknown.
        var steps: [(generation: Int64, scope: ChangeScope?)]
    }

    private let state: Mutex<State>
    private let capacity: Int

    public init(generation: Int64 = 0, capacity: Int = 4_096) {
        self.capacity = capacity
        state = Mutex(State(generation: generation, steps: Array(repeating: (-1, nil), count: capacity)))
    }

    /// The current generation.
    public var generation: Int64 { state.withLock { $0.generation } }

    /// Records step `generation` (nil scope: what it changed is not known, as after a missed
    /// notification or a generation read from the table) and moves the generation up to it;
    /// steps skipped on the way are unknown until they are recorded.
    public func record(_ generation: Int64, _ scope: ChangeScope?) {
        // Generations count up from 0; a negative one (a notification no replica sent) names no step.
        guard generation >= 0 else { return }
        state.withLock { state in
            let slot = Int(generation % Int64(capacity))
            if generation <= state.generation {
                // A late step: fills its slot if that still waits for it.
                if generation > state.generation - Int64(capacity), state.steps[slot].generation == generation, state.steps[slot].scope == nil {
                    state.steps[slot].scope = scope
                }
                return
            }
            for skipped in max(state.generation + 1, generation - Int64(capacity) + 1)..<generation {
                state.steps[Int(skipped % Int64(capacity))] = (skipped, nil)
            }
            state.steps[slot] = (generation, scope)
            state.generation = generation
        }
    }

    /// Records the step after the current one (a process that alone writes its catalog).
    public func advance(_ scope: ChangeScope) {
        state.withLock { state in
            state.generation += 1
            state.steps[Int(state.generation % Int64(capacity))] = (state.generation, scope)
        }
    }

    /// Whether a page made from `reads` at generation `made` is current at `now`: no step after
    /// `made` up to `now` is unknown, changed everything, or touched an index it reads (a step
    /// that touched indices changes every page that reads `everything`). A page made after `now`
    /// serves a request of `now` only when the structure did not change between (a request
    /// checked against older settings — which indices it may read — must not get a page made
    /// under newer ones).
    public func isCurrent(_ reads: PageReads, madeAt made: Int64, now: Int64) -> Bool {
        if made == now { return true }
        let (from, to, read) = made < now ? (made, now, reads) : (now, made, PageReads.indices([]))
        guard case .indices(let read) = read, to - from <= Int64(capacity) else { return false }
        return state.withLock { state in
            for step in (from + 1)...to {
                let recorded = state.steps[Int(step % Int64(capacity))]
                guard recorded.generation == step, case .indices(let touched)? = recorded.scope else { return false }
                if read.contains(where: touched.contains) { return false }
            }
            return true
        }
    }
}
