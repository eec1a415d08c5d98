import ArgumentParser
import Builder
import Foundation
import SiteConfiguration
import Upstream
import Whitelist
import Workspace
import YAMLFiles

extension Wheelwright {
    struct WhitelistCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "whitelist",
            abstract: "Check the company whitelist, and request packages for it.",
            subcommands: [Lint.self, Add.self]
        )
    }
}

extension Wheelwright.WhitelistCommand {
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check whitelist files and report every defect as file:line:column.",
            discussion: """
                Reads every *.yaml file in the given folders (and any files named), together, with the \
                target definitions under --containers (or the config file's). Prints one line per finding; exits 1 when there \
                is an error, 0 otherwise. With --deps, also reads each release's requirements from \
                upstream (cached) and reports every one that no whitelisted version meets on a target the \
                entry is built for, with the `whitelist add` that fixes it or the deny rule that stops it; \
                with build requirements whitelisted, each release's [build-system].requires (read from \
                its sdist) too.
                """
        )

        @Argument(help: "Whitelist files or folders of them (default: the config file's whitelists:, else ./whitelists).")
        var paths: [String] = []

        @OptionGroup var site: SiteOptions

        @Flag(help: "Print one JSON document instead of lines.")
        var json = false

        @Flag(help: "Check the dependency closure against upstream (needs the upstream index).")
        var deps = false

        @OptionGroup var upstream: UpstreamOptions

        @OptionGroup var buildRequirements: BuildRequirementsOption

        func run() async throws {
            let file = try site.configuration()
            let (targets, targetDiagnostics) = try ProjectFiles.targets(in: site.containers(file))
            let sources = try ProjectFiles.whitelistSources(paths.isEmpty ? file.whitelists ?? ["whitelists"] : paths)
            var report = Whitelist.read(sources, targets: targets).adding(targetDiagnostics)
                .adding(buildRequirements.migrationWarning(file, configPath: ConfigFile.path(flag: site.config)).map { [$0] } ?? [])
            if let whitelist = report.whitelist { report = report.adding(SitePolicyCheck.diagnostics(whitelist, site: file)) }
            if deps, let whitelist = report.whitelist {
                var check = DependencyCheck(client: UpstreamClient(indices: upstream.urls(configured: file.upstream)),
                                            cache: try DownloadCache(root: file.cache.map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot),
                                            targets: targets, buildRequirements: buildRequirements.source(file))
                check.cooldown = file.cooldown ?? .none
                report = report.adding(try await check.check(whitelist).diagnostics)
            }
            print(json ? try LintOutput(report).encoded() : (report.diagnostics.map(\.description) + [report.summary]).joined(separator: "\n"))
            if report.errorCount > 0 { throw ExitCode(1) }
        }
    }
}

/// The `--json` form of a lint run, for CI and editors.
struct LintOutput: Encodable {
    struct Finding: Encodable {
        let file: String
        let line: Int
        let column: Int
        let severity: Diagnostic.Severity
        let message: String
    }

    let files: Int
    let packages: Int
    let prebuilt: Int
    let denied: Int
    let errors: Int
    let warnings: Int
    let diagnostics: [Finding]

    init(_ report: WhitelistReport) {
        files = report.fileCount
        packages = report.packageCount
        prebuilt = report.prebuiltCount
        denied = report.denyCount
        errors = report.errorCount
        warnings = report.warningCount
        diagnostics = report.diagnostics.map {
            Finding(file: $0.location.file, line: $0.location.line, column: $0.location.column, severity: $0.severity, message: $0.message)
        }
    }

    func encoded() throws -> String { try PrettyJSON.string(self) }
}
