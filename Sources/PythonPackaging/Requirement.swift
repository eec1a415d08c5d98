/// A PEP 508 dependency specifier (`requests[socks]>=2.31,<3 ; python_version >= "3.8"`), as
/// core metadata's `Requires-Dist` and a whitelist request carry it; parsed as
/// `packaging.requirements.Requirement` parses it (differential tests hold the two together).
public struct Requirement: Sendable, Hashable, CustomStringConvertible {
    /// The name as written.
    public let name: String
    /// PEP 503's form of the name.
    public var project: String { ProjectName.normalize(name) }
    /// The extras asked for, as written, without repeats.
    public let extras: [String]
    public let specifier: SpecifierSet
    /// `name @ URL`: a direct reference (no index can satisfy it).
    public let url: String?
    public let marker: Marker?

    /// Longer text is refused before it is read: no real requirement comes near.
    public static let maximumLength = 16 * 1024

    public init(_ text: String) throws(PackagingError) {
        guard text.utf8.count <= Self.maximumLength else {
            throw .invalidRequirement(String(text.prefix(64)) + "…", reason: "longer than \(Self.maximumLength) bytes")
        }
        var scanner = DependencyScanner(text)
        func fail(_ reason: String) -> PackagingError { .invalidRequirement(text, reason: reason) }
        scanner.skipSpaces()
        guard let name = scanner.takeIdentifier() else { throw fail("expected a project name at the start") }
        self.name = name
        scanner.skipSpaces()

        var extras: [String] = []
        if scanner.take("[") {
            scanner.skipSpaces()
            if let first = scanner.takeIdentifier() {
                extras.append(first)
                while true {
                    scanner.skipSpaces()
                    if scanner.takeIdentifier() != nil { throw fail("expected a comma between extra names") }
                    guard scanner.take(",") else { break }
                    scanner.skipSpaces()
                    guard let extra = scanner.takeIdentifier() else { throw fail("expected an extra name after the comma") }
                    extras.append(extra)
                }
            }
            scanner.skipSpaces()
            guard scanner.take("]") else { throw fail("expected ']' to close the extras at '\(scanner.rest)'") }
            scanner.skipSpaces()
        }
        var seen = Set<String>()
        self.extras = extras.filter { seen.insert($0).inserted }

        var url: String?
        var specifiers: [Specifier] = []
        if scanner.take("@") {
            scanner.skipSpaces()
            let start = scanner.position
            while let scalar = scanner.current, !PythonWhitespace.contains(scalar) { scanner.position += 1 }
            guard scanner.position > start else { throw fail("expected a URL after '@'") }
            url = scanner.text(start, scanner.position)
            if !scanner.atEnd {
                let beforeSpace = scanner.position
                scanner.skipSpaces()
                guard scanner.position > beforeSpace else { throw fail("expected whitespace after the URL") }
            }
        } else if scanner.take("(") {
            scanner.skipSpaces()
            specifiers = try Self.versionMany(&scanner, text)
            scanner.skipSpaces()
            guard scanner.take(")") else { throw fail("expected ')' to close the version specifier at '\(scanner.rest)'") }
            scanner.skipSpaces()
        } else {
            specifiers = try Self.versionMany(&scanner, text)
        }
        self.url = url
        self.specifier = SpecifierSet(specifiers)

        if scanner.atEnd {
            marker = nil
            return
        }
        guard scanner.take(";") else {
            throw fail(specifiers.isEmpty && url == nil
                ? "expected a version specifier or ';' after the name at '\(scanner.rest)'"
                : "expected ',' (within the version specifier), ';' (before a marker) or the end at '\(scanner.rest)'")
        }
        do {
            marker = try Marker.parse(&scanner, depth: 0, source: text)
        } catch {
            throw fail(error.description)
        }
        guard scanner.atEnd else { throw fail("expected 'and', 'or' or the end of the marker at '\(scanner.rest)'") }
    }

    /// `version_many`: the whole list at once where it reads as a `SpecifierSet` up to `;`, `)`
    /// or the end; else one specifier at a time (where `===` may take any non-space text).
    private static func versionMany(_ scanner: inout DependencyScanner, _ text: String) throws(PackagingError) -> [Specifier] {
        let start = scanner.position
        var end = start
        while end < scanner.scalars.count, isListScalar(scanner.scalars[end]) { end += 1 }
        if end > start, end == scanner.scalars.count || scanner.scalars[end] == ";" || scanner.scalars[end] == ")" {
            let list = scanner.text(start, end)
            if let set = try? SpecifierSet(list) {
                let commas = list.unicodeScalars.count { $0 == "," }
                let trailingComma = PythonWhitespace.trimmed(list).hasSuffix(",")
                if set.specifiers.count == commas + 1 || (!set.specifiers.isEmpty && set.specifiers.count == commas && trailingComma) {
                    scanner.position = end
                    return set.specifiers
                }
            }
        }
        // One operator and version at a time; their text is then read as one list, as packaging
        // does (so a `===` that took a comma still splits there).
        var list = ""
        while let token = specifierToken(&scanner) {
            if !list.isEmpty { list += "," }
            list += token
            scanner.skipSpaces()
            guard scanner.take(",") else { break }
            scanner.skipSpaces()
        }
        do {
            return try SpecifierSet(list).specifiers
        } catch {
            throw .invalidRequirement(text, reason: error.description)
        }
    }

    /// Tab and printable ASCII but `)` and `;`: what a specifier list may hold.
    private static func isListScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || (scalar.value >= 0x20 && scalar.value <= 0x7E && scalar != ")" && scalar != ";")
    }

    /// One operator and the version text after it; nil where no operator starts here.
    private static func specifierToken(_ scanner: inout DependencyScanner) -> String? {
        let start = scanner.position
        guard let op = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"].first(where: { scanner.take($0) }) else { return nil }
        while let scalar = scanner.current, PythonWhitespace.contains(scalar) { scanner.position += 1 }
        if op == "===" {
            while let scalar = scanner.current, !PythonWhitespace.contains(scalar), scalar != ";", scalar != ")" { scanner.position += 1 }
        } else {
            while let scalar = scanner.current, scalar.isASCII,
                  DependencyScanner.isWord(scalar) || ".+!*-".unicodeScalars.contains(scalar) { scanner.position += 1 }
        }
        return scanner.text(start, scanner.position)
    }

    /// packaging's form: name, sorted extras, sorted specifiers, URL, marker.
    public var description: String {
        var text = name
        if !extras.isEmpty { text += "[\(extras.sorted().joined(separator: ","))]" }
        text += specifier.specifiers.map(\.description).sorted().joined(separator: ",")
        if let url { text += "@ \(url)" + (marker == nil ? "" : " ") }
        if let marker { text += "; \(marker)" }
        return text
    }

    /// Whether this requirement applies in `environment` (no marker: always).
    public func applies(in environment: MarkerEnvironment) throws(PackagingError) -> Bool {
        try marker?.evaluate(in: environment) ?? true
    }
}
