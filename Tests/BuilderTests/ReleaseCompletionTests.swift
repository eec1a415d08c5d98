@testable import Builder
import Testing

/// The waits of a run's releases, and its slots.
@Suite("Release completion and build slots")
struct ReleaseCompletionTests {
    @Test("a wait learnt while building that would close a cycle (through prerequisites or other learnt waits) is refused naming it; others end when the releases finish")
    func learntWaits() async throws {
        let completion = ReleaseCompletion()
        let prerequisites = ["b==1": ["a==1"], "c==1": ["x==1"]]
        await #expect(throws: BuilderError.self) { try await completion.wait(for: ["b==1"], by: "a==1", prerequisites: prerequisites) }
        do {
            try await completion.wait(for: ["b==1"], by: "a==1", prerequisites: prerequisites)
        } catch {
            #expect(error.description.hasPrefix("build requirement cycle: a==1 → b==1 → a==1"))
        }
        // c waits (learnt) for d; d learning it needs c closes a cycle of learnt waits.
        let waiting = Task { try await completion.wait(for: ["d==1"], by: "c==1", prerequisites: prerequisites) }
        while await !completion.isWaitingForTest("c==1") { await Task.yield() }
        do {
            try await completion.wait(for: ["c==1"], by: "d==1", prerequisites: prerequisites)
            Issue.record("the cycle of learnt waits was not refused")
        } catch {
            #expect(error.description.hasPrefix("build requirement cycle: d==1 → c==1 → d==1"))
        }
        await completion.finish("d==1")
        try await waiting.value
        // Finished releases, and the waiter itself, are not waited for.
        try await completion.wait(for: ["d==1", "c==1"], by: "c==1", prerequisites: prerequisites)
    }

    @Test("slots: at most N at once; a freed slot goes to the earliest waiting release in the build order")
    func slots() async {
        let slots = BuildSlots(1)
        await slots.acquire(position: 5)
        let order = Recorder()
        let late = Task { await slots.acquire(position: 9); await order.add(9); await slots.release() }
        let early = Task { await slots.acquire(position: 2); await order.add(2); await slots.release() }
        while await slots.waitingForTest < 2 { await Task.yield() }
        await slots.release()
        _ = await (late.value, early.value)
        #expect(await order.values == [2, 9])
    }

    actor Recorder {
        var values: [Int] = []
        func add(_ value: Int) { values.append(value) }
    }
}
