/// A project's status in an index (PEP 792): what the index does with its files, and what
/// installers may warn of. Exactly one at a time; `active` unless one was set.
public enum ProjectStatus: String, Codable, Sendable, CaseIterable {
    case active, deprecated, archived, quarantined

    /// How far it takes the project out of circulation: an index serves the strictest status
    /// that it or one of its bases set.
    public var severity: Int {
        switch self {
        case .active: 0
        case .deprecated: 1
        case .archived: 2
        case .quarantined: 3
        }
    }

    /// PEP 792: `archived` and `quarantined` projects take no new distributions.
    public var acceptsUploads: Bool { severity < ProjectStatus.archived.severity }

    /// PEP 792: a `quarantined` project's distributions are neither listed nor served.
    public var servesFiles: Bool { self != .quarantined }
}
