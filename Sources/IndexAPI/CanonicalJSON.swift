import Foundation

/// JSON as the index writes it: keys sorted and slashes bare, so equal documents are equal bytes.
public enum CanonicalJSON {
    public static func string(_ document: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}
