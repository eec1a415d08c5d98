import Foundation
import IndexAPI
import Testing
@testable import Builder

/// The run's lease: renewed while the run lives, given back at its end — after a renewal that
/// was in flight, which would otherwise take the lease again once it was released.
@Suite("Run lease")
struct RunLeaseTests {
    /// A publisher whose renewals take a while to answer, as a loaded index does.
    actor SlowPublisher: IndexPublisher {
        private(set) var leases: [String: String] = [:]
        private(set) var renewals = 0

        func wheels(in index: String) async throws -> [(filename: String, python: String?)]? { nil }
        func ensureIndex(_ index: String, bases: [String]) async throws {}
        func upload(_ wheel: URL, to index: String, provenance: Provenance, log: URL) async throws {}
        func report(_ report: RunReport) async throws {}

        func acquireLease(_ name: String, owner: String, seconds: Int) async throws {
            if leases[name] != nil {
                renewals += 1
                try? await Task.sleep(for: .milliseconds(400))
            }
            leases[name] = owner
        }

        func releaseLease(_ name: String, owner: String) async throws {
            if leases[name] == owner { leases[name] = nil }
        }
    }

    @Test("renewed every third of its life; released after a renewal in flight, never before it")
    func renewalThenRelease() async throws {
        let publisher = SlowPublisher()
        let lease = try await RunLease(publisher: publisher, name: "all", owner: "test pid 1", seconds: 1)
        // A renewal starts at 333 ms and answers at 733 ms: end in the middle of it.
        try await Task.sleep(for: .milliseconds(500))
        await lease.end()
        try await Task.sleep(for: .milliseconds(600))
        #expect(await publisher.renewals >= 1)
        #expect(await publisher.leases.isEmpty, "the lease was taken again after its release")
    }
}
