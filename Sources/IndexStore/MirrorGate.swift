/// What a mirror index shows of its upstream.
public enum MirrorGate: String, Sendable, Codable, CaseIterable {
    /// Only the projects and versions the company whitelist admits (its pins, specifiers,
    /// denies and cooldown): everything else is a 404 that says how to request it.
    case whitelist
    /// Everything upstream has: for a team that accepts an ungated mirror.
    case none
}
