/// What one write to the catalog changed, as its generation step announces it.
public enum ChangeScope: Sendable, Equatable {
    /// Indices, users, settings, build runs or a whole copy: what every page may show.
    case everything
    /// The contents of these indices (files, statuses, documentation, test results): the pages
    /// that read one of them, and the pages that read across all indices.
    case indices(Set<IndexID>)

    /// The scope as a notification's payload carries it after the generation: `*`, or the
    /// indices separated by spaces (index names have none).
    var payload: String {
        switch self {
        case .everything: "*"
        case .indices(let indices): indices.map(\.description).sorted().joined(separator: " ")
        }
    }

    /// Parses `payload`'s form; nil when it is not one (then the step counts as unknown).
    init?(payload: Substring) {
        if payload == "*" { self = .everything; return }
        var indices = Set<IndexID>()
        for word in payload.split(separator: " ") {
            guard let index = try? IndexID(String(word)) else { return nil }
            indices.insert(index)
        }
        self = .indices(indices)
    }

    /// The longest payload sent as indices (PostgreSQL's limit is 8,000 bytes): a write that
    /// touches more is announced as `everything`.
    static let longestPayload = 4_000
}
