import ArgumentParser
import Builder
import Foundation
import PythonPackaging
import Upstream
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

        @Argument(help: "Whitelist files or folders of them.")
        var paths: [String] = ["whitelists"]

        @Option(help: "The folder of target definitions.")
        var containers = "containers"

        @Option(help: "Only this project (repeatable; any spelling of the name).")
        var only: [String] = []

        @Option(help: "Only entries built for this target.")
        var target: String?

        @OptionGroup var upstream: UpstreamOptions

        @Option(help: "The download cache (default: $XDG_CACHE_HOME/wheelwright).")
        var cache: String?

        @Option(help: "Downloads at once.")
        var jobs = 8

        @Flag(help: "Print one JSON document instead of lines.")
        var json = false

        func validate() throws {
            guard jobs > 0 else { throw ValidationError("--jobs must be at least 1") }
        }

        struct Outcome: Encodable, Sendable {
            let name: String
            let version: String
            var status: String
            var file: String?
            var path: String?
            var error: String?
        }

        func run() async throws {
            let (targets, targetDiagnostics) = try ProjectFiles.targets(in: containers)
            let report = Whitelist.read(try ProjectFiles.whitelistSources(paths), targets: targets).adding(targetDiagnostics)
            guard let whitelist = report.whitelist else {
                for diagnostic in report.diagnostics where diagnostic.severity == .error { print(diagnostic) }
                print("the whitelist has errors: run `wheelwright whitelist lint`")
                throw ExitCode(2)
            }
            let upstreams = upstream.urls
            let cache = try DownloadCache(root: cache.map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot)
            let sources = SourceFetcher(client: UpstreamClient(indices: upstreams), cache: cache)
            let wanted = Set(only.map { ProjectName.normalize($0) })
            let packages = whitelist.packages.filter { package in
                (wanted.isEmpty || wanted.contains(package.entry.name.normalized)) && (target.map(package.targets.contains) ?? true)
            }
            let progress = Progress(total: packages.count, label: "fetch", quiet: json)
            let outcomes = await withTaskGroup(of: [Outcome].self) { group in
                var results: [Outcome] = []
                var running = 0
                for package in packages {
                    if running == jobs, let finished = await group.next() {
                        results += finished
                        running -= 1
                    }
                    running += 1
                    group.addTask {
                        let outcomes = await fetch(package, whitelist: whitelist, sources: sources)
                        let line = outcomes.map { "\($0.status) \($0.name) \($0.version)" + ($0.error.map { ": \($0)" } ?? "") }.joined(separator: "\n")
                        progress.finished(line, failed: outcomes.contains { $0.status == "failed" })
                        return outcomes
                    }
                }
                for await finished in group { results += finished }
                return results.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
            }
            let failed = outcomes.filter { $0.status == "failed" }
            if json {
                struct Output: Encodable {
                    let upstreams: [String]
                    let files: [Outcome]
                }
                print(try PrettyJSON.string(Output(upstreams: upstreams.map(\.absoluteString), files: outcomes)))
            } else {
                for outcome in failed { print("error: \(outcome.name) \(outcome.version): \(outcome.error ?? "")") }
                let count = { (status: String) in outcomes.count { $0.status == status } }
                print("\(count("fetched")) fetched, \(count("cached")) already cached, \(count("denied")) denied, \(failed.count) failed; cache: \(cache.root.path)")
            }
            if !failed.isEmpty { throw ExitCode(1) }
        }

        /// Resolves and downloads one entry's versions; every failure becomes an outcome.
        private func fetch(_ package: ResolvedPackage, whitelist: Whitelist, sources: SourceFetcher) async -> [Outcome] {
            let name = package.entry.name
            let versions: [Version]
            do {
                versions = try await sources.versions(of: package.entry)
            } catch {
                return [Outcome(name: name.normalized, version: "*", status: "failed", error: "\(error)")]
            }
            if versions.isEmpty {
                return [Outcome(name: name.normalized, version: "*", status: "failed", error: "no release of \(name) matches \(package.entry.selection)")]
            }
            var outcomes: [Outcome] = []
            for version in versions {
                var outcome = Outcome(name: name.normalized, version: version.description, status: "fetched")
                if let rule = whitelist.denial(of: name, version: version) {
                    outcome.status = "denied"
                    outcome.error = "denied at \(rule.location): \(rule.reason)"
                    outcomes.append(outcome)
                    continue
                }
                do {
                    let found = try await sources.fetch(project: name.original, version: version)
                    outcome.status = found.wasCached ? "cached" : "fetched"
                    outcome.file = found.filename
                    outcome.path = found.path.path
                } catch {
                    outcome.status = "failed"
                    outcome.error = "\(error)"
                }
                outcomes.append(outcome)
            }
            return outcomes
        }
    }
}
