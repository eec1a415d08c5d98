import Foundation
import Testing
import TestSupport

/// The PostgreSQL the catalog tests will run against: Debian's, started by the test itself.
@Suite("PostgreSQL test cluster", .enabled(if: PostgresCluster.available, "needs Debian's postgresql (make test installs it)"))
struct PostgresClusterTests {
    @Test("a cluster starts as the unprivileged postgres user in a temporary folder on a free loopback port, and is gone after")
    func throwaway() async throws {
        var folder: URL?
        var port = 0
        do {
            let cluster = try await PostgresCluster()
            (folder, port) = (cluster.folder, cluster.port)
            let who = try await cluster.psql("SELECT current_user || ' ' || current_database() || ' ' || inet_server_addr()::text")
            #expect(who.trimmingCharacters(in: .whitespacesAndNewlines) == "postgres wheelwright 127.0.0.1/32")
            let owner = try FileManager.default.attributesOfItem(atPath: cluster.folder.appendingPathComponent("data").path)[.ownerAccountName] as? String
            #expect(owner == "postgres")
            let second = try await PostgresCluster(database: "other")
            let answer = try await second.psql("SELECT 1")
            #expect(second.port != cluster.port && answer.hasPrefix("1"))
        }
        let stopped = try await runToolSeparately("/usr/bin/pg_isready", ["-h", "127.0.0.1", "-p", String(port)])
        #expect(stopped.status != 0, "still answering after the cluster went: \(stopped.output)")
        #expect(!FileManager.default.fileExists(atPath: folder?.path ?? "/"))
    }
}
