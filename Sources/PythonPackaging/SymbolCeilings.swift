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
        (self.glibc, self.glibcxx, self.cxxabi, self.gcc, self.otherVersionNames) = (glibc, glibcxx, cxxabi, gcc, otherVersionNames)
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
