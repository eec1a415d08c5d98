/// Core metadata (a wheel's `METADATA`, an sdist's `PKG-INFO`): RFC 822-style header fields,
/// some of them repeated, then an optional body that holds the long description.
///
/// Fields keep their order and spelling so that rendering gives back an equivalent file; the
/// typed accessors read the fields that wheelwright acts on.
public struct CoreMetadata: Sendable, Hashable {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) { (self.name, self.value) = (name, value) }
    }

    public var fields: [Field]
    /// The text after the blank line that ends the headers, if any.
    public var body: String?

    public init(fields: [Field], body: String? = nil) { (self.fields, self.body) = (fields, body) }

    /// Parses the header block and the body. Requires `Metadata-Version`, `Name` and a valid
    /// PEP 440 `Version`, the fields every metadata version has.
    public init(parsing text: String) throws(PackagingError) {
        var fields: [Field] = []
        var body: String?
        // "\r\n" is one Character in Swift, so both line endings are named.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isEmpty {
                let rest = lines[index...].joined(separator: "\n")
                body = rest.isEmpty ? nil : rest
                break
            }
            if line.first == " " || line.first == "\t" {
                guard !fields.isEmpty else {
                    throw .invalidMetadata(line: index, reason: "a continuation line comes before any field")
                }
                fields[fields.count - 1].value += "\n" + Self.unindent(line)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw .invalidMetadata(line: index, reason: "expected 'Field-Name: value', got '\(line.prefix(60))'")
            }
            let name = String(line[..<colon])
            guard !name.isEmpty, !name.contains(" ") else {
                throw .invalidMetadata(line: index, reason: "'\(name)' is not a field name")
            }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            fields.append(Field(name, String(value)))
        }
        self.init(fields: fields, body: body)
        for required in ["Metadata-Version", "Name", "Version"] where self[required] == nil {
            throw .invalidMetadata(line: 0, reason: "the required field '\(required)' is missing")
        }
        _ = try version
    }

    /// Continuation lines are indented by up to 8 spaces, or by the legacy `       |`.
    private static func unindent(_ line: Substring) -> Substring {
        let legacy = "       |"
        if line.hasPrefix(legacy) { return line.dropFirst(legacy.count) }
        var rest = line
        var removed = 0
        while removed < 8, let first = rest.first, first == " " || first == "\t" {
            rest = rest.dropFirst()
            removed += 1
        }
        return rest
    }

    /// The file text: one `Name: value` line per field, continuation lines indented by 8
    /// spaces, then a blank line and the body when there is one.
    public func rendered() -> String {
        var text = ""
        for field in fields {
            let lines = field.value.split(separator: "\n", omittingEmptySubsequences: false)
            text += "\(field.name): \(lines[0])\n"
            for continuation in lines.dropFirst() {
                text += "        \(continuation)\n"
            }
        }
        if let body {
            text += "\n" + body
        }
        return text
    }

    // MARK: Reading fields

    /// The first value of a field; names compare case-insensitively, as in email headers.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }?.value
    }

    /// Every value of a repeatable field, in order.
    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    public var metadataVersion: String { self["Metadata-Version"] ?? "" }
    public var name: String { self["Name"] ?? "" }

    public var version: Version {
        get throws(PackagingError) { try Version(self["Version"] ?? "") }
    }

    public var summary: String? { self["Summary"] }
    public var license: String? { self["License"] }
    public var licenseExpression: String? { self["License-Expression"] }
    public var homePage: String? { self["Home-page"] }
    public var classifiers: [String] { values("Classifier") }
    public var requiresDist: [String] { values("Requires-Dist") }
    public var providesExtra: [String] { values("Provides-Extra") }
    public var dynamic: [String] { values("Dynamic") }

    public var requiresPython: SpecifierSet? {
        get throws(PackagingError) {
            guard let text = self["Requires-Python"] else { return nil }
            return try SpecifierSet(text)
        }
    }

    /// `Project-URL: Label, https://…` pairs.
    public var projectURLs: [(label: String, url: String)] {
        values("Project-URL").map { value in
            guard let comma = value.firstIndex(of: ",") else { return (label: "", url: value) }
            let label = value[..<comma].trimmed
            let url = value[value.index(after: comma)...].trimmed
            return (label: label, url: url)
        }
    }

    /// The long description: the body, or the older `Description` field.
    public var longDescription: String? { body ?? self["Description"] }

    /// The license a person reads: the SPDX expression, else the `License` field, else the
    /// `License ::` classifiers.
    public var licenseSummary: String? {
        if let licenseExpression, !licenseExpression.isEmpty { return licenseExpression }
        if let license, !license.isEmpty, !license.contains("\n") { return license }
        let fromClassifiers = classifiers
            .filter { $0.hasPrefix("License ::") }
            .compactMap { $0.split(separator: "::").last?.trimmed }
        return fromClassifiers.isEmpty ? nil : fromClassifiers.joined(separator: " OR ")
    }
}

