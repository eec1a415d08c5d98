/// A dotted symbol version such as `2.17` of `GLIBC_2.17`, ordered numerically.
public struct SymbolVersion: Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral {
    public let components: [Int]

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        components = parts.map { $0! }
    }

    public init(stringLiteral value: String) {
        guard let version = SymbolVersion(value) else { preconditionFailure("not a symbol version: \(value)") }
        self = version
    }

    public var description: String { components.map(String.init).joined(separator: ".") }

    public static func < (lhs: SymbolVersion, rhs: SymbolVersion) -> Bool {
        for (a, b) in zip(lhs.components, rhs.components) where a != b { return a < b }
        return lhs.components.count < rhs.components.count
    }
}
