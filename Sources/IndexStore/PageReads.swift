/// What a page was made from, so that a write elsewhere leaves it cached.
public enum PageReads: Sendable, Equatable {
    /// Anything in the catalog (lists across indices, users, runs, search): every write makes it stale.
    case everything
    /// These indices (a resolution order) and nothing else: only a write touching one of them,
    /// or one that changes `everything`, makes it stale. Empty: only the catalog's structure
    /// (which indices exist, their settings).
    case indices([IndexID])
}
