import Foundation
import IndexStore
import TestSupport
import Testing

/// A replica whose PostgreSQL stops answering (stalled: SIGSTOP) refuses at once with a 503,
/// statements in flight included, where each would wait for a server that cannot time it out;
/// and it serves again by itself once the server answers.
@Suite("Catalog outage", .enabled(if: PostgresCluster.available, "needs Debian's postgresql (make test installs it)"), .serialized, .timeLimit(.minutes(5)))
struct CatalogOutageTests {
    @Test("a stalled server: the statement in flight and the next ones fail as unavailable, not after a timeout the server would keep; served again once it answers")
    func stalledServer() async throws {
        let (cluster, catalog) = try await Self.catalogWithAlice()
        try await cluster.signal("STOP")
        do {
            // In flight when the server stops: without the heartbeat it would wait forever (the
            // server's statement_timeout cannot fire in a stopped server) and hit the time limit.
            let inFlight = await #expect(throws: StoreError.self) { try await catalog.users() }
            #expect(inFlight?.kind == .unavailable, "\(String(describing: inFlight))")
            let next = await #expect(throws: StoreError.self) { try await catalog.ping() }
            #expect(next?.kind == .unavailable && next?.message.contains("has not answered") == true, "\(String(describing: next))")
        }
        try await cluster.signal("CONT")
        try await Self.served(catalog)
        // More callers than connections when the server stops: those waiting for a connection
        // are refused too, none waits for the outage to end.
        try await cluster.signal("STOP")
        let outcomes = await withTaskGroup(of: StoreError.Kind?.self) { group in
            for _ in 0..<6 { group.addTask { do { _ = try await catalog.users(); return nil } catch { return (error as? StoreError)?.kind } } }
            return await group.reduce(into: [StoreError.Kind?]()) { $0.append($1) }
        }
        #expect(outcomes.count == 6 && outcomes.allSatisfy { $0 == .unavailable }, "\(outcomes)")
        try await cluster.signal("CONT")
        try await Self.served(catalog)
        try await catalog.createUser("bob", passwordHash: "h")
        #expect(try await catalog.users() == ["alice", "bob"])
    }

    @Test("connections cut by the server (pg_terminate_backend): a 503 at most for the statements on them, then new connections serve")
    func terminatedConnections() async throws {
        let (cluster, catalog) = try await Self.catalogWithAlice()
        let cut = try await cluster.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'wheelwright'")
        #expect(Int(cut.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= 2, "\(cut)")
        var failures: [StoreError] = []
        var users: [String]?
        for _ in 0..<100 where users == nil {
            do {
                users = try await catalog.users()
            } catch let error as StoreError {
                failures.append(error)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(users == ["alice"])
        #expect(failures.allSatisfy { $0.kind == .unavailable }, "\(failures)")
        try await catalog.createUser("bob", passwordHash: "h")
    }

    /// Waits until the catalog serves again (by itself: nothing here reconnects it).
    private static func served(_ catalog: Catalog) async throws {
        var users: [String]?
        for _ in 0..<200 where users == nil {
            users = try? await catalog.users()
            if users == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(users?.contains("alice") == true)
    }

    /// A cluster of the test's own (it is stalled or cut) and a catalog in it of two connections,
    /// with one user, listening (its heartbeat runs) before the test stalls it.
    private static func catalogWithAlice() async throws -> (PostgresCluster, Catalog) {
        let cluster = try await PostgresCluster()
        let database = try await PostgresCatalogDatabase(address: try PostgresAddress(cluster.url), password: nil, connections: 2)
        let catalog = try await Catalog(database: database)
        try await catalog.createUser("alice", passwordHash: "h")
        for _ in 0..<300 where !database.isListening { try await Task.sleep(for: .milliseconds(100)) }
        guard database.isListening else { throw TestFailure("the catalog did not listen within 30 s") }
        return (cluster, catalog)
    }
}
