import Foundation
import Synchronization
@testable import Runners
import TestSupport
import Testing

/// Real builds in a real debian-12 root filesystem (prepared by the first test that needs it).
@Suite(.timeLimit(.minutes(15)))
struct RootfsRunnerTests {
    @Test("a pure and a C-extension sdist build in debian-12 and import there")
    func pureAndNative() async throws {
        let runner = try await Debian12.runner()
        #expect(runner.description == "rootfs (bubblewrap)")
        for (kind, expected, check) in [
            ("pure", "demo_pure-1.0-py3-none-any.whl", "import demo_pure; print('kind', demo_pure.KIND)"),
            ("cext", "demo_cext-1.0-cp311-cp311-linux_x86_64.whl", "import demo_cext._native as n; print('answer', n.answer())"),
        ] {
            let folder = try TemporaryFolder()
            let (outcome, dynamic, log) = try await Debian12.build(kind, runner: runner, in: folder)
            #expect(outcome.succeeded, "\(log)")
            #expect(outcome.wheels.map(\.lastPathComponent) == [expected])
            // setuptools 66's backend asks for `wheel` when asked: the dynamic step ran.
            #expect(dynamic == ["wheel"])
            let facts = try #require(outcome.facts)
            #expect(facts.osID == "debian" && facts.osVersion == "12")
            #expect(facts.glibc == "2.36")
            #expect(facts.python.hasPrefix("3.11."))
            #expect(facts.compiler?.hasPrefix("gcc 12") == true)
            let (status, output) = try await Debian12.tryWheel(outcome.wheels[0], with: runner, check: check, in: folder)
            #expect(status == .exited(0), "\(output)")
            #expect(output.contains(kind == "pure" ? "kind pure" : "answer 42"))
        }
    }

    @Test("a build cannot reach the network", arguments: [RootfsSandbox.bubblewrap, .chroot])
    func noNetwork(sandbox: RootfsSandbox) async throws {
        let runner = try await Debian12.runner(sandbox: sandbox)
        let folder = try TemporaryFolder()
        let (outcome, _, log) = try await Debian12.build("network", runner: runner, in: folder)
        #expect(outcome.succeeded, "\(log)")
        for attempt in ["dns", "tcp", "loopback"] { #expect(log.contains("network-attempt-failed \(attempt)")) }
        #expect(!log.contains("network-attempt-succeeded"))
        #expect(log.contains("interfaces: ['lo']"))
    }

    @Test("a build cannot write outside its output folder")
    func noWritesOutside() async throws {
        let runner = try await Debian12.runner()
        let folder = try TemporaryFolder()
        // A host path outside /tmp (the build's /tmp is its own, and the repository may be under /tmp).
        let hostPath = URL(fileURLWithPath: "/opt/wheelwright-test-escape-\(UUID().uuidString)")
        let (outcome, _, log) = try await Debian12.build("escape", runner: runner, argument: hostPath.path, in: folder)
        #expect(outcome.succeeded, "\(log)")
        #expect(!log.contains("escape-succeeded"))
        #expect(log.components(separatedBy: "escape-blocked").count - 1 == 6)
        #expect(!FileManager.default.fileExists(atPath: hostPath.path))
        let wheelhouse = try FileManager.default.contentsOfDirectory(atPath: folder.path("wheelhouse"))
        #expect(wheelhouse.allSatisfy { $0.hasSuffix(".whl") })
    }

    @Test("a build that never ends is killed at its limit, with every process it started")
    func timeLimit() async throws {
        let runner = try await Debian12.runner()
        let folder = try TemporaryFolder()
        let marker = "wheelwright-test-sleeper-\(UUID().uuidString)"
        // Long enough for pip to reach the build on a loaded machine (a CI run beside the other
        // suites needed more than 30 s); the limit covers the build step alone.
        let limits = ResourceLimits(time: .seconds(60), memoryBytes: 2 << 30, processes: 256)
        let (outcome, _, log) = try await Debian12.build("sleep", runner: runner, limits: limits, argument: marker, probe: false, in: folder)
        #expect(!outcome.succeeded)
        #expect(outcome.limitsHit == [.time])
        #expect(log.contains("the time limit of 60.0 seconds is reached: killing the build"))
        #expect(log.contains("sleeping forever"))
        #expect(outcome.summary.contains("time limit"))
        #expect(processes(containing: marker).isEmpty)
    }

    @Test("a fork bomb stops at the process limit and is reported")
    func forkBomb() async throws {
        let runner = try await Debian12.runner()
        let folder = try TemporaryFolder()
        let limits = ResourceLimits(time: .seconds(120), memoryBytes: 2 << 30, processes: 64)
        let (outcome, _, log) = try await Debian12.build("forkbomb", runner: runner, limits: limits, probe: false, in: folder)
        #expect(!outcome.succeeded)
        #expect(outcome.limitsHit.contains(.processes), "\(log)")
        #expect(!outcome.limitsHit.contains(.time))
        // The watchdog kills the tree at the first refused fork, often before the bomb prints its own line.
        #expect(log.contains("the process limit of 64 is reached: killing the build"))
    }

    @Test("a 30 GB allocation stops at the memory limit and is reported")
    func memoryLimit() async throws {
        let runner = try await Debian12.runner()
        let folder = try TemporaryFolder()
        let limits = ResourceLimits(time: .seconds(120), memoryBytes: 512 << 20, processes: 256)
        let (outcome, _, log) = try await Debian12.build("memory", runner: runner, limits: limits, probe: false, in: folder)
        #expect(!outcome.succeeded)
        #expect(outcome.limitsHit.contains(.memory), "\(log)")
        #expect(!log.contains("allocated 30 GB"))
    }

    @Test("a compile error is a failed build, not a limit")
    func compileError() async throws {
        let runner = try await Debian12.runner()
        let folder = try TemporaryFolder()
        let (outcome, _, log) = try await Debian12.build("fail", runner: runner, in: folder)
        #expect(!outcome.succeeded)
        #expect(outcome.status != .exited(0))
        #expect(outcome.limitsHit.isEmpty)
        #expect(outcome.wheels.isEmpty)
        #expect(log.contains("this does not compile"))
    }

    @Test("the oci runner builds the C-extension sdist with podman")
    func podman() async throws {
        let runner = try await Debian12.runner(.oci)
        #expect(runner.description == "oci (podman)")
        let folder = try TemporaryFolder()
        let (outcome, dynamic, log) = try await Debian12.build("cext", runner: runner, in: folder)
        #expect(outcome.succeeded, "\(log)")
        #expect(outcome.wheels.map(\.lastPathComponent) == ["demo_cext-1.0-cp311-cp311-linux_x86_64.whl"])
        #expect(dynamic == ["wheel"])
        #expect(outcome.facts?.runner == "oci (podman)")
        #expect(log.contains("--network=none"))
        let (status, output) = try await Debian12.tryWheel(
            outcome.wheels[0], with: runner, check: "import demo_cext._native as n; print('answer', n.answer())", in: folder
        )
        #expect(status == .exited(0), "\(output)")
        #expect(output.contains("answer 42"))
    }

    @Test("system packages make a derived rootfs, keyed by the package set, made once")
    func derivedRootfs() async throws {
        let recipe = Environments.Recipe(target: Debian12.target, systemPackages: ["libyaml-dev"])
        let heard = Mutex<[String]>([])
        let path = try await Debian12.environments.prepareRootfs(recipe) { line in heard.withLock { $0.append(line) } }
        #expect(Debian12.environments.isPrepared(recipe))
        // `runner prepare` prints the path on stdout: the progress (stderr) names the recipe, not the path again.
        let lines = heard.withLock { $0 }
        #expect(!lines.contains { $0.contains(path.path) } && (lines.isEmpty || lines.last == "prepared \(recipe.name)"), "\(lines)")
        #expect(FileManager.default.fileExists(atPath: path.appendingPathComponent("usr/include/yaml.h").path))
        let base = Debian12.environments.rootfs(recipe.base)
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("usr/include/yaml.h").path))
        // A second prepare finds it: the same folder, not made again.
        let marker = path.appendingPathComponent("etc/wheelwright-recipe").path
        let made = try FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date
        #expect(try await Debian12.environments.prepareRootfs(recipe).path == path.path)
        #expect(try FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date == made)
    }
}

