import ArgumentParser
import Builder
import Foundation
import SiteConfiguration
import Upstream
import Workspace
import YAMLFiles
import Whitelist

extension Wheelwright {
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download every sdist the whitelist selects into the cache, checking each hash.",
            discussion: """
                Entries with `versions` fetch those; entries with `specifier`/`latest` fetch the newest \
                matching releases upstream offers with an sdist (no yanked files; pre-releases only when \
                the specifier names one). Denied versions are skipped. A file already in the cache is not downloaded \
                again. Exits 1 when anything could not be fetched, 2 when the whitelist has errors.
                """
        )

        @Argument(help: "Whitelist files or folders of them (default: the config file's whitelists:, else ./whitelists).")
        var paths: [String] = []

        @OptionGroup var site: SiteOptions

        @Option(help: "Only this project (repeatable; any spelling of the name).")
        var only: [String] = []

        @Option(help: "Only entries built for this target.")
        var target: String?

        @OptionGroup var upstream: UpstreamOptions

        @Option(help: "The download cache (default: the config file's cache:, else $XDG_CACHE_HOME/wheelwright).")
        var cache: String?

        @Option(help: "Downloads at once.")
        var jobs = 8

        @Flag(help: "Print one JSON document instead of lines.")
        var json = false

        func validate() throws {
            guard jobs > 0 else { throw ValidationError("--jobs must be at least 1") }
        }

        func run() async throws {
            let file = try site.configuration()
            let whitelist = try readWhitelist(file)
            let upstreams = upstream.urls(configured: file.upstream)
            let downloads = try DownloadCache(root: (cache ?? file.cache).map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot)
            let packages = SourceFetch.packages(of: whitelist, only: only, target: target)
            let progress = Progress(total: packages.count, label: "fetch", quiet: json)
            let fetch = SourceFetch(sources: SourceFetcher(client: UpstreamClient(indices: upstreams), cache: downloads), width: jobs)
            let outcomes = await fetch.run(packages, whitelist: whitelist) { outcomes in
                let lines = outcomes.map { "\($0.status.rawValue) \($0.name) \($0.version)" + ($0.error.map { ": \($0)" } ?? "") }
                progress.finished(lines.joined(separator: "\n"), failed: outcomes.contains { $0.status == .failed })
            }
            print(json ? try PrettyJSON.string(Output(upstreams: upstreams.map(\.absoluteString), files: outcomes)) : Self.summary(outcomes, cache: downloads.root))
            if outcomes.contains(where: { $0.status == .failed }) { throw ExitCode(1) }
        }

        /// The whitelist the flags or the config file name; its errors printed and exit 2 when it has any.
        private func readWhitelist(_ file: BuildConfiguration) throws -> Whitelist {
            let (targets, targetDiagnostics) = try ProjectFiles.targets(in: site.containers(file))
            let sources = try ProjectFiles.whitelistSources(paths.isEmpty ? file.whitelists ?? ["whitelists"] : paths)
            let report = Whitelist.read(sources, targets: targets).adding(targetDiagnostics)
            guard let whitelist = report.whitelist else {
                for diagnostic in report.diagnostics where diagnostic.severity == .error { print(diagnostic) }
                print("the whitelist has errors: run `wheelwright whitelist lint`")
                throw ExitCode(2)
            }
            return whitelist
        }

        /// `--json`'s document.
        struct Output: Encodable {
            let upstreams: [String]
            let files: [SourceFetch.Outcome]
        }

        /// Each failure with its reason, then the counts.
        static func summary(_ outcomes: [SourceFetch.Outcome], cache: URL) -> String {
            let count = { (status: SourceFetch.Status) in outcomes.count { $0.status == status } }
            let failures = outcomes.filter { $0.status == .failed }.map { "error: \($0.name) \($0.version): \($0.error ?? "")\n" }
            return failures.joined() + "\(count(.fetched)) fetched, \(count(.cached)) already cached, \(count(.denied)) denied, \(count(.failed)) failed; cache: \(cache.path)"
        }
    }
}
