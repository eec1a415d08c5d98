import CArchive

/// Where the core metadata sits in a distribution.
public enum DistributionMetadata {
    /// The largest core metadata file (METADATA, PKG-INFO) the index accepts, and so the largest
    /// an sdist may hold to be built.
    public static let maximumCoreMetadataSize = 1 << 20

    /// A wheel's `NAME-VERSION.dist-info/METADATA` (exactly one, at the top level).
    public static func wheelMetadata(_ path: String, limits: ArchiveLimits = ArchiveLimits()) throws(ArchiveError) -> Member {
        try single(path, format: .zip, expected: "*.dist-info/METADATA", limits: limits) { name in
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[0].hasSuffix(".dist-info") && parts[1] == "METADATA"
        }
    }

    /// An sdist's `NAME-VERSION/PKG-INFO` (at the top directory, not a nested package's).
    public static func sdistMetadata(_ path: String, format: ArchiveFormat, limits: ArchiveLimits = ArchiveLimits()) throws(ArchiveError) -> Member {
        try single(path, format: format, expected: "NAME-VERSION/PKG-INFO", limits: limits) { name in
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1] == "PKG-INFO"
        }
    }

    public typealias Member = ArchiveReader.Member

    private static func single(
        _ path: String, format: ArchiveFormat, expected: String, limits: ArchiveLimits, matches: (String) -> Bool
    ) throws(ArchiveError) -> Member {
        let found = try ArchiveReader.read(path, format: format, limits: limits, where: matches)
        guard let first = found.first else { throw .missingMember(path, expected: expected) }
        guard found.count == 1 else { throw .ambiguousMember(path, candidates: found.map(\.path)) }
        return first
    }
}
