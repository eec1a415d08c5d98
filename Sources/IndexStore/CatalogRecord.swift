import Synchronization

/// A row of one of the catalog's tables as a value: its stored properties are the columns, named
/// by its `CodingKeys` (GRDB's `Columns` style, the same on both engines). `columns` is the
/// select list that reads exactly those, so a query and its decoding cannot disagree on a name.
protocol CatalogRecord: Decodable {
    associatedtype CodingKeys: CodingKey & CaseIterable
}

extension CatalogRecord {
    /// The columns, comma-separated, for a `SELECT` list (`prefix` qualifies each: `"f."`);
    /// `user` and `index` quoted, as everywhere (reserved words in PostgreSQL), the others not
    /// (PostgreSQL folds unquoted names to lower case, as the tables were created).
    /// Made once per record and prefix: every query of the record writes it.
    static func columns(_ prefix: String = "") -> String {
        let key = ColumnListKey(record: ObjectIdentifier(Self.self), prefix: prefix)
        if let made = columnLists.withLock({ $0[key] }) { return made }
        let made = CodingKeys.allCases.map { key in
            let name = key.stringValue
            return prefix + (name == "user" || name == "index" ? "\"\(name)\"" : name)
        }.joined(separator: ", ")
        columnLists.withLock { $0[key] = made }
        return made
    }

    init(row: SQLRow) throws {
        try self.init(from: SQLRowDecoder(row: row))
    }
}

/// The select lists made so far, by record type and prefix.
private let columnLists = Mutex<[ColumnListKey: String]>([:])

private struct ColumnListKey: Hashable {
    let record: ObjectIdentifier
    let prefix: String
}

extension SQLSession {
    /// The rows of a query as records.
    func records<Record: CatalogRecord>(_ type: Record.Type, _ sql: String, _ arguments: [any SQLConvertible] = []) async throws -> [Record] {
        try await rows(sql, arguments).map { try Record(row: $0) }
    }

    /// The first row of a query as a record, if there is one.
    func record<Record: CatalogRecord>(_ type: Record.Type, _ sql: String, _ arguments: [any SQLConvertible] = []) async throws -> Record? {
        try await row(sql, arguments).map { try Record(row: $0) }
    }
}

/// Decodes a record from a row: each key is a column, read through `SQLConvertible` (a missing
/// column or another kind of value is a `StoreError`); a type of its own (an enumeration by raw
/// value) decodes from the column's single value.
private struct SQLRowDecoder: Decoder {
    let row: SQLRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw StoreError(.internalError, "a catalog row is not a list")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw StoreError(.internalError, "a catalog row is not one value")
    }

    private struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: SQLRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { row.has(key.stringValue) }

        func decodeNil(forKey key: Key) throws -> Bool { try row.value(named: key.stringValue) == .null }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try row[key.stringValue] }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try row[key.stringValue] }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try row[key.stringValue] }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try row[key.stringValue] }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try row[key.stringValue] }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            if let convertible = type as? any SQLConvertible.Type {
                return try convertible.init(sqlValue: row.value(named: key.stringValue)) as! T
            }
            return try T(from: ColumnDecoder(value: row.value(named: key.stringValue), key: key))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw StoreError(.internalError, "the catalog's column \(key.stringValue) holds one value")
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw StoreError(.internalError, "the catalog's column \(key.stringValue) holds one value")
        }

        func superDecoder() throws -> any Decoder { SQLRowDecoder(row: row) }
        func superDecoder(forKey key: Key) throws -> any Decoder { SQLRowDecoder(row: row) }
    }

    /// One column's value, for a type that decodes itself from a single value.
    private struct ColumnDecoder: Decoder, SingleValueDecodingContainer {
        let value: SQLValue
        let key: any CodingKey
        var codingPath: [any CodingKey] { [key] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            throw StoreError(.internalError, "the catalog's column \(key.stringValue) holds one value")
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw StoreError(.internalError, "the catalog's column \(key.stringValue) holds one value")
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool { value == .null }

        func decode(_ type: Bool.Type) throws -> Bool { try Bool(sqlValue: value) }
        func decode(_ type: String.Type) throws -> String { try String(sqlValue: value) }
        func decode(_ type: Double.Type) throws -> Double { try Double(sqlValue: value) }
        func decode(_ type: Int64.Type) throws -> Int64 { try Int64(sqlValue: value) }
        func decode(_ type: Int.Type) throws -> Int { try Int(sqlValue: value) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if let convertible = type as? any SQLConvertible.Type { return try convertible.init(sqlValue: value) as! T }
            return try T(from: self)
        }
    }
}
