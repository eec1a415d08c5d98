import PythonPackaging
import SiteConfiguration
import YAMLFiles

/// Whether the whitelist holds what its own releases need: each release's `Requires-Dist` (and,
/// when build requirements are whitelisted too, its `[build-system].requires`), evaluated for
/// every target and interpreter its entry is built for (with the extras other releases ask of
/// it), must be met by a whitelisted version available on that target. Pure: the caller brings
/// each release's requirements from upstream.
public enum DependencyClosure {
    /// One whitelisted release: an entry and a version of it.
    public struct Release: Sendable, Hashable {
        public let project: ProjectName
        public let version: Version

        public init(project: ProjectName, version: Version) {
            (self.project, self.version) = (project, version)
        }
    }

    /// A requirement of a release that applies somewhere, and where.
    public struct Need: Sendable, Hashable {
        /// Whether the release needs it to run (`Requires-Dist`) or to be built (`[build-system]`).
        public enum Kind: String, Sendable, Hashable {
            case runtime
            case build
        }

        public let requirer: Release
        public let requirement: Requirement
        public let kind: Kind
        /// `debian-12`, sorted.
        public let targets: [String]
        /// Where the requiring entry is written.
        public let location: SourceLocation

        public init(requirer: Release, requirement: Requirement, kind: Kind = .runtime, targets: [String], location: SourceLocation) {
            (self.requirer, self.requirement, self.kind, self.targets, self.location) = (requirer, requirement, kind, targets, location)
        }

        /// "needs X" or "needs X to build".
        public var phrase: String { kind == .build ? "needs \(requirement) to build" : "needs \(requirement)" }

        public static func == (lhs: Need, rhs: Need) -> Bool {
            lhs.requirer == rhs.requirer && lhs.requirement == rhs.requirement && lhs.kind == rhs.kind && lhs.targets == rhs.targets
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(requirer)
            hasher.combine(requirement)
            hasher.combine(kind)
            hasher.combine(targets)
        }
    }

    public enum Finding: Sendable, Hashable, CustomStringConvertible {
        /// No whitelisted version meets the requirement on these targets; `whitelisted` lists
        /// the versions there are.
        case unmet(Need, whitelisted: [Version])
        /// `name @ URL`: an index cannot serve it.
        case directReference(Need)
        /// The release's requirements could not be read (no metadata upstream, or it did not parse).
        case unknown(Release, location: SourceLocation, reason: String)
        /// A marker that cannot be evaluated for a target (an undefined comparison).
        case undefinedMarker(Need, reason: String)

        public var need: Need? {
            switch self {
            case .unmet(let need, _), .directReference(let need), .undefinedMarker(let need, _): need
            case .unknown: nil
            }
        }

        /// The finding without its place (`Need.location` has it).
        public var description: String {
            switch self {
            case let .unmet(need, whitelisted):
                let have = whitelisted.isEmpty ? "it is not whitelisted" : "whitelisted: \(whitelisted.map(\.description).joined(separator: ", "))"
                return "\(need.requirer.project.normalized) \(need.requirer.version) \(need.phrase) on \(need.targets.joined(separator: ", ")), which no whitelisted version meets (\(have))"
            case .directReference(let need):
                return "\(need.requirer.project.normalized) \(need.requirer.version) \(need.phrase), a direct URL reference that no index can serve"
            case let .unknown(release, location, reason):
                return "the requirements of \(release.project.normalized) \(release.version) are unknown: \(reason)"
            case let .undefinedMarker(need, reason):
                return "\(need.requirer.project.normalized) \(need.requirer.version) \(need.phrase): \(reason)"
            }
        }
    }

    /// Every requirement that applies somewhere, and what is wrong.
    public struct Report: Sendable {
        public let needs: [Need]
        public let findings: [Finding]
    }

