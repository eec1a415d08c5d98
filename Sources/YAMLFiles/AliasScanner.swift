/// Finds a YAML alias (`*name`) before the text reaches the YAML library.
///
/// An alias bomb ("billion laughs") is cheap to parse but exponential to walk or hash, and the
/// YAML library hashes mapping keys while it composes. Whitelists never need aliases, so any
/// alias is refused up front. This is a small lexer of YAML's node positions: it skips quoted
/// scalars, comments and block scalars, and reports a `*` only where a node may begin.
package enum AliasScanner {
    package static func firstAlias(in text: String) -> (line: Int, column: Int)? {
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        var state = State()
        for (number, line) in lines.enumerated() {
            if let column = state.scan(Array(line.unicodeScalars)) {
                return (number + 1, column)
            }
        }
        return nil
    }

    private struct State {
        var quote: Unicode.Scalar?
        var flowDepth = 0
        /// While inside a block scalar (`|` or `>`), lines indented deeper than this are content.
        var blockIndent: Int?
        var pendingBlockIndent: Int?

        /// Scans one line; returns the 1-based column of an alias, if one starts here.
        mutating func scan(_ line: [Unicode.Scalar]) -> Int? {
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let blank = indent == line.count || line[indent] == "\r"
            if let blockIndent {
                if blank || indent > blockIndent { return nil }
                self.blockIndent = nil
            }
            if let pending = pendingBlockIndent {
                pendingBlockIndent = nil
                if !blank && indent > pending {
                    blockIndent = pending
                    return nil
                }
            }
            var index = indent
            var nodeStart = quote == nil
            while index < line.count {
                let scalar = line[index]
                let next: Unicode.Scalar? = index + 1 < line.count ? line[index + 1] : nil
                if let open = quote {
                    if scalar == "\\" && open == "\"" {
                        index += 2
                        continue
                    }
                    if scalar == open {
                        if open == "'" && next == "'" {
                            index += 2
                            continue
                        }
                        quote = nil
                    }
                    index += 1
                    continue
                }
                let spaceAfter = next == nil || next == " " || next == "\t" || next == "\r"
                let afterSpace = index == 0 || line[index - 1] == " " || line[index - 1] == "\t"
                if scalar == " " || scalar == "\t" || scalar == "\r" {
                    // Whitespace changes nothing.
                } else if scalar == "#" && afterSpace {
                    return nil
                } else if scalar == "*" && nodeStart && !spaceAfter {
                    return index + 1
                } else if (scalar == "\"" || scalar == "'") && nodeStart {
                    quote = scalar
                    nodeStart = false
                } else if (scalar == "|" || scalar == ">") && nodeStart {
                    pendingBlockIndent = indent
                    nodeStart = false
                } else if (scalar == "-" || scalar == "?") && nodeStart && spaceAfter {
                    // A sequence entry or a complex key: a node follows.
                } else if scalar == ":" && (spaceAfter || (flowDepth > 0 && [",", "]", "}"].contains(next))) {
                    nodeStart = true
                } else if (scalar == "[" || scalar == "{") && (nodeStart || flowDepth > 0) {
                    flowDepth += 1
                    nodeStart = true
                } else if (scalar == "]" || scalar == "}") && flowDepth > 0 {
                    flowDepth -= 1
                    nodeStart = false
                } else if scalar == "," && flowDepth > 0 {
                    nodeStart = true
                } else if (scalar == "&" || scalar == "!") && nodeStart {
                    // An anchor or tag: skip its name; the node itself follows.
                    while index + 1 < line.count, line[index + 1] != " " && line[index + 1] != "\t" {
                        index += 1
                    }
                } else {
                    nodeStart = false
                }
                index += 1
            }
            return nil
        }
    }
}
