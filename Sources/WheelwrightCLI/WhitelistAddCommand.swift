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
            let configured = try site.configuration()
            var request = WhitelistRequest(package: try PackageRequest(parsing: requirement), file: file)
            (request.requestedBy, request.reason, request.licenseReason) = (requestedBy, reason, licenseReason)
            request.targets = targets.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            (request.prereleases, request.allowYoung, request.now) = (prereleases, allowYoung, asOf.flatMap(ClockOption.date) ?? Date())
            request.closure = withDeps ? .runtime : withBuildDeps ? .build : .none
            let outcome: WhitelistRequest.Outcome
            do {
                outcome = try await request.run(
                    configuration: configured, definitions: try ProjectFiles.targets(in: site.containers(configured)).targets,
                    buildRequirements: buildRequirements.source(configured), client: UpstreamClient(indices: upstream.urls(configured: configured.upstream)),
                    cache: try DownloadCache(root: configured.cache.map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot)) { print($0) }
            } catch let refusal as WhitelistRequest.Refusal {
                throw ValidationError(refusal.description)
            }
            switch outcome {
            case .newerListed(let message), .unchanged(let message): print(message)
            case let .changed(diffs, summary): print((diffs + [summary]).joined(separator: "\n"))
            }
        }
    }
}
