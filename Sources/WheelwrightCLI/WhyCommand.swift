import ArgumentParser
import Builder
import Foundation
import PythonPackaging
import SiteConfiguration
import Upstream
import Whitelist
import Workspace

extension Wheelwright {
    struct Why: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the chain that brought a project into the whitelist.",
            discussion: """
                Reads the whitelist and its dependency closure (as whitelist lint --deps does, from \
                upstream, cached), then prints the project's entry (where, requested by, reason) and \
                every whitelisted release that needs it, to run (dependency of) or to be built (build \
                requirement of), each with why that release is there in turn, up to the entries \
                nobody else needs. Exits 1 when the project is neither whitelisted nor needed.
                """
        )

        @Argument(help: "The project.")
        var name: String

        @Option(help: "Whitelist files or folders of them (default: the config file's whitelists:, else ./whitelists).")
        var whitelist: [String] = []

        @OptionGroup var site: SiteOptions

        @OptionGroup var upstream: UpstreamOptions

        @OptionGroup var buildRequirements: BuildRequirementsOption

        func run() async throws {
            let project = try ProjectName(name).normalized
            let file = try site.configuration()
            let targets = try ProjectFiles.targets(in: site.containers(file)).targets
            let sources = try ProjectFiles.whitelistSources(whitelist.isEmpty ? file.whitelists ?? ["whitelists"] : whitelist)
            let read = Whitelist.read(sources, targets: targets)
            guard let list = read.whitelist else {
                for diagnostic in read.diagnostics { print(diagnostic) }
                throw ExitCode(1)
            }
            let check = DependencyCheck(client: UpstreamClient(indices: upstream.urls(configured: file.upstream)),
                                        cache: try DownloadCache(root: file.cache.map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot),
                                        targets: targets, buildRequirements: buildRequirements.source(file))
            let needs = try await check.check(list).report.needs
            let chain = DependencyChain(whitelist: list, needs: needs)
            guard list.packages.contains(where: { $0.entry.name.normalized == project }) || needs.contains(where: { $0.requirement.project == project }) else {
                print("\(project) is not whitelisted, and no whitelisted release needs it")
                throw ExitCode(1)
            }
            for line in chain.explain(project) { print(line) }
        }
    }
}
