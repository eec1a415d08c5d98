import Foundation
import IndexAPI
import Testing
@testable import Builder

/// The run's lease: renewed while the run lives, given back at its end — after a renewal that
/// was in flight, which would otherwise take the lease again once it was released.
@Suite("Run lease")
struct RunLeaseTests {
    /// A publisher whose renewal answers only once the run has ended (its task cancelled): the
    /// order a loaded index can produce, made certain instead of timed.
    actor SlowPublisher: IndexPublisher {
        private(set) var leases: [String: String] = [:]
        private(set) var renewalStarted = false
        private(set) var renewalAnswered = false

        func wheels(in index: String) async throws -> [(filename: String, python: String?)]? { nil }
        func ensureIndex(_ index: String, bases: [String]) async throws {}
        func upload(_ wheel: URL, to index: String, provenance: Provenance, log: URL) async throws {}
        func report(_ report: RunReport) async throws {}
        func postTestResult(_ report: [UInt8], for wheel: URL, in index: String) async throws {}

        func acquireLease(_ name: String, owner: String, seconds: Int) async throws {
            if leases[name] != nil {
                renewalStarted = true
                while !Task.isCancelled { await Task.yield() }
                // Its answer comes late: anything already sent to the index goes first.
                for _ in 0..<100 { await Task.yield() }
            }
            leases[name] = owner
            if renewalStarted { renewalAnswered = true }
        }

        func releaseLease(_ name: String, owner: String) async throws {
            if leases[name] == owner { leases[name] = nil }
        }
    }

    @Test("renewed while the run lives; released after a renewal in flight, never before it")
    func renewalThenRelease() async throws {
        let publisher = SlowPublisher()
        let lease = try await RunLease(publisher: publisher, name: "all", owner: "test pid 1", seconds: 1)
        while await !publisher.renewalStarted { try await Task.sleep(for: .milliseconds(20)) }
        await lease.end()
        // Once the renewal has been answered, whenever that is, the lease must be gone.
        while await !publisher.renewalAnswered { try await Task.sleep(for: .milliseconds(20)) }
        #expect(await publisher.leases.isEmpty, "the lease was taken again after its release")
    }
}
