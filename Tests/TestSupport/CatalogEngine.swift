import Foundation
import IndexStore
import Testing

/// The two engines a catalog runs on; suites that take it as an argument run once on each.
public enum CatalogEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    public var testDescription: String { rawValue }

    /// A new, empty catalog on this engine: in memory for SQLite, a new database of the suite's
    /// cluster (`SharedPostgres`) for PostgreSQL.
    public func makeCatalog() async throws -> Catalog {
        switch self {
        case .sqlite: try await Catalog(path: nil)
        case .postgresql: try await Catalog(database: try await Self.makePostgresDatabase())
        }
    }

    /// A second connection to a PostgreSQL catalog, as another replica would open it.
    public static func replica(of catalog: Catalog) async throws -> Catalog {
        try await Catalog(database: try await replica(of: catalog.database))
    }

    public static func replica(of database: any CatalogDatabase) async throws -> PostgresCatalogDatabase {
        guard let address = try? PostgresAddress(database.location) else { throw TestFailure("not a PostgreSQL catalog") }
        return try await PostgresCatalogDatabase(address: address, password: nil)
    }

    /// A new database in the suite's cluster (`SharedPostgres`).
    public static func makePostgresDatabase() async throws -> PostgresCatalogDatabase {
        guard let cluster = SharedPostgres.cluster else { throw TestFailure("the suite needs the .sharedPostgres trait") }
        let name = "catalog_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        _ = try await cluster.psql("CREATE DATABASE \(name)")
        return try await PostgresCatalogDatabase(address: try PostgresAddress("postgresql://postgres@127.0.0.1:\(cluster.port)/\(name)"), password: nil)
    }
}

/// One throwaway PostgreSQL cluster for a whole suite (each catalog gets its own database in
/// it), started before the suite's first test and stopped after its last.
public struct SharedPostgres: SuiteTrait, TestScoping {
    @TaskLocal public static var cluster: PostgresCluster?

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? { test.isSuite ? self : nil }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let cluster = try await PostgresCluster()
        try await Self.$cluster.withValue(cluster) { try await function() }
    }
}

extension Trait where Self == SharedPostgres {
    public static var sharedPostgres: Self { SharedPostgres() }
}
