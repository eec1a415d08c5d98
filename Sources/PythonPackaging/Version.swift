/// A PEP 440 version, parsed from any valid spelling and ordered exactly as Python's
/// `packaging.version.Version` orders it.
///
/// Numbers are held as `UInt64`: a component longer than that is rejected with
/// ``PackagingError/numberTooLarge(_:in:)`` rather than silently wrapped.
public struct Version: Sendable {
    public let epoch: UInt64
    /// The release segment as written (`1.0.0` keeps its three numbers); comparison ignores trailing zeros.
    @usableFromInline let releaseNumbers: ReleaseNumbers
    /// The local label's segments (`+ubuntu.1` is `[.string("ubuntu"), .number(1)]`), or nil.
    public let local: [LocalSegment]?
    /// The pre, post and dev parts, held in the form they sort by (computed once, compared often).
    @usableFromInline let suffix: SuffixKey

    public init(
        epoch: UInt64 = 0,
        release: [UInt64],
        pre: PreRelease? = nil,
        post: UInt64? = nil,
        dev: UInt64? = nil,
        local: [LocalSegment]? = nil
    ) {
        precondition(!release.isEmpty, "a version has at least one release number")
        self.init(epoch: epoch, releaseNumbers: ReleaseNumbers(release), pre: pre, post: post, dev: dev, local: local)
    }

    init(
        epoch: UInt64, releaseNumbers: ReleaseNumbers, pre: PreRelease?, post: UInt64?, dev: UInt64?,
        local: [LocalSegment]?
    ) {
        self.epoch = epoch
        self.releaseNumbers = releaseNumbers
        self.local = local
        self.suffix = SuffixKey(pre: pre, post: post, dev: dev)
    }

    /// The release numbers as written (`1.0.0` keeps its three numbers).
    public var release: [UInt64] { releaseNumbers.array }

    public var pre: PreRelease? {
        switch suffix.preRank {
        case 0: PreRelease(.alpha, suffix.preNumber)
        case 1: PreRelease(.beta, suffix.preNumber)
        case 2: PreRelease(.releaseCandidate, suffix.preNumber)
        default: nil
        }
    }

    public var post: UInt64? { suffix.postRank == 1 ? suffix.postNumber : nil }
    public var dev: UInt64? { suffix.devRank == 0 ? suffix.devNumber : nil }

    /// Parses any PEP 440 spelling: a leading `v`, any case, alternate pre-release words,
    /// implicit post releases (`1.0-1`), separators `.`, `-`, `_`, surrounding whitespace.
    public init(_ string: some StringProtocol) throws(PackagingError) {
        let text = String(string)
        guard let version = VersionScanner.parseVersion(text) else {
            throw .invalidVersion(text)
        }
        self = try version.get()
    }

    public struct PreRelease: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, Comparable {
            case alpha = "a", beta = "b", releaseCandidate = "rc"

            var rank: Int {
                switch self {
                case .alpha: 0
                case .beta: 1
                case .releaseCandidate: 2
                }
            }

            public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rank < rhs.rank }
        }

        public let kind: Kind
        public let number: UInt64

        public init(_ kind: Kind, _ number: UInt64) { (self.kind, self.number) = (kind, number) }
    }

    public enum LocalSegment: Sendable, Hashable, Comparable, CustomStringConvertible {
        case number(UInt64)
        /// Lower-cased ASCII letters and digits.
        case string(String)

        /// PEP 440: strings sort before numbers; strings compare by code point, numbers by value.
        public static func < (lhs: LocalSegment, rhs: LocalSegment) -> Bool {
            switch (lhs, rhs) {
            case let (.number(a), .number(b)): a < b
            case (.string, .number): true
            case (.number, .string): false
            case let (.string(a), .string(b)): a.utf8.lexicographicallyPrecedes(b.utf8)
            }
        }

        public var description: String {
            switch self {
            case .number(let n): String(n)
            case .string(let s): s
            }
        }
    }
}

extension Version {
    /// A pre-release or a development release (`1.0a1`, `1.0.dev3`).
    public var isPrerelease: Bool { pre != nil || dev != nil }
    public var isPostrelease: Bool { post != nil }
    public var isDevrelease: Bool { dev != nil }

    /// The version without its local label.
    public var publicVersion: Version {
        local == nil ? self : replacing(local: .some(nil))
    }

    /// The epoch and release only (`1!2.0` of `1!2.0rc1.post2+abc`).
    public var baseVersion: Version { Version(epoch: epoch, release: release) }

