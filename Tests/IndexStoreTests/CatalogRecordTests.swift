import Testing
import IndexAPI
@testable import IndexStore

@Suite("Catalog rows as records")
struct CatalogRecordTests {
    private func row(_ pairs: [(String, SQLValue)]) -> SQLRow { SQLRow(names: pairs.map(\.0), values: pairs.map(\.1)) }

    @Test("a record reads its columns by its keys, case-insensitively as PostgreSQL answers; nulls are nil; its select list quotes user and index")
    func decodes() throws {
        let lease = try CatalogRecords.Lease(row: row([("name", .text("all")), ("owner", .text("ci")), ("expiresat", .real(12.5))]))
        #expect(lease.value == BuildLease(name: "all", owner: "ci", expires: 12.5))
        let item = try CatalogRecords.Item(row: row([
            ("run", .integer(3)), ("project", .text("p")), ("version", .text("1")), ("target", .text("debian-12")), ("python", .text("3.11")),
            ("status", .text("built")), ("seconds", .integer(2)), ("wheel", .null), ("index", .text("platform/debian-12")), ("reason", .null),
            ("logItem", .null), ("tool", .integer(1)),
        ]))
        #expect(item.value.seconds == 2 && item.value.wheel == nil && item.value.index == "platform/debian-12" && item.value.tool)
        #expect(CatalogRecords.Token.columns() == #"id, "user", secretHash, indices, createdAt, lastUsedAt, readOnly"#)
        #expect(CatalogRecords.Item.columns("i.").contains(#"i."index""#))
    }

    @Test("a missing column or a value of another kind is a StoreError naming it, never a trap")
    func refuses() throws {
        let missing = #expect(throws: StoreError.self) {
            try CatalogRecords.Lease(row: row([("name", .text("all")), ("owner", .text("ci"))]))
        }
        #expect(missing?.kind == .internalError && "\(missing!)".contains("expiresAt"))
        let mistyped = #expect(throws: StoreError.self) {
            try CatalogRecords.Lease(row: row([("name", .text("all")), ("owner", .integer(7)), ("expiresAt", .real(1))]))
        }
        #expect(mistyped?.kind == .internalError)
        #expect(throws: StoreError.self) {
            try CatalogRecords.Lease(row: row([("name", .null), ("owner", .text("ci")), ("expiresAt", .real(1))]))
        }
    }
}
