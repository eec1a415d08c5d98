/// An sdist's `[build-system]` (PEP 517/518): what must be installed to build it, and the backend.
///
/// Read with a small reader of the TOML that table uses (strings, arrays of strings, comments,
/// multi-line arrays), not a whole TOML parser: nothing else of `pyproject.toml` matters here.
public struct BuildSystem: Sendable, Equatable {
    /// `requires`, each parsed: a string that is not a plain requirement refuses the whole file.
    public let requires: [IndexRequirement]
    public let backend: String?
    /// True when the sdist has no `[build-system]` and the PEP 517 default applies.
    public let isLegacyDefault: Bool

    /// PEP 517's fallback: `setuptools>=40.8.0` and `wheel`, with setuptools' legacy backend.
    public static let legacyDefault = BuildSystem(
        // Constant text that parses.
        requires: try! IndexRequirement.all(["setuptools>=40.8.0", "wheel"]), backend: "setuptools.build_meta:__legacy__", isLegacyDefault: true
    )

    public init(requires: [IndexRequirement], backend: String?, isLegacyDefault: Bool = false) {
        (self.requires, self.backend, self.isLegacyDefault) = (requires, backend, isLegacyDefault)
    }

    /// Reads `pyproject.toml`; no file (nil) or no `[build-system].requires` gives the legacy default.
    public init(pyproject text: String?) throws(PackagingError) {
        guard let text else {
            self = .legacyDefault
            return
        }
        var table = ""
        var requires: [String]?
        var backend: String?
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)[...]
        var number = 0
        while let raw = lines.popFirst() {
            number += 1
            let line = Self.stripComment(raw).trimmed
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                table = line.hasPrefix("[[") ? "" : String(line.dropFirst().prefix { $0 != "]" }).trimmed
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            var key = String(line[..<equals]).trimmed
            var value = String(line[line.index(after: equals)...]).trimmed
            if table.isEmpty && key.hasPrefix("build-system.") {
                key = String(key.dropFirst("build-system.".count))
            } else if table != "build-system" {
                continue
            }
            if value.hasPrefix("[") {
                // Each line's characters are scanned once: an sdist's array may run over a
                // million lines, and rescanning the whole value per line was quadratic.
                var depth = ArrayDepth()
                var closed = depth.feed(value)
                while !closed, let next = lines.popFirst() {
                    number += 1
                    let piece = " " + Self.stripComment(next).trimmed
                    value += piece
                    closed = depth.feed(piece)
                }
            }
            switch key {
            case "requires":
                guard let list = Self.strings(inArray: value) else {
                    throw .invalidMetadata(line: number, reason: "pyproject.toml: build-system.requires is not an array of strings")
                }
                requires = list
            case "build-backend":
                backend = Self.strings(inArray: "[\(value)]")?.first
            default:
                break
            }
        }
        guard let requires else {
            self = .legacyDefault
            return
        }
        self.init(requires: try IndexRequirement.all(requires), backend: backend)
    }

    /// The line without a `#` comment that is outside any string.
    static func stripComment(_ line: String) -> String {
        var quote: Character?
        var result = ""
        for character in line {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                break
            }
            result.append(character)
        }
        return result
    }

    /// The bracket depth of an array read piece by piece, strings skipped.
    struct ArrayDepth {
        private var depth = 0
        private var quote: Character?

        /// Takes the next piece; whether the array is closed after it.
        mutating func feed(_ text: String) -> Bool {
            for character in text {
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "\"" || character == "'" {
                    quote = character
                } else if character == "[" {
                    depth += 1
                } else if character == "]" {
                    depth -= 1
                }
            }
            return depth <= 0
        }
    }

    /// `["a", 'b',]` → ["a", "b"]; nil if anything but strings is inside.
    static func strings(inArray text: String) -> [String]? {
        let inner = text.trimmed
        guard inner.hasPrefix("["), inner.hasSuffix("]") else { return nil }
        var result: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        for character in inner.dropFirst().dropLast() {
            if let open = quote {
                if escaped {
                    current.append(character)
                    escaped = false
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else if character == open {
                    result.append(current)
                    current = ""
                    quote = nil
                } else {
                    current.append(character)
                }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if !(character == "," || character.isWhitespace) {
                return nil
            }
        }
        return quote == nil ? result : nil
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace.
    var trimmed: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
