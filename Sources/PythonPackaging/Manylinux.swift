/// A PEP 600 platform tag, `manylinux_X_Y_ARCH`, also read from its legacy aliases
/// `manylinux1_*` (2.5), `manylinux2010_*` (2.12) and `manylinux2014_*` (2.17).
public struct ManylinuxTag: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let glibcMajor: Int
    public let glibcMinor: Int
    public let architecture: String

    public init(glibcMajor: Int = 2, glibcMinor: Int, architecture: String) {
        self.glibcMajor = glibcMajor
        self.glibcMinor = glibcMinor
        self.architecture = architecture
    }

    static let legacyAliases: [(alias: String, minor: Int)] = [
        ("manylinux1", 5), ("manylinux2010", 12), ("manylinux2014", 17),
    ]

    public init(_ tag: some StringProtocol) throws(PackagingError) {
        let text = String(tag)
        for (alias, minor) in Self.legacyAliases where text.hasPrefix(alias + "_") {
            let architecture = String(text.dropFirst(alias.count + 1))
            guard Self.isArchitecture(architecture) else { throw .invalidPlatformTag(text) }
            self.init(glibcMinor: minor, architecture: architecture)
            return
        }
        let parts = text.split(separator: "_", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "manylinux",
              let major = Int(parts[1]), let minor = Int(parts[2]), major >= 0, minor >= 0,
              Self.isArchitecture(parts[3]) else {
            throw .invalidPlatformTag(text)
        }
        self.init(glibcMajor: major, glibcMinor: minor, architecture: String(parts[3]))
    }

    private static func isArchitecture(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") }
    }

    /// The PEP 600 spelling, `manylinux_2_17_x86_64`.
    public var description: String { "manylinux_\(glibcMajor)_\(glibcMinor)_\(architecture)" }

    /// The legacy spelling where one exists (`manylinux2014_x86_64`), for older installers.
    public var legacyAlias: String? {
        guard glibcMajor == 2 else { return nil }
        return Self.legacyAliases.first { $0.minor == glibcMinor }.map { "\($0.alias)_\(architecture)" }
    }

    public static func < (lhs: ManylinuxTag, rhs: ManylinuxTag) -> Bool {
        (lhs.glibcMajor, lhs.glibcMinor, lhs.architecture) < (rhs.glibcMajor, rhs.glibcMinor, rhs.architecture)
    }
}

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

/// The highest symbol version a policy allows from each versioned runtime library on one
/// architecture; nil where the library is not versioned there.
public struct SymbolCeilings: Sendable, Hashable {
    public let glibc: SymbolVersion?
    public let glibcxx: SymbolVersion?
    public let cxxabi: SymbolVersion?
    public let gcc: SymbolVersion?
    /// Non-numeric version names the policy also allows (`GLIBCXX_TM_1`, `CXXABI_FLOAT128`).
    public let otherVersionNames: Set<String>

    public init(
        glibc: SymbolVersion?, glibcxx: SymbolVersion?, cxxabi: SymbolVersion?, gcc: SymbolVersion?,
        otherVersionNames: Set<String>
    ) {
        self.glibc = glibc
        self.glibcxx = glibcxx
        self.cxxabi = cxxabi
        self.gcc = gcc
        self.otherVersionNames = otherVersionNames
    }

    /// Whether a versioned-symbol reference such as `GLIBC_2.14` or `GLIBCXX_3.4.21` is allowed.
    /// Version names of other libraries (`OPENSSL_3.0.0`) are not governed by the policy.
    public func allows(_ versionName: String) -> Bool {
        if otherVersionNames.contains(versionName) { return true }
        let families: [(String, SymbolVersion?)] = [
            ("GLIBCXX_", glibcxx), ("GLIBC_", glibc), ("CXXABI_", cxxabi), ("GCC_", gcc),
        ]
        for (prefix, ceiling) in families where versionName.hasPrefix(prefix) {
            guard let version = SymbolVersion(versionName.dropFirst(prefix.count)) else { return false }
            guard let ceiling else { return false }
            return version <= ceiling
        }
        return true
    }
}

/// What a `manylinux_2_Y` wheel may link against (PEP 600: the libraries of that glibc era).
public struct ManylinuxPolicy: Sendable {
    public let glibcMinor: Int
    public let legacyAlias: String?
    /// The sonames a wheel may need without bundling them (`libc.so.6`, `libstdc++.so.6`, …).
    public let allowedLibraries: Set<String>
    /// Per architecture (`x86_64`, `aarch64`, …).
    public let ceilings: [String: SymbolCeilings]

    public func tag(architecture: String) -> ManylinuxTag {
        ManylinuxTag(glibcMinor: glibcMinor, architecture: architecture)
    }

    /// The oldest policy (widest compatibility) whose rules the given ELF facts satisfy on
    /// `architecture`, or nil when none does (the wheel stays `linux_ARCH`).
    public static func mostCompatible(
        architecture: String,
        neededLibraries: some Collection<String>,
        versionNames: some Collection<String>
    ) -> ManylinuxPolicy? {
        all.first { policy in
            guard let ceilings = policy.ceilings[architecture] else { return false }
            return neededLibraries.allSatisfy(policy.allowedLibraries.contains)
                && versionNames.allSatisfy(ceilings.allows)
        }
    }
}
