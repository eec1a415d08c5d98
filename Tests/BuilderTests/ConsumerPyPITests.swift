import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// What the index serves installs on a clean consumer, with real packages from PyPI: requests
/// and its closure (added by `whitelist add --with-deps`), pyyaml against libyaml and lxml
/// against libxml2 and libxslt, built for debian-12, repaired, then installed with pip from
/// platform/debian-12 into debian-12's base root filesystem — which has none of those libraries —
/// and imported, C extensions included.
@Suite(.serialized, .enabled(if: PyPI.enabled, PyPI.reason), .timeLimit(.minutes(20)))
final class ConsumerPyPITests {
    let server: LocalIndex
    let folder: TemporaryFolder
    let data = Repository.root.appendingPathComponent(".build/test-environments").path
    let containers = Repository.root.appendingPathComponent("containers").path

    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
    }

    @Test("requests with its closure, pyyaml and lxml repaired: pip installs them from the platform index in a rootfs without their libraries, and they import")
    func installsOnCleanConsumer() async throws {
        let whitelists = folder.path("whitelists")
        try FileManager.default.createDirectory(atPath: whitelists, withIntermediateDirectories: true)
        let file = whitelists + "/opensource.yaml"
        try """
            defaults:
              targets: [debian-12]
            packages:
              - name: lxml
                versions: ["5.3.0"]
                system-packages: [libxml2-dev, libxslt1-dev]
                reason: XML
              - name: pyyaml
                versions: ["6.0.3"]
                system-packages: [libyaml-dev]
                reason: YAML

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["XDG_CACHE_HOME": folder.path("cache")]
        let added = try await runTool(Repository.wheelwright, ["whitelist", "add", "requests", "--with-deps", "--file", file,
                                                               "--containers", containers, "--reason", "HTTP", "--build-requirements", "upstream"], environment: environment)
        #expect(added.status == 0 && added.output.contains("dependency: urllib3") && added.output.contains("dependency: idna"), "\(added.output)")

        let built = try await runToolSeparately(Repository.wheelwright, [
            "build", whitelists, "--target", "debian-12", "--server", server.baseURL, "--user", "root", "--password-file", TestServer.rootPasswordFile,
            "--data", data, "--cache", folder.path("cache"), "--containers", containers, "--json", "--build-requirements", "upstream",
        ], environment: environment)
        #expect(built.status == 0, "\(built.output)\n\(built.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(built.output.utf8)) as? [String: Any], "\(built.output)")
        let results = try #require(report["results"] as? [[String: Any]])
        for project in ["lxml", "pyyaml"] {
            let result = try #require(results.first { ($0["item"] as? [String: Any])?["project"] as? String == project })
            let wheel = try #require(result["wheel"] as? String)
            #expect(wheel.contains("manylinux_2_"), "\(project): \(wheel)")
            let path = URL(fileURLWithPath: try #require(result["log"] as? String)).deletingLastPathComponent().appendingPathComponent("repaired/\(wheel)").path
            let theirs = try #require(try await auditwheelVerdict(path))
            #expect(wheel.contains(theirs), "auditwheel says \(theirs) for \(wheel)")
        }

        let base = try await baseRootfs("debian-12", data: data)
        for library in ["libyaml-0.so.2", "libxml2.so.2", "libxslt.so.1"] {
            #expect(!FileManager.default.fileExists(atPath: base + "/usr/lib/x86_64-linux-gnu/" + library), "the base rootfs has \(library)")
        }
        let consumer = try await runTool(Repository.root.appendingPathComponent("tools/try-index.sh").path, [
            base, "\(server.baseURL)/platform/debian-12/+simple/", "requests=requests", "pyyaml=yaml._yaml", "lxml=lxml.etree",
        ])
        #expect(consumer.status == 0, "\(consumer.output)")
        for module in ["requests", "yaml._yaml", "lxml.etree"] {
            #expect(consumer.output.contains("import \(module): ok"), "\(consumer.output)")
        }
    }
}
