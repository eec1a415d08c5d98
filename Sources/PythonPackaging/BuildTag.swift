/// A wheel's build tag (`1`, `2b`): rebuilds of one version sort by it, number first.
public struct BuildTag: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let number: UInt64
    /// Whatever follows the leading digits; compared as a string when the numbers tie.
    public let suffix: String

    public init(number: UInt64, suffix: String = "") { (self.number, self.suffix) = (number, suffix) }

    /// PEP 427: one or more ASCII digits, then anything up to the end (but a newline).
    public init(_ text: some StringProtocol) throws(PackagingError) {
        let string = String(text)
        let digits = string.utf8.prefix { isDigit($0) }
        guard !digits.isEmpty, let number = UInt64(String(decoding: digits, as: UTF8.self)),
              !string.contains("\n") else {
            throw .invalidWheelFilename(string, reason: "a build tag starts with a number (1, 2, 20240101)")
        }
        self.init(number: number, suffix: String(string.dropFirst(digits.count)))
    }

    public var description: String { "\(number)\(suffix)" }

    public static func < (lhs: BuildTag, rhs: BuildTag) -> Bool {
        (lhs.number, lhs.suffix) < (rhs.number, rhs.suffix)
    }
}
