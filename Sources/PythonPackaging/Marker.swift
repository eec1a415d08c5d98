/// A PEP 508 environment marker (`python_version >= "3.8" and extra == "socks"`), parsed as
/// `packaging.markers.Marker` parses it and evaluated as it evaluates: `and` binds tighter than
/// `or`, every comparison is evaluated (an undefined one is an error even where the result is
/// already known), version variables compare as PEP 440 specifiers, others as strings.
public struct Marker: Sendable, Hashable, CustomStringConvertible {
    public enum Operand: Sendable, Hashable {
        case variable(String)
        case value(String)
    }

    /// One `left op right`, or a parenthesized expression.
    public indirect enum Term: Sendable, Hashable {
        case comparison(Operand, String, Operand)
        case group(Marker)
    }

    /// Terms joined by `and`, the groups joined by `or`.
    public let alternatives: [[Term]]

    /// Parenthesized groups deeper than this are refused (packaging's and CPython's limit).
    static let maximumNesting = 200

    static let versionVariables: Set<String> = ["implementation_version", "platform_release", "python_full_version", "python_version"]
    static let setVariables: Set<String> = ["extras", "dependency_groups"]

    public init(_ text: String) throws(PackagingError) {
        var scanner = DependencyScanner(text)
        self = try Self.parse(&scanner, depth: 0, source: text)
        guard scanner.atEnd else { throw .invalidMarker(text, reason: "expected 'and', 'or' or the end at '\(scanner.rest)'") }
    }

    init(alternatives: [[Term]]) {
        self.alternatives = alternatives
    }

    /// `marker = atom (('and' | 'or') atom)*`, leaving the scanner after the last atom.
    static func parse(_ scanner: inout DependencyScanner, depth: Int, source: String) throws(PackagingError) -> Marker {
        var alternatives: [[Term]] = [[try atom(&scanner, depth: depth, source: source)]]
        while true {
            if scanner.takeWord("and") {
                alternatives[alternatives.count - 1].append(try atom(&scanner, depth: depth, source: source))
            } else if scanner.takeWord("or") {
                alternatives.append([try atom(&scanner, depth: depth, source: source)])
            } else {
                return Marker(alternatives: alternatives)
            }
        }
    }

    private static func atom(_ scanner: inout DependencyScanner, depth: Int, source: String) throws(PackagingError) -> Term {
        scanner.skipSpaces()
        let term: Term
        if scanner.take("(") {
            guard depth < maximumNesting else { throw .invalidMarker(source, reason: "parentheses nested more than \(maximumNesting) levels deep") }
            let inner = try parse(&scanner, depth: depth + 1, source: source)
            guard scanner.take(")") else { throw .invalidMarker(source, reason: "expected ')' to close the marker expression at '\(scanner.rest)'") }
            term = .group(inner)
        } else {
            let left = try operand(&scanner, source: source)
            scanner.skipSpaces()
            let op = try comparison(&scanner, source: source)
            scanner.skipSpaces()
            let right = try operand(&scanner, source: source)
            term = .comparison(left, op, right).normalizingExtras
        }
        scanner.skipSpaces()
        return term
    }

    private static let variableSpellings: [(String, String)] = [
        ("python_version", "python_version"), ("python_full_version", "python_full_version"),
        ("os.name", "os_name"), ("os_name", "os_name"), ("sys.platform", "sys_platform"), ("sys_platform", "sys_platform"),
        ("platform_release", "platform_release"), ("platform_system", "platform_system"),
        ("platform.version", "platform_version"), ("platform_version", "platform_version"),
        ("platform.machine", "platform_machine"), ("platform_machine", "platform_machine"),
        ("platform.python_implementation", "platform_python_implementation"),
        ("platform_python_implementation", "platform_python_implementation"),
        ("python_implementation", "platform_python_implementation"),
        ("implementation_name", "implementation_name"), ("implementation_version", "implementation_version"),
        ("extras", "extras"), ("extra", "extra"), ("dependency_groups", "dependency_groups"),
    ]

