/// A project's status as `GET` or `POST /USER/INDEX/+status/NAME` answers: the one the index
/// serves (its own or a base's, the strictest), and every change recorded in the index and its
/// bases, oldest first.
public struct ProjectStatusReport: Codable, Sendable, Equatable {
    /// One recorded change: who set which status in which index, when, and why.
    public struct Change: Codable, Sendable, Equatable {
        public var index: String
        public var status: ProjectStatus
        public var reason: String
        public var user: String
        /// Seconds since 1970.
        public var time: Double

        public init(index: String, status: ProjectStatus, reason: String, user: String, time: Double) {
            (self.index, self.status, self.reason, self.user, self.time) = (index, status, reason, user, time)
        }
    }

    public var project: String
    public var index: String
    public var status: ProjectStatus
    public var reason: String?
    /// The index whose change set the served status; nil while the project is active by default.
    public var source: String?
    public var history: [Change]

    public init(project: String, index: String, status: ProjectStatus, reason: String?, source: String?, history: [Change]) {
        (self.project, self.index, self.status, self.reason, self.source, self.history) = (project, index, status, reason, source, history)
    }
}
