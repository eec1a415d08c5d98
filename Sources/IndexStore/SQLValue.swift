import Foundation

/// A value as the catalog stores it: the five kinds both SQLite and PostgreSQL hold the same way
/// (booleans are integers 0 and 1, times are seconds since 1970 as doubles).
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A Swift type the catalog binds as an argument and reads back from a column.
public protocol SQLConvertible: Sendable {
    var sqlValue: SQLValue { get }
    /// Throws `StoreError` (500) when the column holds another kind: a damaged catalog, never a trap.
    init(sqlValue: SQLValue) throws(StoreError)
}

extension SQLValue {
    fileprivate func mismatch(_ wanted: String) -> StoreError {
        StoreError(.internalError, "the catalog holds \(self) where \(wanted) belongs: check it with wheelwright fsck")
    }
}

extension String: SQLConvertible {
    public var sqlValue: SQLValue { .text(self) }
    public init(sqlValue: SQLValue) throws(StoreError) {
        guard case .text(let text) = sqlValue else { throw sqlValue.mismatch("text") }
        self = text
    }
}

extension Int64: SQLConvertible {
    public var sqlValue: SQLValue { .integer(self) }
    public init(sqlValue: SQLValue) throws(StoreError) {
        guard case .integer(let number) = sqlValue else { throw sqlValue.mismatch("an integer") }
        self = number
    }
}

extension Int: SQLConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init(sqlValue: SQLValue) throws(StoreError) {
        guard let number = Int(exactly: try Int64(sqlValue: sqlValue)) else { throw sqlValue.mismatch("an integer") }
        self = number
    }
}

extension Double: SQLConvertible {
    public var sqlValue: SQLValue { .real(self) }
    public init(sqlValue: SQLValue) throws(StoreError) {
        switch sqlValue {
        case .real(let number): self = number
        case .integer(let number): self = Double(number)
        default: throw sqlValue.mismatch("a number")
        }
    }
}

extension Bool: SQLConvertible {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public init(sqlValue: SQLValue) throws(StoreError) { self = try Int64(sqlValue: sqlValue) != 0 }
}

extension Array: SQLConvertible where Element == UInt8 {
    public var sqlValue: SQLValue { .blob(self) }
    public init(sqlValue: SQLValue) throws(StoreError) {
        guard case .blob(let bytes) = sqlValue else { throw sqlValue.mismatch("bytes") }
        self = bytes
    }
}

extension Optional: SQLConvertible where Wrapped: SQLConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
    public init(sqlValue: SQLValue) throws(StoreError) {
        self = sqlValue == .null ? nil : try Wrapped(sqlValue: sqlValue)
    }
}
