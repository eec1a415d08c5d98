import IndexStore
import Testing

/// Whether a page kept at one generation is current at a later one: only steps that touched
/// what it reads make it stale; an unknown step (missed, or not heard of yet) makes every page
/// older than it stale until it is known; a page older than the kept steps is stale.
struct CatalogChangesTests {
    static let dev = try! IndexID("alice/dev")
    static let stable = try! IndexID("alice/stable")
    static let other = try! IndexID("bob/other")

    @Test("a step touching an index makes stale the pages reading it and those reading everything; the others stay current")
    func scopedSteps() {
        let changes = CatalogChanges(generation: 10)
        changes.advance(.indices([Self.dev]))
        #expect(changes.generation == 11)
        #expect(changes.isCurrent(.indices([Self.other]), madeAt: 10, now: 11))
        #expect(changes.isCurrent(.indices([]), madeAt: 10, now: 11))
        #expect(!changes.isCurrent(.indices([Self.stable, Self.dev]), madeAt: 10, now: 11))
        #expect(!changes.isCurrent(.everything, madeAt: 10, now: 11))
        #expect(changes.isCurrent(.everything, madeAt: 11, now: 11))
        changes.advance(.everything)
        #expect(!changes.isCurrent(.indices([]), madeAt: 11, now: 12))
        #expect(!changes.isCurrent(.indices([Self.other]), madeAt: 10, now: 12))
        // A page made after the request's generation was read serves it when only contents changed
        // between (it is newer than asked), never across a change of the structure (who may read what).
        #expect(changes.isCurrent(.indices([Self.dev]), madeAt: 11, now: 10))
        #expect(!changes.isCurrent(.indices([Self.dev]), madeAt: 12, now: 11))
    }

    @Test("steps out of order: a skipped step is unknown (every older page stale) until it arrives; a step recorded twice keeps its first scope")
    func outOfOrder() {
        let changes = CatalogChanges(generation: 5)
        changes.record(7, .indices([Self.dev]))
        #expect(changes.generation == 7)
        #expect(!changes.isCurrent(.indices([Self.other]), madeAt: 5, now: 7))
        #expect(changes.isCurrent(.indices([Self.other]), madeAt: 6, now: 7))
        changes.record(6, .indices([Self.stable]))
        #expect(changes.generation == 7)
        #expect(changes.isCurrent(.indices([Self.other]), madeAt: 5, now: 7))
        #expect(!changes.isCurrent(.indices([Self.stable]), madeAt: 5, now: 7))
        changes.record(6, .indices([Self.other]))
        #expect(changes.isCurrent(.indices([Self.other]), madeAt: 5, now: 7))
        // A generation read from the table says nothing of what changed.
        changes.record(9, nil)
        #expect(!changes.isCurrent(.indices([]), madeAt: 7, now: 9))
        changes.record(9, .indices([Self.dev]))
        changes.record(8, .indices([Self.dev]))
        #expect(changes.isCurrent(.indices([Self.other]), madeAt: 7, now: 9))
    }

    @Test("bounded: a page older than the kept steps is stale, and a step too old to keep is not recorded over a newer one")
    func bounded() {
        let changes = CatalogChanges(generation: 0, capacity: 8)
        for _ in 1...20 { changes.advance(.indices([Self.dev])) }
        #expect(changes.isCurrent(.indices([Self.other]), madeAt: 12, now: 20))
        #expect(!changes.isCurrent(.indices([Self.other]), madeAt: 11, now: 20))
        changes.record(13, nil)
        #expect(changes.isCurrent(.indices([Self.other]), madeAt: 12, now: 20))
        // A notification no replica sent (a negative generation) names no step and traps nothing.
        changes.record(-3, .everything)
        changes.record(.min, nil)
        #expect(changes.generation == 20 && changes.isCurrent(.indices([Self.other]), madeAt: 12, now: 20))
        changes.record(100, .indices([Self.dev]))
        #expect(changes.generation == 100)
        #expect(!changes.isCurrent(.indices([Self.other]), madeAt: 92, now: 100))
        #expect(changes.isCurrent(.indices([Self.other]), madeAt: 100, now: 100))
    }
}
