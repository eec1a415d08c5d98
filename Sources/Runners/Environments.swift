import Basics
import Crypto
import Foundation
import SiteConfiguration

#if canImport(Glibc)
import Glibc
#endif

/// The environments builds run in, kept under the data directory: root filesystems made from
/// each target's recipe (and derived ones with a whitelist entry's system packages), container
/// images imported from them, and host venvs. Each is keyed by the hash of what it is made of,
/// made in a temporary place and renamed into place when complete, so a half-made one is never
/// used and a second `prepare` of the same recipe does nothing.
public struct Environments: Sendable {
    public let data: URL
    var rootfsFolder: URL { data.appendingPathComponent("rootfs") }
    var support: URL { data.appendingPathComponent("support") }

    public init(data: URL) {
        self.data = data
    }

    // MARK: Root filesystems

    /// What a root filesystem is made of, and its key.
    public struct Recipe: Sendable, Hashable {
        public let target: TargetDefinition
        /// A whitelist entry's `system-packages`, on top of the target's base packages.
        public let systemPackages: [String]

        public init(target: TargetDefinition, systemPackages: [String] = []) {
            self.target = target
            self.systemPackages = Array(Set(systemPackages)).sorted()
        }

        public var base: Recipe { Recipe(target: target) }

        /// The recipe in words: what the hash covers.
        public var text: String {
            let rootfs = target.rootfs
            var lines = ["target=\(target.name)", "tool=\(rootfs.tool)", "suite=\(rootfs.suite)", "variant=\(rootfs.variant)",
                         "mirror=\(rootfs.mirror)", "architecture=\(target.architecture)",
                         "packages=\(target.basePackages.sorted().joined(separator: ","))"]
            if !systemPackages.isEmpty { lines.append("system-packages=\(systemPackages.joined(separator: ","))") }
            return lines.joined(separator: "\n") + "\n"
        }

        public var key: String {
            SHA256.hash(data: Data(text.utf8)).prefix(6).hex
        }

        /// `debian-12-1a2b3c4d5e6f`
        public var name: String { "\(target.name)-\(key)" }
    }

    public func rootfs(_ recipe: Recipe) -> URL { rootfsFolder.appendingPathComponent(recipe.name) }

    public func isPrepared(_ recipe: Recipe) -> Bool {
        FileManager.default.fileExists(atPath: rootfs(recipe).appendingPathComponent(Self.recipeMarker).path)
    }

    /// Where a prepared rootfs keeps its recipe (and the proof that it is complete).
    static let recipeMarker = "etc/wheelwright-recipe"

    /// Makes the root filesystem of `recipe`, or finds it made. `progress` hears each step.
    @discardableResult
    public func prepareRootfs(_ recipe: Recipe, progress: @Sendable (String) -> Void = { _ in }) async throws -> URL {
        let final = rootfs(recipe)
        if isPrepared(recipe) { return final }
        guard getuid() == 0 else { throw RunnerError.needsRoot("making a root filesystem (debootstrap, chroot)") }
        let base = recipe.systemPackages.isEmpty ? nil : try await prepareRootfs(recipe.base, progress: progress)
        return try await withLock(named: recipe.name) {
            if isPrepared(recipe) { return final }
            let fm = FileManager.default
            for stale in (try? fm.contentsOfDirectory(atPath: rootfsFolder.path)) ?? [] where stale.hasPrefix(".partial-\(recipe.name)-") {
                try? fm.removeItem(at: rootfsFolder.appendingPathComponent(stale))
            }
            let partial = rootfsFolder.appendingPathComponent(".partial-\(recipe.name)-\(UUID().uuidString.prefix(8))")
            do {
                if let base {
                    progress("copying \(base.lastPathComponent) and installing \(recipe.systemPackages.joined(separator: " "))")
                    try await install(recipe.systemPackages, copying: base, into: partial, recipe: recipe)
                } else {
                    progress("making \(recipe.name) with \(recipe.target.rootfs.tool) (\(recipe.target.rootfs.suite), about a minute)")
                    try await bootstrap(recipe, into: partial)
                }
                try finish(partial, recipe: recipe)
                try fm.moveItem(at: partial, to: final)
            } catch {
                try? fm.removeItem(at: partial)
                throw error
            }
            progress("prepared \(recipe.name)")
            return final
        }
    }

    private func bootstrap(_ recipe: Recipe, into partial: URL) async throws {
        let rootfs = recipe.target.rootfs
        guard rootfs.tool == "debootstrap" || rootfs.tool == "mmdebstrap" else {
            throw RunnerError.preparationFailed(target: recipe.target.name, step: "the recipe",
                                                tail: "unknown rootfs tool '\(rootfs.tool)': use debootstrap or mmdebstrap")
        }
        guard Shell.has(rootfs.tool) else { throw RunnerError.missingTool(rootfs.tool, install: "apt-get install \(rootfs.tool)") }
        let architecture = Self.debianArchitecture(recipe.target.architecture)
        let output = try await Shell.run([
            rootfs.tool, "--variant=\(rootfs.variant)", "--arch=\(architecture)",
            "--include=\(recipe.target.basePackages.joined(separator: ","))", rootfs.suite, partial.path, rootfs.mirror,
        ])
        guard output.succeeded else {
            throw RunnerError.preparationFailed(target: recipe.target.name, step: rootfs.tool, tail: output.tail)
        }
    }

