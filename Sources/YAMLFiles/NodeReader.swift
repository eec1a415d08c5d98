import Yams

/// Reads typed values out of a YAML node tree and records a diagnostic, with the node's
/// position, for every value of the wrong shape.
///
/// Scalars are taken exactly as written, never resolved by YAML's type rules: `3.10` stays
/// the string "3.10" (not the float 3.1) and `no` stays "no" (not false).
package struct NodeReader {
    package let file: String
    package var log = DiagnosticLog()

    package init(file: String) {
        self.file = file
    }

    /// One `key: value` pair with both nodes, for positions.
    package struct Pair {
        package let key: String
        package let keyNode: Node
        package let value: Node
    }

    package func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    package static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    package static func describe(_ node: Node) -> String {
        switch node {
        case .scalar: isNull(node) ? "nothing" : "a single value"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .alias: "an alias"
        }
    }

    /// The pairs of a mapping whose keys are plain strings; `allowed` keys are checked, and an
    /// unknown key gets an error with the closest allowed one as a suggestion.
    package mutating func mapping(_ node: Node, _ what: String, allowed: [String]) -> [Pair]? {
        guard case .mapping(let mapping) = node else {
            log.error(location(node), "expected \(what) (a mapping of keys to values), found \(Self.describe(node))")
            return nil
        }
        var pairs: [Pair] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                log.error(location(keyNode), "a key in \(what) must be a plain word, found \(Self.describe(keyNode))")
                continue
            }
            guard allowed.contains(key.string) else {
                log.error(location(keyNode), "unknown key '\(key.string)' in \(what)\(Suggestion.didYouMean(key.string, among: allowed)); allowed keys: \(allowed.joined(separator: ", "))")
                continue
            }
            pairs.append(Pair(key: key.string, keyNode: keyNode, value: value))
        }
        return pairs
    }

    /// A non-empty scalar, as written.
    package mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node, !Self.isNull(node) else {
            log.error(location(node), "expected \(what), found \(Self.describe(node))")
            return nil
        }
        return scalar.string
    }

    /// A list of scalars, each with its node. A single scalar is refused: lists are written as lists.
    package mutating func strings(_ node: Node, _ what: String) -> [(value: String, node: Node)]? {
        guard case .sequence(let sequence) = node else {
            log.error(location(node), "expected a list of \(what) ([a, b] or one '- item' per line), found \(Self.describe(node))")
            return nil
        }
        return sequence.compactMap { item in string(item, "one of the \(what)").map { ($0, item) } }
    }

    /// A whole number in `range`.
    package mutating func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, what) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            log.error(location(node), "expected \(what): a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
            return nil
        }
        return value
    }

    /// A mapping of names to scalar values, in file order.
    package mutating func stringPairs(_ node: Node, _ what: String) -> [(key: String, value: String, node: Node)]? {
        guard case .mapping(let mapping) = node else {
            log.error(location(node), "expected \(what) as a mapping (NAME: value), found \(Self.describe(node))")
            return nil
        }
        var result: [(key: String, value: String, node: Node)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = string(keyNode, "a name in \(what)") else { continue }
            guard case .scalar(let value) = valueNode else {
                log.error(location(valueNode), "expected a single value for '\(key)' in \(what), found \(Self.describe(valueNode))")
                continue
            }
            result.append((key, value.string, keyNode))
        }
        return result
    }
}
