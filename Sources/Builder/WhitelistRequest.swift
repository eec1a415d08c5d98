import Foundation
import PythonPackaging
import SiteConfiguration
import Upstream
import Whitelist
import Workspace

/// `wheelwright whitelist add`: a package requested, its release chosen upstream (newest final
/// with an sdist, within the request's specifier, the interpreters and the cooldown), its
/// dependencies added when asked, the license policy applied, and the entries written into
/// their whitelist files, each edited minimally and linted.
public struct WhitelistRequest: Sendable {
    /// What the request adds besides the package itself.
    public enum Closure: Sendable {
        /// The package alone.
        case none
        /// What it needs to run, transitively (and to be built, when build requirements are whitelisted).
        case runtime
        /// What it needs to be built, and what that needs, not what it needs to run.
        case build
    }

    /// How the request ended.
    public enum Outcome: Sendable, Equatable {
        /// A newer release than the one chosen is listed already: nothing written.
        case newerListed(String)
        /// The whitelist already says all of it: nothing written.
        case unchanged(String)
        /// Files written: each one's diff, and a line naming what was added and the lint's summary.
        case changed(diffs: [String], summary: String)
    }

    /// A request refused for a reason the requester can act on (a license outside the policy,
    /// build requirements not whitelisted); the command shows it as a usage error.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public var package: PackageRequest
    /// The whitelist file the entry goes in (dependencies go where their project is listed, if it is).
    public var file: String
    public var requestedBy, reason: String?
    /// The entry's targets; nil: the file's defaults.
    public var targets: [String]?
    public var prereleases = false
    /// Take a release still in its cooldown (`reason` says why).
    public var allowYoung = false
    /// Why it is whitelisted outside the license policy.
    public var licenseReason: String?
    /// The clock the cooldown is measured against.
    public var now = Date()
    public var closure = Closure.none

    public init(package: PackageRequest, file: String) {
        (self.package, self.file) = (package, file)
    }