    /// A copy of the base rootfs with `packages` installed by apt inside it (network on: this is
    /// preparation, not a build).
    private func install(_ packages: [String], copying base: URL, into partial: URL, recipe: Recipe) async throws {
        if let bad = packages.first(where: { !Self.isDebianPackageName($0) }) {
            throw RunnerError.preparationFailed(target: recipe.target.name, step: "system-packages",
                                                tail: "'\(bad)' is not a Debian package name")
        }
        let copy = try await Shell.run(["cp", "-a", "--reflink=auto", base.path, partial.path])
        guard copy.succeeded else { throw RunnerError.preparationFailed(target: recipe.target.name, step: "copying the base", tail: copy.tail) }
        let script = """
            set -e
            mount --make-rprivate /
            mount -t proc proc "$ROOTFS/proc"
            mount --bind /dev/null "$ROOTFS/dev/null"
            mount --bind /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
            exec chroot "$ROOTFS" /bin/sh -c 'apt-get -qq -o APT::Sandbox::User=root update && \
            apt-get -qq -o APT::Sandbox::User=root install -y --no-install-recommends "$@" && apt-get clean && \
            rm -rf /var/lib/apt/lists/*' apt "$@"
            """
        let output = try await Shell.run(
            ["unshare", "--mount", "--pid", "--fork", "--kill-child", "--", "/bin/sh", "-c", script, "install"] + packages,
            environment: ["ROOTFS": partial.path, "DEBIAN_FRONTEND": "noninteractive"]
        )
        guard output.succeeded else {
            throw RunnerError.preparationFailed(target: recipe.target.name, step: "apt-get install \(packages.joined(separator: " "))", tail: output.tail)
        }
    }

    /// The mount points builds need, an empty apt cache, and the recipe: the mark of completion.
    private func finish(_ partial: URL, recipe: Recipe) throws {
        let fm = FileManager.default
        do {
            for point in MountPoints.all {
                try fm.createDirectory(at: partial.appendingPathComponent(String(point.dropFirst())), withIntermediateDirectories: true)
            }
            let archives = partial.appendingPathComponent("var/cache/apt/archives")
            for name in (try? fm.contentsOfDirectory(atPath: archives.path)) ?? [] where name.hasSuffix(".deb") {
                try fm.removeItem(at: archives.appendingPathComponent(name))
            }
            let resolver = partial.appendingPathComponent("etc/resolv.conf")
            if !fm.fileExists(atPath: resolver.path) { try Data().write(to: resolver) }
            try Data(recipe.text.utf8).write(to: partial.appendingPathComponent(Self.recipeMarker))
        } catch {
            throw RunnerError.preparationFailed(target: recipe.target.name, step: "finishing", tail: error.localizedDescription)
        }
    }

    static func debianArchitecture(_ architecture: String) -> String {
        switch architecture {
        case "x86_64": "amd64"
        case "aarch64": "arm64"
        case "i686": "i386"
        default: architecture
        }
    }

