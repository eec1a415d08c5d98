import PythonPackaging
import SiteConfiguration
import YAMLFiles

/// Whether the whitelist holds what its own releases need: each release's `Requires-Dist`,
/// evaluated for every target and interpreter its entry is built for (with the extras other
/// releases ask of it), must be met by a whitelisted version available on that target. Pure:
/// the caller brings each release's requirements from upstream.
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
        public let requirer: Release
        public let requirement: Requirement
        /// `debian-12`, sorted.
        public let targets: [String]
        /// Where the requiring entry is written.
        public let location: SourceLocation

        public static func == (lhs: Need, rhs: Need) -> Bool {
            lhs.requirer == rhs.requirer && lhs.requirement == rhs.requirement && lhs.targets == rhs.targets
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(requirer)
            hasher.combine(requirement)
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
                return "\(need.requirer.project.normalized) \(need.requirer.version) needs \(need.requirement) on \(need.targets.joined(separator: ", ")), which no whitelisted version meets (\(have))"
            case .directReference(let need):
                return "\(need.requirer.project.normalized) \(need.requirer.version) needs \(need.requirement), a direct URL reference that no index can serve"
            case let .unknown(release, location, reason):
                return "the requirements of \(release.project.normalized) \(release.version) are unknown: \(reason)"
            case let .undefinedMarker(need, reason):
                return "\(need.requirer.project.normalized) \(need.requirer.version) requires \(need.requirement): \(reason)"
            }
        }
    }

    /// Every requirement that applies somewhere, and what is wrong.
    public struct Report: Sendable {
        public let needs: [Need]
        public let findings: [Finding]
    }

    /// `releases` with their entries, `requirements` per release (a release without them
    /// requires nothing here; `unknown` says why one could not be read), `targets` by name.
    /// Findings in a stable order.
    public static func check(
        releases: [(entry: ResolvedPackage, version: Version)],
        requirements: [Release: [Requirement]], unknown: [Release: String] = [:],
        targets: [String: TargetDefinition]
    ) -> Report {
        // Extras other releases ask of a project, to a fixed point (an extra can pull another).
        var extras: [String: Set<String>] = [:]
        var needs: [Need] = []
        var undefined: [Finding] = []
        while true {
            (needs, undefined) = applicableNeeds(releases, requirements, targets, extras: extras)
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
            for target in need.targets {
                let available = releases.filter { $0.entry.entry.name.normalized == need.requirement.project && $0.entry.targets.contains(target) }.map(\.version)
                whitelisted.formUnion(available)
                if need.requirement.specifier.filter(available).isEmpty { unmetTargets.append(target) }
            }
            if !unmetTargets.isEmpty {
                let unmet = Need(requirer: need.requirer, requirement: need.requirement, targets: unmetTargets, location: need.location)
                findings.append(.unmet(unmet, whitelisted: whitelisted.sorted()))
            }
        }
        return Report(needs: needs, findings: findings)
    }

    /// Each release's requirements that apply on at least one of its targets and interpreters.
    private static func applicableNeeds(
        _ releases: [(entry: ResolvedPackage, version: Version)], _ requirements: [Release: [Requirement]],
        _ targets: [String: TargetDefinition], extras: [String: Set<String>]
    ) -> ([Need], [Finding]) {
        var needs: [Need] = []
        var undefined: [Finding] = []
        for (entry, version) in releases {
            let release = Release(project: entry.entry.name, version: version)
            for requirement in requirements[release] ?? [] {
                var applying: [String] = []
                var failure: String?
                for target in entry.targets.sorted() {
                    let machine = targets[target]?.architecture ?? "x86_64"
                    let applies = (entry.pythons[target] ?? []).contains { python in
                        let environment = MarkerEnvironment.linux(pythonVersion: python, machine: machine, extras: extras[entry.entry.name.normalized] ?? [])
                        do {
                            return try requirement.applies(in: environment)
                        } catch {
                            failure = "\(error)"
                            return false
                        }
                    }
                    if applies { applying.append(target) }
                }
                let need = Need(requirer: release, requirement: requirement, targets: applying, location: entry.entry.location)
                if let failure { undefined.append(.undefinedMarker(need, reason: failure)) }
                if !applying.isEmpty { needs.append(need) }
            }
        }
        return (needs, undefined)
    }
}
