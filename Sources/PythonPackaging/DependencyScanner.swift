/// The tokens of PEP 508 dependency specifiers, read from a string's scalars at a position:
/// the shared reader of `Requirement` and `Marker` (packaging's tokenizer, rule for rule).
struct DependencyScanner {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    var atEnd: Bool { position == scalars.count }
    var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    /// Python's `\w` for `str` patterns: letters, digits (any script) and `_`.
    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
        }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil
            || [.decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark].contains(properties.generalCategory)
    }

    /// `\b` at `index`: a word scalar on exactly one side.
    func isBoundary(_ index: Int) -> Bool {
        let before = index > 0 && Self.isWord(scalars[index - 1])
        let after = index < scalars.count && Self.isWord(scalars[index])
        return before != after
    }

    /// `[ \t]+`
    mutating func skipSpaces() {
        while let scalar = current, scalar == " " || scalar == "\t" { position += 1 }
    }

    mutating func take(_ literal: String) -> Bool {
        let wanted = Array(literal.unicodeScalars)
        guard position + wanted.count <= scalars.count, Array(scalars[position..<position + wanted.count]) == wanted else { return false }
        position += wanted.count
        return true
    }

    /// A keyword with `\b` on both sides (`and`, `or`, `in`, `not`).
    mutating func takeWord(_ word: String) -> Bool {
        let start = position
        guard isBoundary(start), take(word) else {
            position = start
            return false
        }
        guard isBoundary(position) else {
            position = start
            return false
        }
        return true
    }

    /// `\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`, backtracking to the last boundary as the regex does.
    mutating func takeIdentifier() -> String? {
        guard isBoundary(position), let first = current, first.isASCII, Self.isWord(first), first != "_" else { return nil }
        var end = position + 1
        while end < scalars.count, scalars[end].isASCII, Self.isWord(scalars[end]) || scalars[end] == "." || scalars[end] == "-" { end += 1 }
        while end > position + 1, !isBoundary(end) { end -= 1 }
        guard isBoundary(end) else { return nil }
        defer { position = end }
        return text(position, end)
    }

    /// `'…'` or `"…"` without the quote inside; returns the text between the quotes.
    mutating func takeQuoted() -> String? {
        guard let quote = current, quote == "'" || quote == "\"" else { return nil }
        var end = position + 1
        while end < scalars.count, scalars[end] != quote { end += 1 }
        guard end < scalars.count else { return nil }
        defer { position = end + 1 }
        return text(position + 1, end)
    }

    func text(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    var rest: String { text(position, scalars.count) }
}
