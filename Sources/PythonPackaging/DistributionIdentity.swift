/// What makes two distribution files the same file for an index's non-volatile rule, whatever
/// their spelling: for a wheel (normalized project, version without trailing zeros, build tag,
/// the expanded and sorted tag set); for an sdist (normalized project, version). `Foo_Bar-1.0`,
/// `foo.bar-1.0.0` and `FOO-BAR-1.0` are one identity; `py2.py3` and `py3.py2` are one tag set.
public struct DistributionIdentity: Sendable, Hashable, CustomStringConvertible {
    public let project: String
    /// `packaging.utils.canonicalize_version`: the canonical form with trailing `.0`s removed.
    public let version: String
    public let buildTag: String?
    /// Sorted `interpreter-abi-platform` tags; empty for an sdist.
    public let tags: [String]

    public init(wheel: WheelFilename) {
        project = wheel.normalizedName
        version = Self.canonicalVersion(wheel.version)
        buildTag = wheel.buildTag?.description
        tags = wheel.tags.map(\.description).sorted()
    }

    public init(sdist: SdistFilename) {
        project = sdist.normalizedName
        version = Self.canonicalVersion(sdist.version)
        buildTag = nil
        tags = []
    }

    /// One line, for a catalog column: `wheel project 1 - py3-none-any` or `sdist project 1`.
    public var description: String {
        tags.isEmpty
            ? "sdist \(project) \(version)"
            : "wheel \(project) \(version) \(buildTag ?? "-") \(tags.joined(separator: ","))"
    }

    /// The version with trailing zero release numbers dropped (`1.0.0` and `1` are one release).
    static func canonicalVersion(_ version: Version) -> String {
        var release = version.release
        while release.count > 1, release.last == 0 { release.removeLast() }
        let trimmed = Version(epoch: version.epoch, release: release, pre: version.pre, post: version.post,
                              dev: version.dev, local: version.local)
        return trimmed.description
    }
}

extension WheelFilename {
    /// The filename a wheel should have: the version as PEP 440 writes it, each tag member in
    /// lower case and once. (The name part may be spelled any way that normalizes to the project,
    /// and tag members may come in any order — `manylinux_2_17_x86_64.manylinux2014_x86_64` is
    /// how auditwheel writes them — since the identity compares the expanded, sorted set.)
    public var canonicalFilename: String {
        func part(_ values: [String]) -> String {
            var seen = Set<String>()
            return values.map { $0.lowercased() }.filter { seen.insert($0).inserted }.joined(separator: ".")
        }
        var parts = [distribution, version.description]
        if let buildTag { parts.append(buildTag.description) }
        parts.append([part(tagSet.interpreters), part(tagSet.abis), part(tagSet.platforms)].joined(separator: "-"))
        return parts.joined(separator: "-") + ".whl"
    }

    /// The first tag member with a character outside `[a-z0-9_.]` (`ANY`, `x86 64`, `<b>`), if any.
    public var invalidTagMember: String? {
        (tagSet.interpreters + tagSet.abis + tagSet.platforms).first { member in
            !member.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || (0x41...0x5A).contains($0) }
        }
    }
}

extension SdistFilename {
    /// The filename an sdist should have: its version as PEP 440 writes it.
    public var canonicalFilename: String { "\(distribution)-\(version.description)\(format.rawValue)" }
}
