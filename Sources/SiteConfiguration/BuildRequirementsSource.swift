/// Where a build's build requirements (setuptools, Cython, maturin, …) come from, and so what the
/// whitelist's closure covers: `whitelisted` (the default) makes them whitelist entries, built
/// here like any other before what needs them and installed from the company's index;
/// `upstream` installs PyPI's wheels of them, outside the whitelist (for a migration).
public enum BuildRequirementsSource: String, Sendable, Equatable, CaseIterable {
    case whitelisted
    case upstream

    /// What neither a flag nor `wheelwright.yaml` chooses.
    public static let standard = BuildRequirementsSource.whitelisted

    /// What lint says while a site still takes its build requirements from upstream.
    public static let migrationWarning = "build-requirements: upstream installs every build's build requirements from the upstream indices, outside the whitelist: a migration setting; add them to the whitelist (whitelist lint --deps --build-requirements whitelisted lists them) and drop it"

    /// Whether the whitelist's closure takes in each release's build requirements.
    public var closureIncludesBuildRequirements: Bool { self == .whitelisted }
}
