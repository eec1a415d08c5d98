import Builder
import Foundation
import PythonPackaging
import TestSupport
import Testing
import Upstream

/// Failed builds classified from their logs (lines as pip, gcc, ld, setuptools-rust and cargo
/// print them), and the Debian package named from a Contents index.
@Suite("Failure diagnosis")
struct FailureDiagnosisTests {
    func diagnose(_ log: String, limits: [String] = []) -> FailureDiagnosis { FailureDiagnosis.diagnose(log: log, limitsHit: limits) }

    @Test("each class from its decisive line, the specific cause before the generic failure that follows it")
    func classes() throws {
        let header = diagnose("""
            building 'flow_yaml._native' extension
            x86_64-linux-gnu-gcc -Wsign-compare -g -fPIC -I/usr/include/python3.11 -c flow_yaml/native.c -o build/native.o
            flow_yaml/native.c:3:10: fatal error: yaml.h: No such file or directory
                3 | #include <yaml.h>
            compilation terminated.
            error: command '/usr/bin/x86_64-linux-gnu-gcc' failed with exit code 1
            """)
        #expect(header.kind == .missingHeader && header.missing == .header("yaml.h"))
        #expect(header.evidence == ["flow_yaml/native.c:3:10: fatal error: yaml.h: No such file or directory"])
        let library = diagnose("/usr/bin/ld: cannot find -lyaml: No such file or directory\ncollect2: error: ld returned 1 exit status")
        #expect(library.kind == .missingLibrary && library.missing == .library("yaml"))
        let rust = diagnose("running build_rust\nerror: can't find Rust compiler\n\nIf you are using an outdated pip version…")
        #expect(rust.kind == .missingTool && rust.hint.contains("rust-packages:") && rust.hint.contains("rustc-web, cargo-web"))
        let cmake = diagnose("sh: 1: cmake: not found\nerror: subprocess-exited-with-error")
        #expect(cmake.kind == .missingTool && cmake.hint.contains("the target has no cmake") && cmake.hint.contains("(cmake)"))
        let python = diagnose("ERROR: Package 'numpy' requires a different Python: 3.11.2 not in '>=3.12'")
        #expect(python.kind == .interpreterMismatch)
        let cargo = diagnose("    Updating crates.io index\nerror: failed to get `pyo3` as a dependency of package `bcrypt-rust v0.1.0`\nCaused by: … Could not resolve host: index.crates.io")
        #expect(cargo.kind == .networkInSandbox && cargo.hint.contains("offline"))
        let vendoring = diagnose("""
            warning: spurious network error (1 tries remaining): [6] Couldn't resolve host name
            error: failed to sync

            Caused by:
              failed to get `pyo3` as a dependency of package `bcrypt-rust v0.1.0`
            Caused by:
              [6] Couldn't resolve host name (Could not resolve host: index.crates.io)
            wheelwright: cargo vendor could not fetch the crates (exit 101)
            """)
        #expect(vendoring.kind == .crateRegistry && !vendoring.kind.isTransient, "\(vendoring)")
        #expect(vendoring.evidence == ["failed to get `pyo3` as a dependency of package `bcrypt-rust v0.1.0`",
                                       "[6] Couldn't resolve host name (Could not resolve host: index.crates.io)",
                                       "wheelwright: cargo vendor could not fetch the crates (exit 101)"], "\(vendoring.evidence)")
        #expect(vendoring.summary.hasPrefix("needs a crate registry: ") && vendoring.hint.contains("`crate-registry:`"))
        let pipSays = UpstreamError.wheelhouse("hatchling>=1.29, python-sbom[hatch]>=0.1.2", reason: """
            Collecting hatchling>=1.29
            ERROR: Could not find a version that satisfies the requirement python-sbom[hatch]>=0.1.2 (from versions: none)
            ERROR: No matching distribution found for python-sbom[hatch]>=0.1.2
            """)
        let unavailable = try #require(FailureDiagnosis.buildRequirement(pipSays, whitelisted: false))
        #expect(unavailable.summary.hasPrefix("build requirement unavailable: No matching distribution found for python-sbom[hatch]>=0.1.2; builds install"), "\(unavailable.summary)")
        let notWhitelisted = try #require(FailureDiagnosis.buildRequirement(pipSays, whitelisted: true))
        #expect(notWhitelisted.kind == .buildRequirementNotWhitelisted && notWhitelisted.summary.hasPrefix("build requirement not whitelisted: No matching distribution found for python-sbom[hatch]>=0.1.2; "))
        #expect(notWhitelisted.hint.hasSuffix("whitelist it: wheelwright whitelist add 'python-sbom' --with-deps --build-requirements whitelisted"), "\(notWhitelisted.hint)")
        #expect(FailureDiagnosis.buildRequirement(UpstreamError.wheelhouse("x", reason: "Temporary failure in name resolution"), whitelisted: true) == nil, "transient: retried instead")
        let refused = try #require(FailureDiagnosis.hostileInput(PackagingError.refusedBuildRequirement("--index-url=http://x/\u{1b}[2J", reason: "not a PEP 508 requirement")))
        #expect(refused.kind == .hostileInput && !refused.kind.isTransient)
        #expect(refused.summary == "hostile input: build requirement '--index-url=http://x/\\u{1B}[2J': not a PEP 508 requirement; nothing it named was run; review the release before it stays on the whitelist",
                "\(refused.summary)")
        #expect(FailureDiagnosis.hostileInput(PackagingError.invalidVersion("x")) == nil)
        let killed = diagnose("[wheelwright: the time limit of 60.0 seconds is reached: killing the build]\n[wheelwright: killed by signal 9]", limits: ["time"])
        #expect(killed.kind == .limit && killed.evidence.count == 2 && killed.hint.contains("the time limit"))
        let other = diagnose("flow_broken/native.c:2:1: error: unknown type name 'this'\nerror: command 'gcc' failed with exit code 1")
        #expect(other.kind == .unknown && other.evidence.first?.contains("unknown type name") == true)
        #expect(other.summary.hasPrefix("build error: flow_broken/native.c:2:1: error: unknown type name 'this' | error: command 'gcc' failed"))
        #expect(!FailureDiagnosis.Kind.missingHeader.isTransient && FailureDiagnosis.Kind.upstream.isTransient)
    }

    @Test("the package that provides a missing header or library, from a Contents index: the compiler's own folder first, -dev first")
    func contents() async throws {
        let cache = try TemporaryFolder()
        let index = """
            usr/include/mrpt/containers/include/mrpt/containers/yaml.h libdevel/libmrpt-containers-dev
            usr/include/yaml-cpp/yaml.h                             libdevel/libyaml-cpp-dev
            usr/include/yaml.h                                      libdevel/libyaml-dev
            usr/lib/x86_64-linux-gnu/libyaml-0.so.2                 libs/libyaml-0-2
            usr/lib/x86_64-linux-gnu/libyaml.so                     libdevel/libyaml-dev
            usr/include/x86_64-linux-gnu/ffi.h                      libdevel/libffi-dev
            """
        let folder = cache.url.appendingPathComponent("debian-contents")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let plain = folder.appendingPathComponent("bookworm-amd64")
        try (index + "\n").write(to: plain, atomically: true, encoding: .utf8)
        let zipped = try await runTool("/usr/bin/gzip", ["-n", plain.path])
        #expect(zipped.status == 0, "\(zipped.output)")
        // A fresh index is used as it is: no request to the (unreachable) mirror.
        let contents = DebianContents(cache: cache.url)
        let mirror = "http://127.0.0.1:9/debian"
        #expect(try await contents.packages(providing: .header("yaml.h"), mirror: mirror, suite: "bookworm", architecture: "amd64")
                == ["libyaml-dev"])
        #expect(try await contents.packages(providing: .header("containers/yaml.h"), mirror: mirror, suite: "bookworm", architecture: "amd64")
                == ["libmrpt-containers-dev"], "no copy where the compiler looks first: the deeper ones")
        #expect(try await contents.packages(providing: .library("yaml"), mirror: mirror, suite: "bookworm", architecture: "amd64") == ["libyaml-dev"])
        #expect(try await contents.packages(providing: .header("ffi.h"), mirror: mirror, suite: "bookworm", architecture: "amd64") == ["libffi-dev"])
        #expect(try await contents.packages(providing: .header("nothing.h"), mirror: mirror, suite: "bookworm", architecture: "amd64").isEmpty)
        let resolved = diagnose("x.c:1:10: fatal error: yaml.h: No such file or directory").resolving(packages: ["libyaml-dev"], target: "debian-12")
        #expect(resolved.hint == "debian-12's libyaml-dev provides <yaml.h>: add to the entry `system-packages: [libyaml-dev]`")
        // A suite or architecture that is not a plain name never becomes a path or a URL.
        await #expect(throws: UpstreamError.self) {
            _ = try await contents.packages(providing: .header("yaml.h"), mirror: mirror, suite: "../../etc", architecture: "amd64")
        }
    }
}
