/// One whitelist entry on one target as the coverage page shows it: the state the latest run
/// that planned it left it in.
public struct CoverageCell: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable, Comparable {
        case built, failed, denied, pending

        /// The cell of several items (versions, interpreters) shows the worst.
        var severity: Int {
            switch self {
            case .denied: 0
            case .built: 1
            case .pending: 2
            case .failed: 3
            }
        }

        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.severity < rhs.severity }
    }

    public let project: String
    public let target: String
    public let status: Status
    /// The versions planned, sorted as written: `2.31.0, 2.32.3`.
    public let versions: String
    /// Why it failed, is denied or is pending.
    public let reason: String?
    /// The failed item whose log the run posted (`/+builds/RUN/ITEM.log`).
    public let logItem: String?
    /// The run that last planned it.
    public let run: Int64
    /// Whether a run ever built it as a build tool (it stays one once it was).
    public let tool: Bool

    public init(project: String, target: String, status: Status, versions: String, reason: String?, logItem: String?, run: Int64, tool: Bool = false) {
        (self.project, self.target, self.status, self.versions, self.reason, self.logItem, self.run) = (project, target, status, versions, reason, logItem, run)
        self.tool = tool
    }
}
