/// An SPDX license expression (PEP 639's `License-Expression`): license identifiers joined by
/// `AND` and `OR`, with `WITH` exceptions and parentheses (`MIT OR (Apache-2.0 WITH LLVM-exception)`).
/// Read by hand with bounds on length and nesting, so no metadata or whitelist can trap or stall
/// the reader. Operators are matched without regard to case, as PEP 639 allows.
public indirect enum SPDXExpression: Sendable, Hashable, CustomStringConvertible {
    /// A license identifier (`MIT`, `LicenseRef-Company`), `+` for "or later".
    case license(String, orLater: Bool)
    case with(SPDXExpression, exception: String)
    case and([SPDXExpression])
    case or([SPDXExpression])

    /// The longest expression read, and the deepest nesting of parentheses.
    static let maximumLength = 2_000
    static let maximumDepth = 32

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String) throws(ParseError) {
        guard text.utf8.count <= Self.maximumLength else { throw ParseError(description: "longer than \(Self.maximumLength) bytes") }
        var parser = Parser(tokens: try Self.tokens(text))
        guard !parser.tokens.isEmpty else { throw ParseError(description: "empty") }
        let expression = try parser.expression(depth: 0)
        guard parser.index == parser.tokens.count else { throw ParseError(description: "unexpected '\(parser.tokens[parser.index])'") }
        self = expression
    }

    /// Every license identifier in it, as written.
    public var licenses: [String] {
        switch self {
        case .license(let id, _): [id]
        case .with(let inner, _): inner.licenses
        case .and(let parts), .or(let parts): parts.flatMap(\.licenses)
        }
    }

    /// Canonical text: operators upper-case, parentheses only where needed.
    public var description: String {
        switch self {
        case let .license(id, orLater): id + (orLater ? "+" : "")
        case let .with(inner, exception): "\(inner) WITH \(exception)"
        case .and(let parts): parts.map { if case .or = $0 { "(\($0))" } else { $0.description } }.joined(separator: " AND ")
        case .or(let parts): parts.map(\.description).joined(separator: " OR ")
        }
    }

    /// Whether both name the same licenses in the same way: identifiers compared without case,
    /// the operands of `AND` and `OR` in any order (`MIT OR Apache-2.0` is `Apache-2.0 OR MIT`).
    public func same(as other: SPDXExpression) -> Bool { sortedText == other.sortedText }

    /// Lower-case canonical text with each `AND`'s and `OR`'s operands sorted.
    private var sortedText: String {
        switch self {
        case let .license(id, orLater): id.lowercased() + (orLater ? "+" : "")
        case let .with(inner, exception): "\(inner.sortedText) with \(exception.lowercased())"
        case .and(let parts): "(" + parts.map(\.sortedText).sorted().joined(separator: " and ") + ")"
        case .or(let parts): "(" + parts.map(\.sortedText).sorted().joined(separator: " or ") + ")"
        }
    }

    static func tokens(_ text: String) throws(ParseError) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character == "(" || character == ")" || character.isWhitespace {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                if !character.isWhitespace { tokens.append(String(character)) }
            } else if character.isASCII && (character.isLetter || character.isNumber || "-.:+".contains(character)) {
                current.append(character)
            } else {
                throw ParseError(description: "'\(character)' is not part of an SPDX expression")
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    struct Parser {
        let tokens: [String]
        var index = 0

        func peek(_ word: String) -> Bool { index < tokens.count && tokens[index].uppercased() == word }

        mutating func expression(depth: Int) throws(ParseError) -> SPDXExpression {
            var parts = [try conjunction(depth: depth)]
            while peek("OR") {
                index += 1
                parts.append(try conjunction(depth: depth))
            }
            return parts.count == 1 ? parts[0] : .or(parts)
        }

        mutating func conjunction(depth: Int) throws(ParseError) -> SPDXExpression {
            var parts = [try exception(depth: depth)]
            while peek("AND") {
                index += 1
                parts.append(try exception(depth: depth))
            }
            return parts.count == 1 ? parts[0] : .and(parts)
        }

        mutating func exception(depth: Int) throws(ParseError) -> SPDXExpression {
            let inner = try primary(depth: depth)
            guard peek("WITH") else { return inner }
            // SPDX puts an exception on one license only: `(A OR B) WITH X` would print back as
            // something else.
            guard case .license = inner else { throw ParseError(description: "WITH follows a license identifier, not an expression") }
            index += 1
            guard index < tokens.count, Self.isIdentifier(tokens[index]) else { throw ParseError(description: "WITH needs an exception identifier") }
            index += 1
            return .with(inner, exception: tokens[index - 1])
        }

        mutating func primary(depth: Int) throws(ParseError) -> SPDXExpression {
            guard index < tokens.count else { throw ParseError(description: "ends where a license identifier is expected") }
            let token = tokens[index]
            index += 1
            if token == "(" {
                guard depth < SPDXExpression.maximumDepth else { throw ParseError(description: "nested deeper than \(SPDXExpression.maximumDepth) parentheses") }
                let inner = try expression(depth: depth + 1)
                guard index < tokens.count, tokens[index] == ")" else { throw ParseError(description: "a '(' is not closed") }
                index += 1
                return inner
            }
            let orLater = token.hasSuffix("+")
            let id = orLater ? String(token.dropLast()) : token
            guard Self.isIdentifier(id), !["AND", "OR", "WITH"].contains(id.uppercased()) else {
                throw ParseError(description: "'\(token)' is not a license identifier")
            }
            return .license(id, orLater: orLater)
        }

        /// Letters, digits, `-` and `.`, with `LicenseRef-`/`DocumentRef-…:` references.
        static func isIdentifier(_ token: String) -> Bool {
            !token.isEmpty && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-.:".contains($0)) }
                && token.first != "-" && token.filter { $0 == ":" }.count <= 1
        }
    }
}
