

/// One PEP 440 version specifier clause (`>=1.2`, `==1.4.*`, `~=2.2.post3`, `===foo`), with
/// the membership rules of `packaging` 26: each operator is a set of versions (an interval or
/// the complement of one), and pre-releases are a separate policy applied by the caller.
public struct Specifier: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case compatible = "~="
        case equal = "=="
        case notEqual = "!="
        case lessThanOrEqual = "<="
        case greaterThanOrEqual = ">="
        case lessThan = "<"
        case greaterThan = ">"
        case arbitrary = "==="
    }

    public let op: Operator
    /// The version part as written, without surrounding whitespace (`1.4.*`, `foo`).
    public let versionText: String
    /// The version it names (the part before `.*` for a wildcard); nil only for `===` with a
    /// string that is not a version.
    public let version: Version?
    public let isWildcard: Bool
    /// `==1.0+abc` matches only that local version; `==1.0` matches every `1.0+…`.
    private let hasLocal: Bool

    public init(_ text: some StringProtocol) throws(PackagingError) {
        let original = String(text)
        let trimmed = PythonWhitespace.trimmed(original)
        guard let op = Self.operatorPrefix(of: trimmed) else {
            throw .invalidSpecifier(original, reason: "expected an operator: ~=, ==, !=, <=, >=, <, > or ===")
        }
        let rest = PythonWhitespace.trimmed(String(trimmed.dropFirst(op.rawValue.count)))
        guard !rest.isEmpty else {
            throw .invalidSpecifier(original, reason: "expected a version after '\(op.rawValue)'")
        }
        self.op = op
        self.versionText = rest
        self.hasLocal = rest.contains("+")

        if op == .arbitrary {
            let forbidden = rest.unicodeScalars.contains {
                PythonWhitespace.contains($0) || $0 == ";" || $0 == ")"
            }
            if forbidden {
                throw .invalidSpecifier(original, reason: "'===' takes one word without spaces, ';' or ')'")
            }
            self.version = try? Version(rest)
            self.isWildcard = false
            return
        }

        var options = VersionScanner.Options()
        switch op {
        case .equal, .notEqual:
            options.allowWildcard = true
        case .compatible:
            options.allowLocal = false
            options.minimumReleaseCount = 2
        default:
            options.allowLocal = false
        }
        switch VersionScanner.scan(rest, options: options) {
        case .success(let scanned)?:
            self.version = scanned.version
            self.isWildcard = scanned.isWildcard
        case .failure(let error)?:
            throw error
        case nil:
            throw .invalidSpecifier(original, reason: Self.grammarHint(for: op))
        }
    }

    private static func operatorPrefix(of text: String) -> Operator? {
        if text.hasPrefix("===") { return .arbitrary }
        for op in [Operator.compatible, .equal, .notEqual, .lessThanOrEqual, .greaterThanOrEqual, .lessThan, .greaterThan]
        where text.hasPrefix(op.rawValue) {
            return op
        }
        return nil
    }

    private static func grammarHint(for op: Operator) -> String {
        switch op {
        case .equal, .notEqual:
            "expected a PEP 440 version, or a release followed by '.*'"
        case .compatible:
            "'~=' needs a version with at least two release numbers (~=2.2), without a local label or '.*'"
        default:
            "'\(op.rawValue)' needs a PEP 440 version without a local label or '.*'"
        }
    }

    public var description: String { op.rawValue + versionText }

    /// Whether naming this specifier opts into pre-releases (`>=1.0a1` does; `!=1.0a1` and
    /// `==1.*` never do); nil for `===` with a string that is not a version.
    public var impliesPrereleases: Bool? {
        switch op {
        case .notEqual: return false
        case .equal where isWildcard: return false
        default: return version?.isPrerelease
        }
    }

    /// Membership. A pre-release is refused only when `prereleases` is `false`: one version on
    /// its own has no final release to prefer (packaging ≥ 26).
    public func contains(_ candidate: Version, prereleases: Bool? = nil) -> Bool {
        if prereleases == false && candidate.isPrerelease { return false }
        return matches(candidate)
    }

    /// The versions this specifier selects, in their given order, with PEP 440's pre-release
    /// rule: pre-releases only when asked for, implied by the specifier, or nothing else matches.
    public func filter(_ versions: some Sequence<Version>, prereleases: Bool? = nil) -> [Version] {
        PrereleasePolicy.filter(versions, prereleases: prereleases ?? (impliesPrereleases == true ? true : nil)) {
            matches($0)
        }
    }

    /// Whether `candidate` lies in the set of versions this operator names, ignoring pre-release policy.
    func matches(_ candidate: Version) -> Bool {
        // `===` compares strings: the candidate's canonical form with the text as written.
        let sameText = { candidate.description.lowercased() == self.versionText.lowercased() }
        guard let version else { return sameText() }
        switch op {
        case .arbitrary:
            return sameText()
        case .greaterThanOrEqual:
            return candidate >= version
        case .lessThanOrEqual:
            return Version.comparePublic(candidate, version) <= 0
        case .lessThan:
            // `<V` keeps out V's own pre-releases unless V is one: the bound is V.dev0.
            let bound = version.isPrerelease ? version : version.replacing(dev: .some(0), local: .some(nil))
            return candidate < bound
        case .greaterThan:
            return Self.isAbove(candidate, version)
        case .compatible:
            let prefix = Array(version.release.dropLast())
            return candidate >= version && candidate < Self.nextPrefixDev0(epoch: version.epoch, release: prefix)
        case .equal, .notEqual:
            let equal: Bool
            if isWildcard {
                let lower = Version(epoch: version.epoch, release: version.release, dev: 0)
                equal = candidate >= lower && candidate < Self.nextPrefixDev0(epoch: version.epoch, release: version.release)
            } else if hasLocal {
                equal = candidate == version
            } else {
                equal = Version.comparePublic(candidate, version) == 0
            }
            return op == .equal ? equal : !equal
        }
    }

    /// `>V` excludes V's local versions and, unless V is itself a post or dev release, V's
    /// post-releases: the first version above V and its family.
    private static func isAbove(_ candidate: Version, _ version: Version) -> Bool {
        if let dev = version.dev {
            return candidate >= version.replacing(dev: .some(saturatingSuccessor(dev)), local: .some(nil))
        }
        if let post = version.post {
            return candidate >= version.replacing(post: .some(saturatingSuccessor(post)), dev: .some(0), local: .some(nil))
        }
        // Compare epoch, release and the pre-release rank only: V.postN and V+local stay below.
        let order = Version.compareRelease(candidate, version)
        if order != 0 { return order > 0 }
        let (a, b) = (candidate.suffix, version.suffix)
        return (a.preRank, a.preNumber) > (b.preRank, b.preNumber)
    }

    /// The smallest version of the next prefix: `1.2` gives `1.3.dev0`.
    private static func nextPrefixDev0(epoch: UInt64, release: [UInt64]) -> Version {
        var next = release
        next[next.count - 1] = saturatingSuccessor(next[next.count - 1])
        return Version(epoch: epoch, release: next, dev: 0)
    }

    private static func saturatingSuccessor(_ n: UInt64) -> UInt64 { n == .max ? n : n + 1 }
}
