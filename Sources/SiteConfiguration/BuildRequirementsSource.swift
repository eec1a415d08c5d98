/// Where a build's build requirements (setuptools, Cython, maturin, …) come from, and so what the
/// whitelist's closure covers: `whitelisted` (the goal) makes them whitelist entries, built here
/// like any other and installed from the company's index; `upstream` installs PyPI's wheels of
/// them, outside the whitelist (the behaviour before, for a migration).
public enum BuildRequirementsSource: String, Sendable, Equatable, CaseIterable {
    case whitelisted
    case upstream

    /// What neither a flag nor `wheelwright.yaml` chooses.
    public static let standard = BuildRequirementsSource.upstream

    /// Whether the whitelist's closure takes in each release's build requirements.
    public var closureIncludesBuildRequirements: Bool { self == .whitelisted }
}
