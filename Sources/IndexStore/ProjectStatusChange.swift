import IndexAPI

/// One recorded change of a project's status in one index: who set it, when, and why. The
/// catalog keeps every change; the latest of an index is its status there.
public struct ProjectStatusChange: Sendable, Equatable {
    public let index: IndexID
    /// PEP 503 normalized.
    public let project: String
    public let status: ProjectStatus
    public let reason: String
    public let user: String
    /// Seconds since 1970, UTC.
    public let time: Double

    public init(index: IndexID, project: String, status: ProjectStatus, reason: String, user: String, time: Double) {
        (self.index, self.project, self.status, self.reason, self.user, self.time) = (index, project, status, reason, user, time)
    }
}
