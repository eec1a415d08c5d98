import ArgumentParser
import Builder
import Foundation
import PythonPackaging
import Runners
import SiteConfiguration
import Upstream

extension Wheelwright {
    struct RunnerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "runner",
            abstract: "Prepare the environments builds run in, list them, and build one sdist by hand.",
            subcommands: [Prepare.self, List.self, Build.self]
        )
    }
}

extension RunnerKind: ExpressibleByArgument {}
extension RootfsSandbox: ExpressibleByArgument {}

extension Wheelwright.RunnerCommand {
    struct Prepare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the root filesystem (and, for --runner oci, the image) of each target, once per recipe.",
            discussion: "Needs root: debootstrap runs as root. A prepared recipe is found by its hash and not made again."
        )

        @Argument(help: "The targets (folders under --containers).")
        var targets: [String]

        @Option(name: .customLong("system-package"), help: "A Debian package installed on top (repeatable): a derived rootfs keyed by the set.")
        var systemPackages: [String] = []

        @Option(help: "rootfs; oci for the container image too; host for this machine's venvs.")
        var runner: RunnerKind = .rootfs

        @Option(help: "Where the oci image comes from: rootfs (imported; no registry needed) or containerfile (the target's Containerfile).")
        var imageFrom: ImageOrigin = .rootfs

        enum ImageOrigin: String, ExpressibleByArgument, CaseIterable {
            case rootfs, containerfile
        }

        @OptionGroup var options: EnvironmentOptions

        func run() async throws {
            let site = try options.resolved()
            for name in targets {
                let recipe = Environments.Recipe(target: try site.target(name), systemPackages: systemPackages)
                switch runner {
                case .rootfs:
                    print(try await site.environments.prepareRootfs(recipe) { say($0) }.path)
                case .oci:
                    guard let engine = Environments.containerEngine else { throw RunnerError.missingTool("podman", install: "apt-get install podman runc") }
                    let source: Environments.ImageSource = switch imageFrom {
                    case .rootfs: .rootfs
                    case .containerfile: .containerfile(URL(fileURLWithPath: site.containers).appendingPathComponent("\(name)/Containerfile"))
                    }
                    print(try await site.environments.prepareImage(recipe, engine: engine, from: source) { say($0) })
                case .host:
                    for version in recipe.target.pythonVersions { print(try await site.environments.prepareHostVenv(version: version)) }
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each target's root filesystems: recipe hash, state, size, and the runners that can use them here.")

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var options: EnvironmentOptions

        func run() async throws {
            let site = try options.resolved()
            let rows = try await site.environments.status(of: try site.targets())
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            TextTable.print([["TARGET", "RECIPE", "SYSTEM PACKAGES", "STATE", "SIZE", "RUNNERS"]] + rows.map { row in
                [row.target, row.recipe, row.systemPackages.isEmpty ? "-" : row.systemPackages.joined(separator: ","),
                 row.prepared ? "prepared" : "not prepared", row.sizeBytes.map { "\($0 >> 20) MiB" } ?? "-",
                 row.runners.isEmpty ? "-" : row.runners.joined(separator: ", ")]
            })
        }
    }

    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build one sdist for a target and print the wheel's path: for debugging one package, and for tests.",
            discussion: """
                Fills the wheelhouse of the sdist's build requirements (static ones from [build-system], then \
                the backend's dynamic ones, asked inside the sandbox), then builds offline against it. Exit 0 \
                with the wheel paths, or 1 with the reason and the log's path.
                """
        )

        @Argument(help: "The target (a folder under --containers).")
        var target: String

        @Argument(help: "The sdist (.tar.gz or .zip).")
        var sdist: String

        @Option(help: "The folder the wheels are written to.")
        var out: String

        @Option(help: "The interpreter version (default: the target's first).")
        var python: String?

        @Option(help: "rootfs (the default), oci or host (a venv on this machine: no isolation).")
        var runner: RunnerKind = .rootfs

        @Option(help: "How the rootfs runner confines: auto, bubblewrap or chroot.")
        var sandbox: RootfsSandbox = .automatic

        @Option(help: "Use this wheelhouse of build requirements as it is (offline) instead of filling one.")
        var wheelhouse: String?

        @Option(name: .customLong("system-package"), help: "A Debian package the build needs (repeatable).")
        var systemPackages: [String] = []

        @Option(name: .customLong("env"), help: "KEY=VALUE for the build's environment (repeatable).")
        var environment: [String] = []

        @OptionGroup var limitOptions: LimitOptions

        @Option(help: "The log file (default: OUT/build.log).")
        var log: String?

        @Option(help: "The download cache, for the wheelhouse and vendored crates (default: $XDG_CACHE_HOME/wheelwright).")
        var cache: String?

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var options: EnvironmentOptions
        @OptionGroup var upstream: UpstreamOptions
        @OptionGroup var crateRegistry: CrateRegistryOption

        func validate() throws {
            if let bad = environment.first(where: { !$0.contains("=") }) { throw ValidationError("--env needs KEY=VALUE, found '\(bad)'") }
        }

        /// `--env KEY=VALUE` pairs (checked by `validate`); the last of a key wins.
        var variables: [String: String] {
            Dictionary(environment.map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), String(parts[1]))
            }, uniquingKeysWith: { _, last in last })
        }

        func run() async throws {
            let site = try options.resolved()
            let definition = try site.target(target)
            let (build, recipe): (SdistBuild, Environments.Recipe)
            do {
                (build, recipe) = try SdistBuild.prepare(sdist: URL(fileURLWithPath: sdist), target: definition, python: python, systemPackages: systemPackages,
                                                         environment: variables, limits: limitOptions.limits(), output: URL(fileURLWithPath: out),
                                                         log: log.map { URL(fileURLWithPath: $0) })
            } catch RunnerError.missingSdist(let path) {
                throw ValidationError("no such sdist: \(path)")
            }
            let runner = try await site.environments.runner(self.runner, for: recipe, sandbox: sandbox) { message in
                if !json { say(message) }
            }
            let downloads = try DownloadCache(root: (cache ?? site.configuration.cache).map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot)
            let registry = try (crateRegistry.flag ?? site.configuration.crateRegistry).map { try CrateRegistry.parse($0).get() }
            let (outcome, dynamic, _) = try await build.run(in: runner, wheelhouses: wheelhouses(for: definition, pythonVersion: build.interpreter.version,
                                                                                             cache: downloads, configured: site.configuration.upstream),
                                                         crates: CrateVendoring(cache: downloads, registry: registry))
            try report(outcome, of: build, runner: runner.description, dynamic: dynamic)
        }

        /// The wheels' paths (or `--json`'s report); a failure's summary and its log's last lines, exit 1.
        private func report(_ outcome: BuildOutcome, of build: SdistBuild, runner: String, dynamic: [IndexRequirement]) throws {
            if json {
                print(String(decoding: try SdistBuildReport(outcome: outcome, runner: runner, dynamic: dynamic).encoded(), as: UTF8.self))
            } else if outcome.succeeded {
                for wheel in outcome.wheels { print(wheel.path) }
            } else {
                FileHandle.standardError.write(Data("error: \(build.sdist.lastPathComponent) on \(target): \(outcome.summary)\n".utf8))
                let tail = ((try? String(contentsOf: outcome.log, encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false).suffix(20)
                FileHandle.standardError.write(Data((tail.joined(separator: "\n") + "\n").utf8))
            }
            if !outcome.succeeded { throw ExitCode(1) }
        }

        /// The given wheelhouse, or one filled from upstream for each requirement set.
        private func wheelhouses(for definition: TargetDefinition, pythonVersion: String, cache downloads: DownloadCache,
                                 configured: [String]?) -> BuildRequirements.Provider {
            if let wheelhouse {
                let folder = URL(fileURLWithPath: wheelhouse)
                return { _ in folder }
            }
            return SdistBuild.wheelhouses(cache: downloads, indices: upstream.urls(configured: configured), target: definition, python: pythonVersion)
        }
    }
}

/// A progress line on standard error, at once (standard output is kept for results).
private func say(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
