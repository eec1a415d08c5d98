/// The values markers are evaluated against: one interpreter on one platform, and the extras
/// selected (normalized names).
public struct MarkerEnvironment: Sendable, Hashable {
    public var values: [String: String]
    public var extras: Set<String>
    /// `extras` and `dependency_groups` (lock files): nil where they are not defined (metadata).
    public var sets: [String: Set<String>]

    public init(values: [String: String], extras: Set<String> = [], sets: [String: Set<String>] = [:]) {
        self.values = values
        self.extras = Set(extras.map(ProjectName.normalize))
        self.sets = sets
    }

    /// CPython `pythonVersion` (`3.11`, or `3.11.2` for a full version) on Linux.
    /// `platform_release` and `platform_version` (the kernel of the machine that installs) are
    /// unknown for a target and left empty, so markers on them are false.
    public static func linux(pythonVersion: String, machine: String, extras: Set<String> = []) -> MarkerEnvironment {
        let parts = pythonVersion.split(separator: ".")
        let short = parts.prefix(2).joined(separator: ".")
        let full = parts.count >= 3 ? pythonVersion : short + ".0"
        return MarkerEnvironment(values: [
            "implementation_name": "cpython", "implementation_version": full, "os_name": "posix",
            "platform_machine": machine, "platform_release": "", "platform_system": "Linux", "platform_version": "",
            "python_full_version": full, "platform_python_implementation": "CPython", "python_version": short,
            "sys_platform": "linux",
        ], extras: extras)
    }

    func value(of name: String) throws(PackagingError) -> String {
        guard let value = values[name] else { throw .undefinedMarkerComparison("the environment has no variable '\(name)'") }
        return value
    }

    func set(of name: String) throws(PackagingError) -> Set<String> {
        guard let members = sets[name] else { throw .undefinedMarkerComparison("'\(name)' is defined only in lock files") }
        return Set(members.map(ProjectName.normalize))
    }
}
