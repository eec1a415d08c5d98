/// One row of a query's answer, read by column name (case-insensitively: PostgreSQL folds
/// unquoted names to lower case, SQLite keeps them).
public struct SQLRow: Sendable {
    private let names: [String]
    private let values: [SQLValue]

    /// `names` and `values` in the query's column order.
    init(names: [String], values: [SQLValue]) {
        self.names = names
        self.values = values
    }

    /// The column `name` as `T`; a missing column or another kind of value is a `StoreError`.
    /// SQLite answers with the names as the query wrote them (found at once); PostgreSQL folds
    /// them to lower case (found by an ASCII comparison without case, no string made).
    public subscript<T: SQLConvertible>(_ name: String) -> T {
        get throws(StoreError) {
            try T(sqlValue: try value(named: name))
        }
    }

    /// The column `name`'s value; a missing column is a `StoreError`.
    func value(named name: String) throws(StoreError) -> SQLValue {
        guard let position = names.firstIndex(of: name) ?? names.firstIndex(where: { Self.equalIgnoringCase($0, name) }) else {
            throw StoreError(.internalError, "the catalog's answer has no column \(name)")
        }
        return values[position]
    }

    /// Whether the answer has the column `name`.
    func has(_ name: String) -> Bool { (try? value(named: name)) != nil }

    private static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
        func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
        return a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lower($0) == lower($1) }
    }

    /// The first column as `T` (for single-value queries).
    func first<T: SQLConvertible>() throws(StoreError) -> T {
        guard let value = values.first else { throw StoreError(.internalError, "the catalog's answer has no column") }
        return try T(sqlValue: value)
    }

    /// Every column's value in order, and the columns' names, for copying rows between catalogs.
    var allValues: [SQLValue] { values }
    var columnNames: [String] { names }
}