    /// `releases` with their entries, `requirements` per release (a release without them
    /// requires nothing here; `unknown` says why one could not be read) and its
    /// `buildRequirements` (empty when they are not whitelisted), `targets` by name. Findings in
    /// a stable order.
    /// `requiresPython` gives each release's sdist `Requires-Python`: a version meets a need on a
    /// target only for the requirer's interpreters there that it admits (numpy 2.5.5 listed for
    /// debian-12 is never built for its 3.11).
    public static func check(
        releases: [(entry: ResolvedPackage, version: Version)],
        requirements: [Release: [Requirement]], buildRequirements: [Release: [Requirement]] = [:],
        unknown: [Release: String] = [:], targets: [String: TargetDefinition], requiresPython: [Release: RequiresPython] = [:]
    ) -> Report {
        // Extras other releases ask of a project, to a fixed point (an extra can pull another).
        var extras: [String: Set<String>] = [:]
        var needs: [Need] = []
        var undefined: [Finding] = []
        while true {
            (needs, undefined) = applicableNeeds(releases, [.runtime: requirements, .build: buildRequirements], targets, extras: extras)
            var grown = extras
            for need in needs where !need.requirement.extras.isEmpty {
                grown[need.requirement.project, default: []].formUnion(need.requirement.extras.map(ProjectName.normalize))
            }
            if grown == extras { break }
            extras = grown
        }

        var findings: [Finding] = releases.compactMap { release in
            let key = Release(project: release.entry.entry.name, version: release.version)
            return unknown[key].map { .unknown(key, location: release.entry.entry.location, reason: $0) }
        }
        findings += undefined
        for need in needs {
            if need.requirement.url != nil {
                findings.append(.directReference(need))
                continue
            }
            var unmetTargets: [String] = []
            var whitelisted = Set<Version>()
            let pythons = releases.first { Release(project: $0.entry.entry.name, version: $0.version) == need.requirer }?.entry.pythons ?? [:]
            for target in need.targets {
                let listed = releases.filter { $0.entry.entry.name.normalized == need.requirement.project && $0.entry.targets.contains(target) }
                whitelisted.formUnion(listed.map(\.version))
                // Met for each of the requirer's interpreters there by a version built for it.
                let met = (pythons[target] ?? [""]).allSatisfy { python in
                    let built = listed.filter { python.isEmpty || requiresPython[Release(project: $0.entry.entry.name, version: $0.version)]?.admits(python: python) != false }
                    return !need.requirement.specifier.filter(built.map(\.version)).isEmpty
                }
                if !met { unmetTargets.append(target) }
            }
            if !unmetTargets.isEmpty {
                let unmet = Need(requirer: need.requirer, requirement: need.requirement, kind: need.kind, targets: unmetTargets, location: need.location)
                findings.append(.unmet(unmet, whitelisted: whitelisted.sorted()))
            }
        }
        return Report(needs: needs, findings: findings)
    }

    /// Each release's requirements of each kind that apply on at least one of its targets and
    /// interpreters (a build requirement is evaluated for the interpreter that builds).
    private static func applicableNeeds(
        _ releases: [(entry: ResolvedPackage, version: Version)], _ requirements: [Need.Kind: [Release: [Requirement]]],
        _ targets: [String: TargetDefinition], extras: [String: Set<String>]
    ) -> ([Need], [Finding]) {
        var needs: [Need] = []
        var undefined: [Finding] = []
        for (entry, version) in releases {
            let release = Release(project: entry.entry.name, version: version)
            let kinds: [Need.Kind] = [.runtime, .build]
            for (kind, requirement) in kinds.flatMap({ kind in (requirements[kind]?[release] ?? []).map { (kind, $0) } }) {
                var applying: [String] = []
                var failure: String?
                for target in entry.targets.sorted() {
                    let machine = targets[target]?.architecture ?? "x86_64"
                    let applies = (entry.pythons[target] ?? []).contains { python in
                        let asked = kind == .runtime ? extras[entry.entry.name.normalized] ?? [] : []
                        let environment = MarkerEnvironment.linux(pythonVersion: python, machine: machine, extras: asked)
                        do {
                            return try requirement.applies(in: environment)
                        } catch {
                            failure = "\(error)"
                            return false
                        }
                    }
                    if applies { applying.append(target) }
                }
                let need = Need(requirer: release, requirement: requirement, kind: kind, targets: applying, location: entry.entry.location)
                if let failure { undefined.append(.undefinedMarker(need, reason: failure)) }
                if !applying.isEmpty { needs.append(need) }
            }
        }
        return (needs, undefined)
    }
}
