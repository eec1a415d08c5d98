import PythonPackaging

/// A search box's text as the catalog's full-text engines take it: its words (letters, marks and
/// digits, scalar by scalar, lower-cased; at most `maximumTerms` of at most `maximumTermLength` characters), all
/// required, the last matched as a prefix. Nothing of the text reaches a query but those words, so no
/// input is query syntax.
public struct SearchQuery: Sendable, Equatable {
    public static let maximumTerms = 8
    public static let maximumTermLength = 64

    public let terms: [String]
    /// The whole text as a project name (PEP 503): an exact name ranks first.
    public let name: String

    public init(_ text: String) {
        // Scalar by scalar: a character is judged by its first scalar alone, and a few letters
        // (U+0D4E) join with the `"` or `|` after them into one character.
        var terms: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if Self.isWordScalar(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                terms.append(String(current).lowercased())
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { terms.append(String(current).lowercased()) }
        self.terms = Array(terms.filter { $0.count <= Self.maximumTermLength }.prefix(Self.maximumTerms))
        name = ProjectName.normalize(String(text.prefix(200)))
    }

    public var isEmpty: Bool { terms.isEmpty }

    /// Letters, marks and digits: nothing any engine's query syntax is made of.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    /// FTS5's form: `"word" AND "other"*` (words hold no quote): whole words, but the last one,
    /// which may still be being typed (a prefix reads every word it begins).
    var fts5: String { terms.enumerated().map { "\"\($1)\"" + ($0 == terms.count - 1 ? "*" : "") }.joined(separator: " AND ") }

    /// PostgreSQL's `to_tsquery` form: `word & other:*`.
    var tsquery: String { terms.enumerated().map { $1 + ($0 == terms.count - 1 ? ":*" : "") }.joined(separator: " & ") }
}

/// What a search found: its hits, and whether more than `Catalog.maximumRanked(_:)` projects
/// matched in names, summaries or keywords (then the newest of them are shown, not the most
/// relevant).
public struct SearchResults: Sendable, Equatable {
    public let hits: [SearchHit]
    public let broad: Bool
}

/// A project found by a search, in an index: its newest version, summary and a piece of its
/// description, each with the matched words between `SearchHit.markStart` and `markEnd`
/// (`SearchMarks`).
public struct SearchHit: Sendable, Equatable {
    public static let markStart: Character = "\u{1}"
    public static let markEnd: Character = "\u{2}"

    public let project: String
    public let index: IndexID
    public let version: String
    public let summary, snippet: String
}
