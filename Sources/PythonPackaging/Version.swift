/// A PEP 440 version, parsed from any valid spelling and ordered exactly as Python's
/// `packaging.version.Version` orders it.
///
/// Numbers are held as `UInt64`: a component longer than that is rejected with
/// ``PackagingError/numberTooLarge(_:in:)`` rather than silently wrapped.
public struct Version: Sendable {
    public let epoch: UInt64
    /// The release segment as written (`1.0.0` keeps its three parts); comparison ignores trailing zeros.
    public let release: [UInt64]
    public let pre: PreRelease?
    public let post: UInt64?
    public let dev: UInt64?
    /// The local label's segments (`+ubuntu.1` is `[.string("ubuntu"), .number(1)]`), or nil.
    public let local: [LocalSegment]?

    public init(
        epoch: UInt64 = 0,
        release: [UInt64],
        pre: PreRelease? = nil,
        post: UInt64? = nil,
        dev: UInt64? = nil,
        local: [LocalSegment]? = nil
    ) {
        precondition(!release.isEmpty, "a version has at least one release number")
        self.epoch = epoch
        self.release = release
        self.pre = pre
        self.post = post
        self.dev = dev
        self.local = local
    }

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

        public init(_ kind: Kind, _ number: UInt64) {
            self.kind = kind
            self.number = number
        }
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

extension Version: Comparable, Hashable {
    /// The pre/post/dev part of PEP 440's sort key, as six integers:
    /// `(pre rank, pre number, post rank, post number, dev rank, dev number)`, where a dev-only
    /// release ranks below every pre-release and a final release above `rc`.
    var suffixKey: (Int, UInt64, Int, UInt64, Int, UInt64) {
        let preRank: Int
        let preNumber: UInt64
        if let pre {
            (preRank, preNumber) = (pre.kind.rank, pre.number)
        } else if post == nil && dev != nil {
            (preRank, preNumber) = (-1, 0)
        } else {
            (preRank, preNumber) = (3, 0)
        }
        return (preRank, preNumber, post == nil ? 0 : 1, post ?? 0, dev == nil ? 1 : 0, dev ?? 0)
    }

    /// The release with trailing zeros dropped: `1.0.0` and `1` compare equal.
    var trimmedRelease: ArraySlice<UInt64> {
        var end = release.count
        while end > 0 && release[end - 1] == 0 { end -= 1 }
        return release[..<end]
    }

    /// Orders the epoch, then the release (zero-padded); -1, 0 or 1.
    static func compareRelease(_ a: Version, _ b: Version) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let length = max(a.release.count, b.release.count)
        for i in 0..<length {
            let x = i < a.release.count ? a.release[i] : 0
            let y = i < b.release.count ? b.release[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// Orders epoch and release, then the suffix key; the local label is ignored.
    static func comparePublic(_ a: Version, _ b: Version) -> Int {
        let releaseOrder = compareRelease(a, b)
        if releaseOrder != 0 { return releaseOrder }
        let (s, t) = (a.suffixKey, b.suffixKey)
        if s == t { return 0 }
        return s < t ? -1 : 1
    }

    /// The full PEP 440 order: the public part, then no local label before any local label.
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

    public static func < (lhs: Version, rhs: Version) -> Bool { compare(lhs, rhs) < 0 }

    /// Equality of the sort key: `1.0 == 1.0.0`, `1.0a == 1.0a0`.
    public static func == (lhs: Version, rhs: Version) -> Bool { compare(lhs, rhs) == 0 }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        hasher.combine(Array(trimmedRelease))
        let key = suffixKey
        hasher.combine(key.0)
        hasher.combine(key.1)
        hasher.combine(key.2)
        hasher.combine(key.3)
        hasher.combine(key.4)
        hasher.combine(key.5)
        hasher.combine(local)
    }
}