    private static func operand(_ scanner: inout DependencyScanner, source: String) throws(PackagingError) -> Operand {
        let start = scanner.position
        for (spelling, name) in variableSpellings where scanner.takeWord(spelling) {
            return .variable(name)
        }
        scanner.position = start
        if let value = scanner.takeQuoted() {
            guard !value.unicodeScalars.contains("\\") else {
                throw .invalidMarker(source, reason: "a backslash in the string \(value): escapes are not accepted here; write the character itself")
            }
            // What ends a Python string literal's line, or cannot be in source at all.
            guard !value.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) else {
                throw .invalidMarker(source, reason: "a line break or NUL inside a quoted string")
            }
            return .value(value)
        }
        throw .invalidMarker(source, reason: "expected a marker variable (python_version, sys_platform, extra, …) or a quoted string at '\(scanner.rest)'")
    }

    private static func comparison(_ scanner: inout DependencyScanner, source: String) throws(PackagingError) -> String {
        if scanner.takeWord("in") { return "in" }
        if scanner.takeWord("not") {
            let beforeSpace = scanner.position
            scanner.skipSpaces()
            guard scanner.position > beforeSpace, scanner.takeWord("in") else {
                throw .invalidMarker(source, reason: "expected 'in' after 'not'")
            }
            return "not in"
        }
        for op in ["===", "==", "~=", "!=", "<=", ">=", "<", ">"] where scanner.take(op) {
            return op
        }
        throw .invalidMarker(source, reason: "expected a marker operator (<=, <, !=, ==, >=, >, ~=, ===, in, not in) at '\(scanner.rest)'")
    }

    // MARK: Evaluation

    /// True when the environment satisfies the marker; an undefined comparison (`~=` on a
    /// string, `<` on a set of extras, a variable the environment lacks) is an error.
    public func evaluate(in environment: MarkerEnvironment) throws(PackagingError) -> Bool {
        var result = false
        for terms in alternatives {
            var all = true
            for term in terms where try !Self.evaluate(term, environment) { all = false }
            if all { result = true }
        }
        return result
    }

    private static func evaluate(_ term: Term, _ environment: MarkerEnvironment) throws(PackagingError) -> Bool {
        switch term {
        case .group(let marker):
            return try marker.evaluate(in: environment)
        case let .comparison(.variable(name), op, right):
            let rightText = switch right { case .variable(let text), .value(let text): text }
            if name == "extra" { return try extra(environment.extras, op, rightText, extraOnLeft: true) }
            if setVariables.contains(name) {
                throw .undefinedMarkerComparison("\(name) is a set: use \"NAME\" in \(name)")
            }
            return try compare(try environment.value(of: name), op, rightText, key: name)
        case let .comparison(.value(left), op, .variable(name)):
            if name == "extra" { return try extra(environment.extras, op, left, extraOnLeft: false) }
            if setVariables.contains(name) {
                let members = try environment.set(of: name)
                // A string is never equal to a set, nor ordered against one.
                switch op {
                case "in": return members.contains(ProjectName.normalize(left))
                case "not in": return !members.contains(ProjectName.normalize(left))
                case "!=": return true
                case "==", "<=", ">=", "<", ">": return false
                default: throw .undefinedMarkerComparison("'\(op)' on the set \(name)")
                }
            }
            return try compare(left, op, try environment.value(of: name), key: name)
        case let .comparison(.value(_), _, .value(right)):
            // packaging reads the right-hand string as the name of a variable.
            throw .undefinedMarkerComparison("the environment has no variable '\(right)'")
        }
    }

    /// `extra` against the selected extras: with some selected, equality is membership and other
    /// comparisons are undefined; with none, `extra` is the empty string and compares as one.
    private static func extra(_ selected: Set<String>, _ op: String, _ literal: String, extraOnLeft: Bool) throws(PackagingError) -> Bool {
        guard !selected.isEmpty else {
            return extraOnLeft ? try compare("", op, literal, key: "extra") : try compare(literal, op, "", key: "extra")
        }
        switch op {
        case "==": return selected.contains(literal)
        case "!=": return !selected.contains(literal)
        default: throw .undefinedMarkerComparison("'\(op)' on the selected extras")
        }
    }

    /// Strings compare as Python compares them: scalar by scalar (Swift's `==` would equate
    /// canonically equivalent spellings).
    private static func compare(_ left: String, _ op: String, _ right: String, key: String) throws(PackagingError) -> Bool {
        if versionVariables.contains(key), let specifier = try? Specifier(op + right) {
            if specifier.op == .arbitrary { return same(left.lowercased(), right.lowercased()) }
            return (try? Version(left)).map { specifier.contains($0, prereleases: true) } ?? false
        }
        switch op {
        case "in": return contains(right, left)
        case "not in": return !contains(right, left)
        case "==", "<=", ">=": return same(left, right)
        case "!=": return !same(left, right)
        case "<", ">": return false
        default: throw .undefinedMarkerComparison("'\(op)' between '\(left)' and '\(right)'")
        }
    }

    private static func same(_ a: String, _ b: String) -> Bool { a.unicodeScalars.elementsEqual(b.unicodeScalars) }

    private static func contains(_ text: String, _ part: String) -> Bool {
        let haystack = Array(text.unicodeScalars), needle = Array(part.unicodeScalars)
        guard needle.count <= haystack.count else { return false }
        if needle.isEmpty { return true }
        return (0...(haystack.count - needle.count)).contains { start in haystack[start..<start + needle.count].elementsEqual(needle) }
    }

    // MARK: Text

    /// packaging's form: variables bare, values in double quotes, groups in parentheses.
    public var description: String { Self.format(self, top: true) }

    /// A marker of one term prints as that term (a group keeps the caller's level), as packaging
    /// unwraps a single-element list; otherwise nested levels get parentheses.
    private static func format(_ marker: Marker, top: Bool) -> String {
        if marker.alternatives.count == 1, marker.alternatives[0].count == 1 {
            switch marker.alternatives[0][0] {
            case .group(let inner): return format(inner, top: top)
            case let .comparison(left, op, right): return "\(format(left)) \(op) \(format(right))"
            }
        }
        let text = marker.alternatives.map { terms in
            terms.map { term in
                switch term {
                case .group(let inner): format(inner, top: false)
                case let .comparison(left, op, right): "\(format(left)) \(op) \(format(right))"
                }
            }.joined(separator: " and ")
        }.joined(separator: " or ")
        return top ? text : "(\(text))"
    }

    private static func format(_ operand: Operand) -> String {
        switch operand {
        case .variable(let name): name
        case .value(let value): value.contains("\"") ? "'\(value)'" : "\"\(value)\""
        }
    }
}

extension Marker.Term {
    /// PEP 685: the literal compared with `extra` (or tested for membership in `extras` or
    /// `dependency_groups`) is normalized like a project name.
    var normalizingExtras: Marker.Term {
        switch self {
        case let .comparison(.variable("extra"), op, .value(value)):
            .comparison(.variable("extra"), op, .value(ProjectName.normalize(value)))
        case let .comparison(.value(value), op, .variable(name)) where name == "extra" || Marker.setVariables.contains(name):
            .comparison(.value(ProjectName.normalize(value)), op, .variable(name))
        default: self
        }
    }
}
