import Foundation
import SiteConfiguration

extension Environments {
    /// A runner of `kind` for the recipe's target, with its environment prepared first.
    public func runner(
        _ kind: RunnerKind, for recipe: Recipe, sandbox: RootfsSandbox = .automatic,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> any Runner {
        let driver = try BuildDriver.install(under: support)
        switch kind {
        case .rootfs:
            let rootfs = try await prepareRootfs(recipe, progress: progress)
            let useBubblewrap = switch sandbox {
            case .automatic: Shell.has("bwrap")
            case .bubblewrap: true
            case .chroot: false
            }
            if useBubblewrap {
                guard Shell.has("bwrap") else { throw RunnerError.missingTool("bwrap", install: "apt-get install bubblewrap") }
                return ConfinedRunner(confinement: Bubblewrap(rootfs: rootfs), driver: driver)
            }
            guard Shell.has("unshare"), Shell.has("chroot") else {
                throw RunnerError.missingTool("unshare", install: "apt-get install util-linux coreutils")
            }
            return ConfinedRunner(confinement: UnshareChroot(rootfs: rootfs), driver: driver)
        case .oci:
            guard let engine = Self.containerEngine else { throw RunnerError.missingTool("podman", install: "apt-get install podman runc") }
            let image = try await prepareImage(recipe, engine: engine, from: .rootfs, progress: progress)
            // crun fails on hybrid cgroup hierarchies; runc works on every layout.
            let flags = engine == "podman" && Shell.has("runc") ? ["--runtime", "runc"] : []
            return ConfinedRunner(confinement: ContainerEngine(engine: engine, image: image, extraFlags: flags), driver: driver)
        case .host:
            var interpreters: [String: String] = [:]
            for version in recipe.target.pythonVersions where Shell.has("python\(version)") {
                interpreters[version] = try await prepareHostVenv(version: version)
            }
            let temporary = data.appendingPathComponent("host/tmp")
            try? FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            return ConfinedRunner(confinement: HostProcess(interpreters: interpreters, temporary: temporary), driver: driver)
        }
    }
}
