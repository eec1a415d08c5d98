/// A one-pass, non-backtracking reader of PEP 440's version grammar.
///
/// `packaging` 26 writes the grammar as a regular expression with possessive quantifiers
/// (each optional part, once it matched, is never given back); reading left to right and
/// committing to each part as soon as it matches accepts exactly the same language.
struct VersionScanner {
    /// What a specifier allows after the release segment.
    struct Options {
        var allowWildcard = false
        var allowLocal = true
        var minimumReleaseCount = 1

        static let version = Options()
    }

    /// A version read from a string; `isWildcard` when it ended in `.*`.
    struct Scanned {
        var version: Version
        var isWildcard: Bool
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var overflowed = false

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses a whole version string, surrounding whitespace allowed. Nil when the grammar
    /// does not match; a failure when it matches but a number does not fit.
    static func parseVersion(_ text: String) -> Result<Version, PackagingError>? {
        scan(text, options: .version).map { $0.map(\.version) }
    }

    static func scan(_ text: String, options: Options) -> Result<Scanned, PackagingError>? {
        var trimmed = PythonWhitespace.trimmed(text)
        return trimmed.withUTF8 { buffer in
            var scanner = VersionScanner(bytes: buffer)
            guard let scanned = scanner.readVersion(options), scanner.position == buffer.count else {
                return nil
            }
            if scanner.overflowed { return .failure(.numberTooLarge(text)) }
            return .success(scanned)
        }
    }

    // MARK: Grammar

    private mutating func readVersion(_ options: Options) -> Scanned? {
        if let byte = peek(), byte | 0x20 == UInt8(ascii: "v") { position += 1 }

        var epoch: UInt64 = 0
        let beforeEpoch = position
        if let number = readNumber() {
            if peek() == UInt8(ascii: "!") {
                position += 1
                epoch = number
            } else {
                position = beforeEpoch
            }
        }

        guard let first = readNumber() else { return nil }
        var release = ReleaseNumbers()
        release.append(first)
        while peek() == UInt8(ascii: "."), isDigit(peek(offset: 1)) {
            position += 1
            release.append(readNumber()!)
        }
        guard release.count >= options.minimumReleaseCount else { return nil }

        if options.allowWildcard, peek() == UInt8(ascii: "."), peek(offset: 1) == UInt8(ascii: "*") {
            position += 2
            let version = Version(epoch: epoch, releaseNumbers: release, pre: nil, post: nil, dev: nil, local: nil)
            return Scanned(version: version, isWildcard: true)
        }

        let pre = readPreRelease()
        let post = readPostRelease()
        let dev = readDevRelease()
        let local = options.allowLocal ? readLocal() : nil
        let version = Version(epoch: epoch, releaseNumbers: release, pre: pre, post: post, dev: dev, local: local)
        return Scanned(version: version, isWildcard: false)
    }

    /// The pre-release words in the order the grammar tries them (a longer word before its prefix).
    private static let preReleaseWords: [(word: [UInt8], kind: Version.PreRelease.Kind)] = [
        (Array("alpha".utf8), .alpha), (Array("a".utf8), .alpha), (Array("beta".utf8), .beta), (Array("b".utf8), .beta),
        (Array("preview".utf8), .releaseCandidate), (Array("pre".utf8), .releaseCandidate),
        (Array("c".utf8), .releaseCandidate), (Array("rc".utf8), .releaseCandidate),
    ]
    private static let postReleaseWords = [Array("post".utf8), Array("rev".utf8), Array("r".utf8)]
    private static let devWord = Array("dev".utf8)

    private mutating func readPreRelease() -> Version.PreRelease? {
        let start = position
        skipSeparator()
        // Every word starts with a, b, c, p or r: anything else ends the search at once.
        guard let byte = peek(), isLetter(byte) else {
            position = start
            return nil
        }
        var kind: Version.PreRelease.Kind?
        for candidate in Self.preReleaseWords where readWord(candidate.word) {
            kind = candidate.kind
            break
        }
        guard let kind else {
            position = start
            return nil
        }
        skipSeparator()
        return Version.PreRelease(kind, readNumber() ?? 0)
    }

    private mutating func readPostRelease() -> UInt64? {
        let start = position
        if peek() == UInt8(ascii: "-"), isDigit(peek(offset: 1)) {
            position += 1
            return readNumber()
        }
        skipSeparator()
        guard Self.postReleaseWords.contains(where: { readWord($0) }) else {
            position = start
            return nil
        }
        skipSeparator()
        return readNumber() ?? 0
    }

    private mutating func readDevRelease() -> UInt64? {
        let start = position
        skipSeparator()
        guard readWord(Self.devWord) else {
            position = start
            return nil
        }
        skipSeparator()
        return readNumber() ?? 0
    }

    private mutating func readLocal() -> [Version.LocalSegment]? {
        guard peek() == UInt8(ascii: "+"), isAlphanumeric(peek(offset: 1)) else { return nil }
        position += 1
        var segments = [readLocalSegment()]
        while isSeparator(peek()), isAlphanumeric(peek(offset: 1)) {
            position += 1
            segments.append(readLocalSegment())
        }
        return segments
    }

    private mutating func readLocalSegment() -> Version.LocalSegment {
        let start = position
        var allDigits = true
        while let byte = peek(), isAlphanumeric(byte) {
            if !isDigit(byte) { allDigits = false }
            position += 1
        }
        if allDigits {
            position = start
            return .number(readNumber()!)
        }
        let lowered = bytes[start..<position].map { isDigit($0) ? $0 : $0 | 0x20 }
        return .string(String(decoding: lowered, as: UTF8.self))
    }

    // MARK: Characters

    private func peek(offset: Int = 0) -> UInt8? {
        let index = position + offset
        return index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipSeparator() {
        if isSeparator(peek()) { position += 1 }
    }

    /// Reads `word` case-insensitively (it is lower-case ASCII letters).
    private mutating func readWord(_ word: [UInt8]) -> Bool {
        var index = position
        for expected in word {
            guard index < bytes.count, bytes[index] | 0x20 == expected, isLetter(bytes[index]) else {
                return false
            }
            index += 1
        }
        position = index
        return true
    }

    /// Reads one or more ASCII digits; records an overflow instead of wrapping.
    private mutating func readNumber() -> UInt64? {
        guard isDigit(peek()) else { return nil }
        var value: UInt64 = 0
        while let byte = peek(), isDigit(byte) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if o1 || o2 { overflowed = true }
            value = sum
            position += 1
        }
        return value
    }
}

@inline(__always) func isDigit(_ byte: UInt8?) -> Bool {
    guard let byte else { return false }
    return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

@inline(__always) func isLetter(_ byte: UInt8) -> Bool {
    let lower = byte | 0x20
    return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
}

@inline(__always) func isAlphanumeric(_ byte: UInt8?) -> Bool {
    guard let byte else { return false }
    return isDigit(byte) || isLetter(byte)
}

@inline(__always) func isSeparator(_ byte: UInt8?) -> Bool {
    byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
}

/// The characters Python's `str.isspace()` and `re`'s `\s` accept, which `packaging` strips.
enum PythonWhitespace {
    static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A,
             0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    static func trimmed(_ text: String) -> String {
        // Fast path: starts and ends with printable ASCII, nothing to trim.
        if let first = text.utf8.first, let last = text.utf8.last,
           first > 0x20 && first < 0x7F && last > 0x20 && last < 0x7F {
            return text
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !contains($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }
}
