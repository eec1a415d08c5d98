import ArgumentParser
import Builder
import Foundation
import SiteConfiguration
import PythonPackaging
import Upstream
import Whitelist
import Workspace

extension Wheelwright.WhitelistCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Request a package: resolve it upstream and add it to a whitelist file.",
            discussion: """
                NAME alone takes the newest final release that has an sdist; NAME==VERSION that version; \
                NAME with a specifier (NAME>=2,<3) the newest release it admits. Records the license and \
                project URL from the package's metadata, inserts the entry in its sorted place keeping \
                the rest of the file byte for byte, lints the result and prints the change. Refuses \
                projects or versions that do not exist, have no sdist, or are denied. With --with-deps, \
                also adds what it requires (its Requires-Dist on the entry's targets and interpreters, \
                transitively) that the whitelist lacks: for each such project the newest final release \
                with an sdist that meets every requirement placed on it, with reason "dependency of …" \
                (in the file that already lists the project, when one does, else in --file); \
                with build requirements whitelisted, what each added release needs to be built too \
                (its [build-system].requires), with reason "build requirement of NAME VERSION (…)". \
                --with-build-deps adds only what it needs to be built, and what that needs to run and \
                be built, not what it needs to run (for a project whose dependencies come from elsewhere).
                """
        )

        @Argument(help: "NAME, NAME==VERSION or NAME followed by a specifier.")
        var requirement: String

        @Option(help: "The whitelist file to edit.")
        var file = "whitelists/opensource.yaml"

        @Option(help: "Who asks for it.")
        var requestedBy: String?

        @Option(help: "Why the company needs it.")
        var reason: String?

        @Option(help: "Targets, comma-separated (default: the file's defaults).")
        var targets: String?

        @OptionGroup var upstream: UpstreamOptions

        @OptionGroup var site: SiteOptions

        @Flag(help: "Allow pre-releases when choosing the newest version.")
        var prereleases = false

        @Flag(help: "Take a release still in its cooldown (cooldown: in wheelwright.yaml or on the entry); needs --reason, which the entry records.")
        var allowYoung = false

        @Option(help: "Why it is whitelisted although its license is outside the site's license policy (recorded as license-reason:).")
        var licenseReason: String?

        @Option(help: "The clock the cooldown is measured against, ISO 8601 UTC (default: now).")
        var asOf: String?

        @Flag(help: "Also add the dependencies it needs that the whitelist lacks (transitively).")
        var withDeps = false

        @Flag(help: "Also add what it needs to be built (build requirements whitelisted), transitively, but not what it needs to run.")
        var withBuildDeps = false

        @OptionGroup var buildRequirements: BuildRequirementsOption

        func validate() throws {
            if withBuildDeps && withDeps { throw ValidationError("--with-deps adds what --with-build-deps adds and more: give one of them") }
            if let licenseReason, licenseReason.allSatisfy(\.isWhitespace) { throw ValidationError("--license-reason is empty: say why it may be used outside the license policy") }
            if allowYoung && (reason ?? "").allSatisfy(\.isWhitespace) { throw ValidationError("--allow-young needs --reason TEXT: say why this release cannot wait for its cooldown") }
            try ClockOption.validate(asOf)
        }

        func run() async throws {
            let request = try PackageRequest(parsing: requirement)
            let configured = try site.configuration()
            let cache = try DownloadCache(root: configured.cache.map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot)
            let client = UpstreamClient(indices: upstream.urls)
            let folder = (file as NSString).deletingLastPathComponent
            let original = FileManager.default.fileExists(atPath: file) ? try String(contentsOfFile: file, encoding: .utf8) : ""
            let sources = try ProjectFiles.whitelistSources([folder.isEmpty ? "." : folder])
            let definitions = try ProjectFiles.targets(in: site.containers(configured)).targets
            let requestedTargets = targets.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            // The interpreters the entry will build for: its targets, else the file's defaults, else every target.
            let current = Whitelist.read(sources, targets: definitions).whitelist
            let defaults = current?.files
                .first { WhitelistAddition.normalized($0.path) == WhitelistAddition.normalized(file) }?.defaults ?? .none
            let interpreters = Whitelist.interpreters(targets: requestedTargets, pythons: nil, defaults: defaults, definitions: definitions).pythons

            let (page, index) = try await client.page(of: request.name.original)
            let listed = current?.packages.first { $0.entry.name == request.name }?.entry
            let cooldown = listed?.cooldown ?? configured.cooldown ?? .none
            let age = ReleaseAge(cooldown: cooldown, uploaded: UpstreamClient.sdistUploadTimes(in: page),
                                 now: asOf.flatMap(ClockOption.date) ?? Date(), allowYoung: allowYoung)
            let choice = try request.choose(offered: UpstreamClient.versions(in: page, sdistOnly: true),
                                            wheelOnly: UpstreamClient.wheelOnlyVersions(in: page),
                                            requiresPython: UpstreamClient.sdistRequiresPython(in: page),
                                            interpreters: interpreters, prereleases: prereleases, age: age)
            for note in choice.notes { print(note) }
            let version = choice.version
            // NAME alone never adds a release older than one the entry lists (newer ones may be young).
            if request.pinned == nil, case .exact(let versions)? = listed?.selection, let newest = versions.max(), newest > version {
                print("\(request.name) \(newest) is already listed, newer than \(version), the newest release this request takes: nothing changed")
                return
            }
            let sdist = try UpstreamClient.sdist(in: page, name: request.name.original, version: version, index: index)
            let metadata = try await client.coreMetadata(of: version, sdist: sdist, page: page, cache: cache)

            let entry = WhitelistEditor.Request(
                name: request.name, version: version, license: metadata.flatMap(ReleaseLicense.recorded),
                url: PackageRequest.projectURL(metadata, name: request.name, indexHost: index.host),
                reason: reason, requestedBy: requestedBy, targets: requestedTargets,
                allowYoung: age.young(version) != nil ? reason : nil
            )
            var requests = [entry]
            try WhitelistAddition.refuseListedElsewhere(entry, path: file, whitelist: sources, targets: definitions)
            if withDeps || withBuildDeps {
                let source = buildRequirements.source(configured)
                if withBuildDeps && !source.closureIncludesBuildRequirements {
                    throw ValidationError("--with-build-deps adds build requirements, which are whitelist entries only with build-requirements: whitelisted (this run: \(source.rawValue))")
                }
                var check = DependencyCheck(client: client, cache: cache, targets: definitions, buildRequirements: source)
                (check.cooldown, check.now) = (configured.cooldown ?? .none, age.now)
                requests = try await check.closure(of: entry, path: file, original: original, sources: sources, definitions: definitions,
                                                   requestRuntime: withDeps)
                for dependency in requests.dropFirst() { print("dependency: \(dependency.name) \(dependency.version) (\(dependency.reason ?? ""))") }
                if requests.count == 1 { print("dependencies: every \(withDeps ? "" : "build ")requirement of \(request.name) \(version) is met by the whitelist") }
            }
            if let policy = configured.licensePolicy {
                for (index, added) in requests.enumerated() {
                    guard let refusal = LicenseCheck.refusal("\(added.name) \(added.version)", license: added.license, policy: policy) else { continue }
                    // An entry already listed keeps its license: and license-reason:, which the editor does not touch.
                    if index == 0, let listed {
                        guard listed.licenseReason != nil else {
                            throw ValidationError(refusal + "; \(listed.name) is listed already (\(listed.location)): set its license: and license-reason: there by hand")
                        }
                        continue
                    }
                    guard index == 0, let licenseReason else {
                        throw ValidationError(refusal + (index == 0 ? "; to whitelist it anyway, say why: --license-reason TEXT (recorded as license-reason:)"
                                                                  : "; it is a dependency: add it alone first, with --license-reason TEXT, if it may be used anyway"))
                    }
                    requests[0].licenseReason = licenseReason
                }
            }
            let outcome = try WhitelistAddition.add(requests, to: file, original: original, whitelist: sources, targets: definitions)
            switch outcome {
            case .unchanged(let message):
                print(message)
            case let .changed(files, summary):
                for change in files {
                    try ProjectFiles.replace(change.path, with: change.text)
                    print(change.diff)
                }
                let names = requests.map { "\($0.name) \($0.version)" }.joined(separator: ", ")
                print("added \(names) to \(files.map(\.path).joined(separator: ", ")); lint: \(summary)")
            }
        }
    }
}
