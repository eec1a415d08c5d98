import CArchive

/// Limits that keep a hostile archive from exhausting memory or time.
public struct ArchiveLimits: Sendable {
    /// The most entries an archive may have.
    public var maximumEntries = 200_000
    /// The most bytes one member that is read into memory may expand to.
    public var maximumMemberSize = 16 << 20
    /// The most bytes all members together may declare (zip central directory sizes).
    public var maximumTotalSize: Int64 = 8 << 30

    public init() {}
}
