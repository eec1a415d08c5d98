import IndexAPI

/// `wheelwright status NAME STATUS`'s use case: one project's status set in one index or in
/// every index that holds it, each tried (one refusal, say not the owner, leaves the others
/// changed), and, after a quarantine of one index, which other indices still serve the project.
public struct ProjectStatusChange: Sendable {
    public let project: String
    public let request: ProjectStatusRequest

    /// What the change left.
    public struct Outcome: Sendable {
        /// Each index's status after the change, in the order tried.
        public var reports: [ProjectStatusReport] = []
        /// The indices that refused the change, each with the server's answer.
        public var refusals: [(index: String, error: IndexClientError)] = []
        /// After a quarantine in one index: the other indices that still serve the project at
        /// their own URLs (to their own users, and to whoever has a file's URL).
        public var stillServing: [String] = []
    }

    public init(project: String, request: ProjectStatusRequest) { (self.project, self.request) = (project, request) }

    /// Sets the status in `index`, or in every index that holds the project when `index` is nil.
    public func apply(in index: String?, through client: IndexClient) async throws -> Outcome {
        let indices = if let index { [index] } else { try await client.projectStatuses(project).map(\.index) }
        var outcome = Outcome()
        for target in indices {
            do {
                outcome.reports.append(try await client.setProjectStatus(project, in: target, request))
            } catch let error as IndexClientError {
                outcome.refusals.append((target, error))
            }
        }
        if request.status == .quarantined, index != nil, !outcome.reports.isEmpty, let all = try? await client.projectStatuses(project) {
            outcome.stillServing = all.filter { $0.status != .quarantined }.map(\.index)
        }
        return outcome
    }
}
