import Hummingbird
import IndexAPI
import IndexStore

/// Limits on what a request may send.
public struct ServerLimits: Sendable {
    /// The largest distribution an upload may carry.
    public var maximumUploadSize: Int64 = 2 << 30
    /// All non-file fields of one upload together (metadata, descriptions).
    public var maximumFieldBytes = 4 << 20
    /// A build log attached to an upload (the builder caps its logs at 32 MiB).
    public var maximumLogSize: Int64 = 40 << 20
    /// A build run's report (`POST /+builds`); the builder keeps only the tail of each log in it.
    public var maximumReportBytes = 8 << 20
    /// A request path, and its query string.
    public var maximumPathBytes = 2048
    public var maximumQueryBytes = 2048
    /// The rendered pages kept in memory, in bytes of page.
    public var pageCacheBytes = 64 << 20
    /// Open connections; beyond this the longest-idle connection is closed to make room, and
    /// when none is idle the new one is answered 503.
    public var maximumConnections = 2048
    /// A connection that sends nothing for this long is closed: before its first request
    /// (a slow header), between requests (keep-alive), or in the middle of a body.
    public var idleTimeout: Duration = .seconds(30)

    public init() {}
}