struct RecipeTests {
    @Test("the recipe key is stable, ignores package order, and changes with the packages")
    func recipeKey() {
        let a = Environments.Recipe(target: Debian12.target, systemPackages: ["libffi-dev", "libyaml-dev"])
        let b = Environments.Recipe(target: Debian12.target, systemPackages: ["libyaml-dev", "libffi-dev", "libyaml-dev"])
        #expect(a.key == b.key)
        #expect(a.key != Environments.Recipe(target: Debian12.target).key)
        #expect(a.name.hasPrefix("debian-12-") && a.key.count == 12)
    }

    @Test("Debian package names are checked before they reach apt")
    func packageNames() {
        #expect(Environments.isDebianPackageName("libyaml-dev"))
        #expect(Environments.isDebianPackageName("g++"))
        for bad in ["", "a", "-rf", "Lib", "x;rm", "lib yaml"] { #expect(!Environments.isDebianPackageName(bad)) }
    }

    @Test("bubblewrap gets the rootfs read-only, every namespace, and only the output writable")
    func bubblewrapArguments() {
        let mounts = [Mount(source: URL(fileURLWithPath: "/s"), destination: "/src", writable: false),
                      Mount(source: URL(fileURLWithPath: "/o"), destination: "/out", writable: true)]
        let (argv, _) = Bubblewrap(rootfs: URL(fileURLWithPath: "/r")).invocation(
            of: ["python3", "x"], mounts: mounts, environment: ["A": "1"], network: false, limits: .default, name: "n")
        let text = argv.joined(separator: " ")
        #expect(text.hasPrefix("bwrap --ro-bind /r / "))
        #expect(text.contains("--ro-bind /s /src") && text.contains("--bind /o /out"))
        for flag in ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv"] { #expect(argv.contains(flag)) }
        #expect(!argv.contains("--share-net") && !text.contains("resolv.conf"))
        #expect(text.hasSuffix("--setenv A 1 --chdir /tmp -- python3 x"))

        // Vendoring crates, the one step with the network: the host's resolver and CA bundle, read-only.
        let (vendoring, _) = Bubblewrap(rootfs: URL(fileURLWithPath: "/r")).invocation(
            of: ["python3", "x"], mounts: mounts, environment: [:], network: true, limits: .default, name: "n")
        let vendoringText = vendoring.joined(separator: " ")
        #expect(vendoringText.contains("--unshare-all --share-net") && vendoringText.contains("--ro-bind /etc/resolv.conf /etc/resolv.conf")
                && vendoringText.contains("--ro-bind /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt"))
    }
}
