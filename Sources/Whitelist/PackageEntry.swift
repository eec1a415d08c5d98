import IndexAPI
import YAMLFiles
import PythonPackaging
import SiteConfiguration

/// One `packages:` entry: a project the company builds, with everything a build needs.
public struct PackageEntry: Sendable {
    public let name: ProjectName
    public let selection: VersionSelection
    /// Target OS names; nil means the file's defaults, else every target.
    public let targets: [String]?
    /// Interpreter versions such as "3.11"; nil means the file's defaults, else each target's own.
    public let pythons: [String]?
    /// The wheel build number for a rebuild of a version already published (PEP 427 build tag).
    public let build: Int?
    /// Extra environment variables for the build, in file order.
    public let environment: [(name: String, value: String)]
    /// Debian packages the build needs in its root filesystem (`libyaml-dev`).
    public let systemPackages: [String]
    /// What to do when a binary wheel links libraries outside every manylinux policy (nil: graft).
    public let repair: RepairMode?
    public let requestedBy: String?
    public let reason: String?
    public let license: String?
    /// The upstream project page, recorded by `whitelist add`.
    public let url: String?
    /// Upstream's wheels taken instead of a build (empty: built here from the sdist).
    public let prebuilt: [PrebuiltWheel]
    public let location: SourceLocation
    /// How old its releases must be upstream before they are built (nil: the site's `cooldown:`).
    public var cooldown: Cooldown? = nil
    /// Releases built although still in their cooldown, each with the reason someone gave
    /// (`whitelist add --allow-young --reason`).
    public var allowYoung: [Version: String] = [:]
    /// Why it is whitelisted although its license is outside the site's license policy.
    public var licenseReason: String? = nil
    /// A shell command the nightly runs where each binary wheel was installed for its import
    /// check (`python -c "import yaml; yaml.CSafeLoader"`); a failure keeps the wheel unpublished.
    public var test: String? = nil
}
