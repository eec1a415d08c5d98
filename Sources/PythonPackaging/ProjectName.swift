/// A project name and its PEP 503 normalized form (`Zope.Interface` → `zope-interface`).
public struct ProjectName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The name as written.
    public let original: String
    /// Lower-cased, every run of `-`, `_` and `.` made one `-`: the key indices and whitelists compare by.
    public let normalized: String

    /// Accepts only names valid as core metadata `Name` (ASCII letters and digits at both ends,
    /// `.`, `-`, `_` between).
    public init(_ name: some StringProtocol) throws(PackagingError) {
        let text = String(name)
        guard Self.isValid(text) else { throw .invalidName(text) }
        self.original = text
        self.normalized = Self.normalize(text)
    }

    public var description: String { original }

    public static func == (lhs: ProjectName, rhs: ProjectName) -> Bool { lhs.normalized == rhs.normalized }
    public func hash(into hasher: inout Hasher) { hasher.combine(normalized) }
    public static func < (lhs: ProjectName, rhs: ProjectName) -> Bool { lhs.normalized < rhs.normalized }

    /// PEP 503: `re.sub(r"[-_.]+", "-", name).lower()`, for any string (valid or not).
    public static func normalize(_ name: some StringProtocol) -> String {
        // Most names arrive normalized (every simple-page request): one pass over the bytes.
        if isNormalized(name.utf8) { return String(name) }
        var result = String.UnicodeScalarView()
        var previousWasSeparator = false
        for scalar in String(name).lowercased().unicodeScalars {
            if scalar == "-" || scalar == "_" || scalar == "." {
                if !previousWasSeparator { result.append("-") }
                previousWasSeparator = true
            } else {
                result.append(scalar)
                previousWasSeparator = false
            }
        }
        return String(result)
    }

    /// Lower-case ASCII letters and digits with single `-` between them: what `normalize` gives.
    private static func isNormalized(_ bytes: some Collection<UInt8>) -> Bool {
        var previousWasSeparator = true
        for byte in bytes {
            if byte == UInt8(ascii: "-") {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else if (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) {
                previousWasSeparator = false
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }

    /// The core metadata rule: `^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`, case-insensitive, ASCII.
    public static func isValid(_ name: some StringProtocol) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last,
              isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || isSeparator($0) }
    }

    /// The form wheel and PEP 625 sdist filenames use: normalized, with `_` for `-`.
    public var filenameComponent: String { normalized.replacingAll("-", with: "_") }
}

extension String {
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