    /// A copy with the given parts replaced; `.some(nil)` removes a part.
    public func replacing(
        release: [UInt64]? = nil,
        pre: PreRelease?? = .none,
        post: UInt64?? = .none,
        dev: UInt64?? = .none,
        local: [LocalSegment]?? = .none
    ) -> Version {
        Version(
            epoch: epoch,
            release: release ?? self.release,
            pre: pre ?? self.pre,
            post: post ?? self.post,
            dev: dev ?? self.dev,
            local: local ?? self.local
        )
    }
}

// MARK: - Canonical form

extension Version: CustomStringConvertible {
    /// The canonical spelling, as `str(packaging.version.Version(...))` gives it.
    public var description: String {
        var text = epoch == 0 ? "" : "\(epoch)!"
        text += release.lazy.map(String.init).joined(separator: ".")
        if let pre { text += "\(pre.kind.rawValue)\(pre.number)" }
        if let post { text += ".post\(post)" }
        if let dev { text += ".dev\(dev)" }
        if let local { text += "+" + local.lazy.map(\.description).joined(separator: ".") }
        return text
    }
}

// MARK: - Order

/// The pre/post/dev part of PEP 440's sort key: `(pre rank, pre number, post rank, post number,
/// dev rank, dev number)`, where a dev-only release ranks below every pre-release (-1), a final
/// release above `rc` (3), no post below a post (0 < 1), and a dev release below none (0 < 1).
@usableFromInline
struct SuffixKey: Sendable, Hashable {
    @usableFromInline let preRank: Int8
    @usableFromInline let postRank: Int8
    @usableFromInline let devRank: Int8
    @usableFromInline let preNumber: UInt64
    @usableFromInline let postNumber: UInt64
    @usableFromInline let devNumber: UInt64

    init(pre: Version.PreRelease?, post: UInt64?, dev: UInt64?) {
        if let pre {
            preRank = Int8(pre.kind.rank)
            preNumber = pre.number
        } else {
            preRank = post == nil && dev != nil ? -1 : 3
            preNumber = 0
        }
        postRank = post == nil ? 0 : 1
        postNumber = post ?? 0
        devRank = dev == nil ? 1 : 0
        devNumber = dev ?? 0
    }

    /// -1, 0 or 1.
    @inlinable
    static func compare(_ a: SuffixKey, _ b: SuffixKey) -> Int {
        if a.preRank != b.preRank { return a.preRank < b.preRank ? -1 : 1 }
        if a.preNumber != b.preNumber { return a.preNumber < b.preNumber ? -1 : 1 }
        if a.postRank != b.postRank { return a.postRank < b.postRank ? -1 : 1 }
        if a.postNumber != b.postNumber { return a.postNumber < b.postNumber ? -1 : 1 }
        if a.devRank != b.devRank { return a.devRank < b.devRank ? -1 : 1 }
        if a.devNumber != b.devNumber { return a.devNumber < b.devNumber ? -1 : 1 }
        return 0
    }
}

extension Version: Comparable, Hashable {
    /// Orders the epoch, then the release (zero-padded); -1, 0 or 1.
    @inlinable
    static func compareRelease(_ a: Version, _ b: Version) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        return ReleaseNumbers.compare(a.releaseNumbers, b.releaseNumbers)
    }

    /// Orders epoch and release, then the pre/post/dev key; the local label is ignored.
    @inlinable
    static func comparePublic(_ a: Version, _ b: Version) -> Int {
        let releaseOrder = compareRelease(a, b)
        if releaseOrder != 0 { return releaseOrder }
        return SuffixKey.compare(a.suffix, b.suffix)
    }

    /// The full PEP 440 order: the public part, then no local label before any local label.
    @inlinable
    static func compare(_ a: Version, _ b: Version) -> Int {
        let publicOrder = comparePublic(a, b)
        if publicOrder != 0 { return publicOrder }
        switch (a.local, b.local) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case let (x?, y?):
            if x == y { return 0 }
            return x.lexicographicallyPrecedes(y) ? -1 : 1
        }
    }

    @inlinable
    public static func < (lhs: Version, rhs: Version) -> Bool { compare(lhs, rhs) < 0 }

    /// Equality of the sort key: `1.0 == 1.0.0`, `1.0a == 1.0a0`.
    @inlinable
    public static func == (lhs: Version, rhs: Version) -> Bool { compare(lhs, rhs) == 0 }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        releaseNumbers.hash(into: &hasher)
        hasher.combine(suffix)
        hasher.combine(local)
    }
}
