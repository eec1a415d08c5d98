/// One row of a query's answer, read by column name (case-insensitively: PostgreSQL folds
/// unquoted names to lower case, SQLite keeps them).
public struct SQLRow: Sendable {
    private let names: [String]
    private let values: [SQLValue]

    /// `names` and `values` in the query's column order.
    init(names: [String], values: [SQLValue]) {
        self.names = names.map { $0.lowercased() }
        self.values = values
    }

    /// The column `name` as `T`; a missing column or another kind of value is a `StoreError`.
    public subscript<T: SQLConvertible>(_ name: String) -> T {
        get throws(StoreError) {
            let key = name.lowercased()
            guard let position = names.firstIndex(of: key) else {
                throw StoreError(.internalError, "the catalog's answer has no column \(name)")
            }
            return try T(sqlValue: values[position])
        }
    }

    /// The first column as `T` (for single-value queries).
    func first<T: SQLConvertible>() throws(StoreError) -> T {
        guard let value = values.first else { throw StoreError(.internalError, "the catalog's answer has no column") }
        return try T(sqlValue: value)
    }

    /// Every column's value in order, and the columns' names (lower case), for copying rows
    /// between catalogs.
    var allValues: [SQLValue] { values }
    var columnNames: [String] { names }
}