    /// Debian policy 5.6.1: lower case letters, digits, `+ - .`, at least two, starting alphanumeric.
    static func isDebianPackageName(_ name: String) -> Bool {
        guard name.count >= 2, let first = name.unicodeScalars.first, first.isASCIILowerAlphanumeric else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILowerAlphanumeric || "+-.".unicodeScalars.contains($0) }
    }

    /// Runs `body` holding an exclusive lock on `name` (another process preparing the same thing waits).
    private func withLock<T>(named name: String, _ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(at: rootfsFolder, withIntermediateDirectories: true)
        let lock = try await FileLock.waitFor(rootfsFolder.appendingPathComponent(".\(name).lock").path)
        defer { withExtendedLifetime(lock) {} }
        return try await body()
    }

    // MARK: Container images

    /// Where an image comes from.
    public enum ImageSource: Sendable {
        /// `podman import` of the rootfs: works without any registry.
        case rootfs
        /// `podman build` of the target's Containerfile: needs its base image from a registry.
        case containerfile(URL)
    }

    /// `localhost/wheelwright-debian-12:1a2b3c4d5e6f`
    public func imageName(_ recipe: Recipe) -> String { "localhost/wheelwright-\(recipe.target.name):\(recipe.key)" }

    /// Makes (or finds) the recipe's image for `engine`.
    @discardableResult
    public func prepareImage(_ recipe: Recipe, engine: String, from source: ImageSource,
                             progress: @Sendable (String) -> Void = { _ in }) async throws -> String {
        let name = imageName(recipe)
        guard Shell.has(engine) else { throw RunnerError.missingTool(engine, install: "apt-get install podman") }
        if try await Shell.run([engine, "image", "exists", name]).succeeded { return name }
        switch source {
        case .containerfile(let file):
            progress("building \(name) from \(file.path)")
            let output = try await Shell.run([engine, "build", "--tag", name, "--file", file.path, file.deletingLastPathComponent().path])
            guard output.succeeded else { throw RunnerError.preparationFailed(target: recipe.target.name, step: "\(engine) build", tail: output.tail) }
        case .rootfs:
            let rootfs = try await prepareRootfs(recipe, progress: progress)
            progress("importing \(rootfs.lastPathComponent) into \(engine) as \(name)")
            let tarball = rootfsFolder.appendingPathComponent(".\(recipe.name)-\(UUID().uuidString.prefix(8)).tar")
            defer { try? FileManager.default.removeItem(at: tarball) }
            let pack = try await Shell.run(["tar", "--create", "--file", tarball.path, "--directory", rootfs.path, "."])
            guard pack.succeeded else { throw RunnerError.preparationFailed(target: recipe.target.name, step: "tar", tail: pack.tail) }
            let output = try await Shell.run([engine, "import", tarball.path, name])
            guard output.succeeded else { throw RunnerError.preparationFailed(target: recipe.target.name, step: "\(engine) import", tail: output.tail) }
        }
        return name
    }

    /// The container engine on this machine: podman, else docker.
    public static var containerEngine: String? {
        ["podman", "docker"].first(where: Shell.has)
    }

    // MARK: Host venvs

    /// A venv of this machine's `python<version>`, made once.
    public func prepareHostVenv(version: String) async throws -> String {
        let folder = data.appendingPathComponent("host/python\(version)")
        let python = folder.appendingPathComponent("bin/python").path
        if FileManager.default.isExecutableFile(atPath: python) { return python }
        // The system's interpreter first: a PATH shim (pyenv) may hold another build of the same version.
        let system = "/usr/bin/python\(version)"
        let interpreter = FileManager.default.isExecutableFile(atPath: system) ? system : "python\(version)"
        guard interpreter == system || Shell.has(interpreter) else {
            throw RunnerError.missingTool("python\(version)", install: "the host runner needs this machine's Python \(version)")
        }
        let partial = data.appendingPathComponent("host/.partial-python\(version)-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: partial) }
        let output = try await Shell.run([interpreter, "-m", "venv", partial.path])
        guard output.succeeded else { throw RunnerError.preparationFailed(target: "host", step: "python\(version) -m venv", tail: output.tail) }
        // The venv's scripts name their folder; the interpreter itself does not, so moving it keeps it working.
        try FileManager.default.moveItem(at: partial, to: folder)
        return python
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILowerAlphanumeric: Bool { ("a"..."z").contains(self) || ("0"..."9").contains(self) }
}

extension Environments {
    /// Each target's base rootfs, prepared or not, and every derived one that is prepared.
    public func status(of targets: [TargetDefinition]) async throws -> [EnvironmentStatus] {
        let engine = Self.containerEngine
        let canConfine = Shell.has("bwrap") || (getuid() == 0 && Shell.has("unshare"))
        var rows: [EnvironmentStatus] = []
        let present = (try? FileManager.default.contentsOfDirectory(atPath: rootfsFolder.path)) ?? []
        for target in targets {
            var recipes = [Recipe(target: target)]
            for name in present.sorted() where name.hasPrefix(target.name + "-") && name != recipes[0].name {
                let marker = rootfsFolder.appendingPathComponent(name).appendingPathComponent(Self.recipeMarker)
                guard let text = try? String(contentsOf: marker, encoding: .utf8) else { continue }
                let packages = text.split(separator: "\n").first { $0.hasPrefix("system-packages=") }
                    .map { $0.dropFirst("system-packages=".count).split(separator: ",").map(String.init) } ?? []
                let recipe = Recipe(target: target, systemPackages: packages)
                if recipe.name == name { recipes.append(recipe) }
            }
            for recipe in recipes {
                let prepared = isPrepared(recipe)
                var runners: [String] = []
                if prepared && canConfine { runners.append("rootfs") }
                if let engine {
                    let imported = try await Shell.run([engine, "image", "exists", imageName(recipe)]).succeeded
                    runners.append(imported ? "oci (\(engine))" : "oci (\(engine), image not imported)")
                }
                if recipe.systemPackages.isEmpty && target.pythonVersions.contains(where: { Shell.has("python\($0)") }) { runners.append("host") }
                rows.append(EnvironmentStatus(
                    target: target.name, recipe: recipe.key, systemPackages: recipe.systemPackages, prepared: prepared,
                    path: rootfs(recipe).path, sizeBytes: prepared ? try await diskUsage(rootfs(recipe)) : nil, runners: runners
                ))
            }
        }
        return rows
    }

    private func diskUsage(_ folder: URL) async throws -> UInt64? {
        let output = try await Shell.run(["du", "-s", "--block-size=1", folder.path])
        return output.text.split(separator: "\t").first.flatMap { UInt64($0) }
    }
}
