import YAMLFiles
import PythonPackaging

/// Which upstream versions of a project are built.
public enum VersionSelection: Sendable, Hashable {
    /// Exactly these versions.
    case exact([Version])
    /// The newest `count` upstream releases that `specifier` admits (pre-releases only when
    /// the specifier names one), re-evaluated on every run.
    case latest(SpecifierSet, count: Int)
}
extension VersionSelection {
    /// The versions to build, given what upstream offers (its non-yanked versions, any order):
    /// the listed ones, or the newest `count` the specifier admits under PEP 440's pre-release rule.
    public func versions(offered: [Version]) -> [Version] {
        switch self {
        case .exact(let versions):
            return versions
        case let .latest(specifier, count):
            let newestFirst = offered.sorted().reversed()
            return Array(specifier.filter(newestFirst).prefix(count))
        }
    }
}
