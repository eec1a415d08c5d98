import ArgumentParser
import Foundation
import IndexStore
import Workspace

/// Where the index's catalog lives when it is not `catalog.sqlite` in the data directory: a
/// PostgreSQL database shared by replicas. The password never comes on the command line.
struct CatalogOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The shared catalog: postgresql://USER@HOST:PORT/DATABASE[?sslmode=require] (or WHEELWRIGHT_CATALOG); default: catalog.sqlite in the data directory.",
        discussion: "The password comes from --catalog-password-file or PGPASSWORD, never from the address."))
    var catalog: String?

    @Option(help: "A file (mode 0600) whose first line is the PostgreSQL password.")
    var catalogPasswordFile: String?

    @Option(help: "Connections to PostgreSQL this process opens at most (besides one that listens for changes).")
    var catalogConnections = 8

    func validate() throws {
        guard (1...256).contains(catalogConnections) else { throw ValidationError("--catalog-connections must be 1 to 256") }
        if let address { _ = try parse(address) }
    }

    private var address: String? {
        SettingSources.process.value(catalog, variable: "WHEELWRIGHT_CATALOG")
    }

    private func parse(_ address: String) throws -> PostgresAddress {
        do {
            return try PostgresAddress(address)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The data directory of an index that exists: `data`, unless it is the default, holds no
    /// catalog, and its parent does (an index made before the default moved to `index/`): then a
    /// refusal with the two ways on, rather than a new, empty catalog beside the old one.
    func existingIndexFolder(_ data: String) throws -> URL {
        let folder = URL(fileURLWithPath: data)
        let manager = FileManager.default
        let old = URL(fileURLWithPath: DefaultFolders.data)
        guard address == nil, data == DefaultFolders.index, !manager.fileExists(atPath: folder.appendingPathComponent("catalog.sqlite").path),
              manager.fileExists(atPath: old.appendingPathComponent("catalog.sqlite").path) else { return folder }
        throw ValidationError("""
            the index's data is in \(old.path) (catalog.sqlite), where the default was before it moved to \(data): \
            move it there (with the server stopped: mkdir -p \(data) && mv \(old.path)/catalog.sqlite* \(old.path)/blobs \(old.path)/session-secret \(data)/), \
            or name it: --data \(old.path)
            """)
    }

    /// The shared catalog, connected; nil for the data directory's own SQLite file.
    func database() async throws -> (any CatalogDatabase)? {
        guard let address else { return nil }
        let password = try catalogPasswordFile.map { try SecretFile.read($0, what: "--catalog-password-file") }
            ?? SettingSources.process.variable("PGPASSWORD")
        return try await PostgresCatalogDatabase(address: try parse(address), password: password, connections: catalogConnections)
    }
}
