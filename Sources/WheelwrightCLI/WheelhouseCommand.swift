import ArgumentParser
import Foundation
import PythonPackaging
import SiteConfiguration
import Upstream
import Workspace

extension Wheelwright {
    struct Wheelhouse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill (or find in the cache) the wheelhouse of an sdist's build requirements for a target.",
            discussion: """
                Reads [build-system] from the sdist's pyproject.toml (or PEP 517's default) and downloads \
                binary wheels for them and their dependencies, for the target's interpreter and platforms, \
                with pip. The same requirement set is fetched once. Prints the wheelhouse's path.
                """
        )

        @Argument(help: "The sdist (.tar.gz or .zip).")
        var sdist: String

        @Option(help: "The target whose interpreter and glibc the wheels must fit.")
        var target = "debian-12"

        @Option(help: "The interpreter version (default: the target's first).")
        var python: String?

        @OptionGroup var site: SiteOptions

        @Option(help: "The cache (default: the config file's cache:, else $XDG_CACHE_HOME/wheelwright).")
        var cache: String?

        @OptionGroup var upstream: UpstreamOptions

        func run() async throws {
            let file = try site.configuration()
            let containers = site.containers(file)
            let (targets, _) = try ProjectFiles.targets(in: containers)
            guard let definition = targets.first(where: { $0.name == target }) else {
                throw ValidationError("no target '\(target)' in \(containers)/ (have: \(targets.map(\.name).joined(separator: ", ")))")
            }
            guard let pythonVersion = python ?? definition.pythonVersions.first else {
                throw ValidationError("target \(target) names no interpreter")
            }
            let filename = (sdist as NSString).lastPathComponent
            let buildSystem = try WheelhouseBuilder.buildSystem(ofSdist: sdist, filename: filename)
            let downloads = try DownloadCache(root: (cache ?? file.cache).map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot)
            let builder = WheelhouseBuilder(cache: downloads, indices: upstream.urls(configured: file.upstream))
            let platforms = WheelhouseBuilder.platforms(glibc: definition.glibc, architecture: definition.architecture)
            let wheelhouse = try await builder.wheelhouse(for: buildSystem.requires, pythonVersion: pythonVersion, platforms: platforms)
            let wheels = (try? FileManager.default.contentsOfDirectory(atPath: wheelhouse.path))?.filter { $0.hasSuffix(".whl") }.sorted() ?? []
            print("build requirements: \(buildSystem.requires.map(\.description).joined(separator: ", "))\(buildSystem.isLegacyDefault ? " (PEP 517 default)" : "")")
            for wheel in wheels { print("  \(wheel)") }
            print(wheelhouse.path)
        }
    }
}
