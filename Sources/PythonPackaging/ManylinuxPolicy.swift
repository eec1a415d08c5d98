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
