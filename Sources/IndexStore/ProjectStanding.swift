import IndexAPI

/// The status an index serves for a project (PEP 792): the strictest that the index or one of
/// its bases holds, so that a project quarantined in a base is quarantined for every index
/// built on it. Pure: a function of the recorded changes and the index's resolution order.
public struct ProjectStanding: Sendable, Equatable {
    public let status: ProjectStatus
    /// The change that set `status`; nil while the project is active by default.
    public let setting: ProjectStatusChange?
    /// The latest changes recorded in the index and its bases, oldest first (as many as asked for).
    public let history: [ProjectStatusChange]

    public static let active = ProjectStanding(status: .active, setting: nil, history: [])

    private init(status: ProjectStatus, setting: ProjectStatusChange?, history: [ProjectStatusChange]) {
        (self.status, self.setting, self.history) = (status, setting, history)
    }

    /// From each index's latest change (`latest`, any order) as `order` (an index, then its
    /// bases) sees them: the strictest wins, the first in `order` among equals. `history` is what
    /// a page shows of the changes behind it, oldest first.
    public init(latest: [ProjectStatusChange], order: [IndexID], history: [ProjectStatusChange] = []) {
        var strictest: ProjectStatusChange?
        for index in order {
            guard let change = latest.last(where: { $0.index == index }), change.status.severity > (strictest?.status.severity ?? 0) else { continue }
            strictest = change
        }
        self.init(status: strictest?.status ?? .active, setting: strictest, history: history)
    }

    /// Whether a file may be uploaded: PEP 792 refuses new distributions of archived and
    /// quarantined projects. Nil when it may; otherwise the refusal, saying who set it and how
    /// to lift it.
    func uploadRefusal(_ filename: String) -> StoreError? {
        guard !status.acceptsUploads, let setting else { return nil }
        return .forbidden("\(filename): \(setting.project) is \(status) in \(setting.index) (\(setting.reason)), which takes no uploads (PEP 792); its owner or root lifts it with: wheelwright status \(setting.project) active --index \(setting.index) --reason TEXT")
    }
}

extension ProjectStanding {
    /// The standing as the API reports it for `project` in `index`.
    public func report(of project: String, in index: IndexID) -> ProjectStatusReport {
        ProjectStatusReport(
            project: project, index: index.description, status: status, reason: setting?.reason, source: setting?.index.description,
            history: history.map { .init(index: $0.index.description, status: $0.status, reason: $0.reason, user: $0.user, time: $0.time) }
        )
    }
}