    /// Resolves the request against `client`'s indices and writes the whitelist files; `note`
    /// hears remarks as they arise (a release passed over and why, each dependency added).
    public func run(configuration: BuildConfiguration, definitions: [TargetDefinition], buildRequirements: BuildRequirementsSource,
                    client: UpstreamClient, cache: DownloadCache, note: (String) -> Void) async throws -> Outcome {
        let folder = (file as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard folder.isEmpty || (FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) else {
            throw Refusal(description: "no folder \(folder)/ here for \(file) (--file's default is whitelists/opensource.yaml): run this where the company's whitelists are, or name the file to edit with --file PATH (created when missing; its folder must exist)")
        }
        let original = FileManager.default.fileExists(atPath: file) ? try String(contentsOfFile: file, encoding: .utf8) : ""
        let sources = try ProjectFiles.whitelistSources([folder.isEmpty ? "." : folder])
        // The interpreters the entry will build for: its targets, else the file's defaults, else every target.
        let current = Whitelist.read(sources, targets: definitions).whitelist
        let defaults = current?.files.first { WhitelistAddition.normalized($0.path) == WhitelistAddition.normalized(file) }?.defaults ?? .none
        let interpreters = Whitelist.interpreters(targets: targets, pythons: nil, defaults: defaults, definitions: definitions).pythons

        let (page, index) = try await client.page(of: package.name.original)
        let listed = current?.packages.first { $0.entry.name == package.name }?.entry
        let age = ReleaseAge(cooldown: listed?.cooldown ?? configuration.cooldown ?? .none, uploaded: UpstreamClient.sdistUploadTimes(in: page),
                             now: now, allowYoung: allowYoung)
        let choice = try package.choose(offered: UpstreamClient.versions(in: page, sdistOnly: true), wheelOnly: UpstreamClient.wheelOnlyVersions(in: page),
                                        requiresPython: UpstreamClient.sdistRequiresPython(in: page), interpreters: interpreters,
                                        prereleases: prereleases, age: age)
        choice.notes.forEach(note)
        let version = choice.version
        // NAME alone never adds a release older than one the entry lists (newer ones may be young).
        if package.pinned == nil, case .exact(let versions)? = listed?.selection, let newest = versions.max(), newest > version {
            return .newerListed("\(package.name) \(newest) is already listed, newer than \(version), the newest release this request takes: nothing changed")
        }
        let sdist = try UpstreamClient.sdist(in: page, name: package.name.original, version: version, index: index)
        let metadata = try await client.coreMetadata(of: version, sdist: sdist, page: page, cache: cache)
        let entry = WhitelistEditor.Request(
            name: package.name, version: version, license: metadata.flatMap(ReleaseLicense.recorded),
            url: PackageRequest.projectURL(metadata, name: package.name, indexHost: index.host),
            reason: reason, requestedBy: requestedBy, targets: targets, allowYoung: age.young(version) != nil ? reason : nil
        )
        try WhitelistAddition.refuseListedElsewhere(entry, path: file, whitelist: sources, targets: definitions)
        var requests = [entry]
        var check = DependencyCheck(client: client, cache: cache, targets: definitions, buildRequirements: buildRequirements)
        (check.cooldown, check.now) = (configuration.cooldown ?? .none, now)
        if closure != .none {
            if closure == .build && !buildRequirements.closureIncludesBuildRequirements {
                throw Refusal(description: "--with-build-deps adds build requirements, which are whitelist entries only with build-requirements: whitelisted (this run: \(buildRequirements.rawValue))")
            }
            requests = try await check.closure(of: entry, path: file, original: original, sources: sources, definitions: definitions,
                                               requestRuntime: closure == .runtime)
            requests.dropFirst().forEach { note("dependency: \($0.name) \($0.version) (\($0.reason ?? ""))") }
            if requests.count == 1 {
                note("dependencies: every \(closure == .runtime ? "" : "build ")requirement of \(package.name) \(version) is met by the whitelist")
            }
        } else {
            // Added alone, it may not install from the index: say what it needs that is missing, and how to add it.
            do {
                let missing = try await check.closure(of: entry, path: file, original: original, sources: sources, definitions: definitions,
                                                      requestRuntime: true).dropFirst()
                if !missing.isEmpty {
                    note("missing: \(package.name) \(version) needs \(missing.map { "\($0.name) \($0.version)" }.joined(separator: ", ")), which the whitelist does not hold: without them it does not install from the index; add them with it: \(Self.withDepsCommand("\(package.name.original)==\(version)", file: file))")
                }
            } catch {
                note("its dependencies cannot all be whitelisted: \(error)")
            }
        }
        if let policy = configuration.licensePolicy { try applyLicensePolicy(policy, to: &requests, listed: listed) }
        switch try WhitelistAddition.add(requests, to: file, original: original, whitelist: sources, targets: definitions) {
        case .unchanged(let message):
            return .unchanged(message)
        case let .changed(files, summary):
            for change in files { try ProjectFiles.replace(change.path, with: change.text) }
            let names = requests.map { "\($0.name) \($0.version)" }.joined(separator: ", ")
            return .changed(diffs: files.map(\.diff), summary: "added \(names) to \(files.map(\.path).joined(separator: ", ")); lint: \(summary)")
        }
    }

    /// The command that adds `name` with its dependencies to `file`, quoted for a POSIX shell.
    static func withDepsCommand(_ name: String, file: String) -> String {
        ["wheelwright", "whitelist", "add", name, "--with-deps", "--file", file].map(WhitelistAddition.shellQuoted).joined(separator: " ")
    }

    /// Refuses a release whose license is outside `policy`, unless it is the requested one and
    /// `licenseReason` says why (recorded as `license-reason:`), or it is listed already with one.
    private func applyLicensePolicy(_ policy: LicensePolicy, to requests: inout [WhitelistEditor.Request], listed: PackageEntry?) throws {
        for (position, added) in requests.enumerated() {
            guard let refusal = LicenseCheck.refusal("\(added.name) \(added.version)", license: added.license, policy: policy) else { continue }
            // An entry already listed keeps its license: and license-reason:, which the editor does not touch.
            if position == 0, let listed {
                guard listed.licenseReason != nil else {
                    throw Refusal(description: refusal + "; \(listed.name) is listed already (\(listed.location)): set its license: and license-reason: there by hand")
                }
                continue
            }
            guard position == 0, let licenseReason else {
                throw Refusal(description: refusal + (position == 0 ? "; to whitelist it anyway, say why: --license-reason TEXT (recorded as license-reason:)"
                                                                     : "; it is a dependency: add it alone first, with --license-reason TEXT, if it may be used anyway"))
            }
            requests[0].licenseReason = licenseReason
        }
    }
}
