import Foundation

/// A client's JSON object body, checked against the keys a resource takes: an unknown key or a
/// value of the wrong type is a `SchemaError` naming the key, never silently ignored. Booleans
/// may come as devpi-client sends them (`"True"`, `"False"`); lists as JSON lists or as one
/// comma-separated string.
public struct JSONObject: Sendable {
    private let values: [String: JSONValue]

    /// An empty body is an empty object.
    public init(parsing bytes: [UInt8], allowed: Set<String>) throws(SchemaError) {
        guard !bytes.isEmpty else {
            values = [:]
            return
        }
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(bytes)) else {
            throw SchemaError(field: "body", "is not a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw SchemaError(field: unknown, "is not a setting of this resource (known: \(allowed.sorted().joined(separator: ", ")))")
        }
        values = object
    }

    public var keys: Set<String> { Set(values.keys) }

    public func string(_ key: String) throws(SchemaError) -> String? {
        switch values[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw SchemaError(field: key, "must be a string")
        }
    }

    /// A whole number in `range` (checked before it becomes an `Int`: no value can trap).
    public func integer(_ key: String, in range: ClosedRange<Int>) throws(SchemaError) -> Int? {
        switch values[key] {
        case nil, .null?: return nil
        case .number(let value)? where value.rounded() == value && value >= Double(range.lowerBound) && value <= Double(range.upperBound):
            return Int(value)
        default: throw SchemaError(field: key, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// `true`/`false`, or the strings `True`/`False`/`true`/`false` (devpi-client's form).
    public func bool(_ key: String) throws(SchemaError) -> Bool? {
        switch values[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case .string("True")?, .string("true")?: return true
        case .string("False")?, .string("false")?: return false
        default: throw SchemaError(field: key, "must be true or false (or the strings \"True\" / \"False\")")
        }
    }

    /// A list of strings, or one string of comma-separated items; at most 256 items.
    public func stringList(_ key: String) throws(SchemaError) -> [String]? {
        let items: [String]
        switch values[key] {
        case nil, .null?: return nil
        case .string(let text)?:
            items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .list(let list)?:
            items = try list.map { element throws(SchemaError) in
                guard case .string(let text) = element else { throw SchemaError(field: key, "must be a list of strings") }
                return text
            }
        default:
            throw SchemaError(field: key, "must be a list of strings or a comma-separated string")
        }
        guard items.count <= 256 else { throw SchemaError(field: key, "has \(items.count) items; at most 256 are accepted") }
        return items
    }
}
