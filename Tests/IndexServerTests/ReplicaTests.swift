import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// Three `wheelwright serve` replicas on one PostgreSQL catalog and one blob folder, started
/// with the shipped Kubernetes Deployment's arguments, behind the shipped nginx site with the
/// shipped replicas upstream: what one replica stores, every other
/// serves; a replica killed mid-load costs no install and no acknowledged upload, and rejoins.
// The failover test takes ~20 s alone and over 5 minutes beside the whole suite on 2 cores: the
// limit guards against a hang, not a slow machine.
@Suite(.serialized, .timeLimit(.minutes(10)))
final class ReplicaTests {
    let cluster: PostgresCluster
    let shared: TemporaryFolder
    let replicas: [TestServer]
    let nginx: TestNginx

    init() async throws {
        cluster = try await PostgresCluster()
        let shared = try TemporaryFolder()
        self.shared = shared
        let httpsPort = try freePort()
        let ports = try (0..<3).map { _ in try freePort() }
        // The serve arguments of the shipped Kubernetes Deployment, with this machine's values.
        let local: [String: String?] = [
            "data": nil, "port": nil, "host": "127.0.0.1", "catalog": cluster.url,
            "catalog-password-file": TestServer.secretFile("unused with the test cluster's trust authentication"),
            "outside-url": "https://127.0.0.1:\(httpsPort)/pypi", "trusted-proxy": "127.0.0.1",
        ]
        let manifest = try String(contentsOf: Repository.root.appendingPathComponent("deploy/kubernetes/index-deployment.yaml"), encoding: .utf8)
        let shipped = manifest.split(separator: "\n").compactMap { $0.firstMatch(of: #/^ +- --([a-z-]+)=/#).map { String($0.1) } }
        guard Set(shipped) == Set(local.keys) else { throw TestFailure("the Deployment's serve arguments are \(shipped): update this test") }
        let arguments = shipped.compactMap { name in local[name]!.map { "--\(name)=\($0)" } }
        var started: [TestServer] = []
        for (number, port) in ports.enumerated() {
            started.append(try await TestServer(data: shared.url.appendingPathComponent("data"), arguments: arguments, port: port,
                                                log: shared.url.appendingPathComponent("replica-\(number).log")))
        }
        replicas = started
        var upstream = try String(contentsOf: Repository.root.appendingPathComponent("deploy/nginx-wheelwright-replicas.conf"), encoding: .utf8)
        for (number, port) in ports.enumerated() {
            let shipped = "10.0.0.1\(number + 1):4040"
            guard upstream.contains(shipped) else { throw TestFailure("the shipped replicas upstream no longer names \(shipped): update this test") }
            upstream = upstream.replacingOccurrences(of: shipped, with: "127.0.0.1:\(port)")
        }
        nginx = try await TestNginx(httpsPort: httpsPort, substitutions: [
            ("upstream wheelwright {\n    server 127.0.0.1:4040;\n    keepalive 32;\n}\n", upstream),
        ])
    }

    static func twine(_ file: String, to url: String, through nginx: TestNginx) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.tool("twine"), ["upload", "--disable-progress-bar", "--repository-url", url, "--cert", nginx.certificate, "-u", "alice", file],
                          environment: nginx.trust.merging(["TWINE_PASSWORD": "alice-secret"]) { $1 })
    }

    static func pip(_ arguments: [String], through nginx: TestNginx) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.tool("pip"), arguments + ["--no-deps", "--index-url", "\(nginx.outside)/alice/stable/+simple/", "--cert", nginx.certificate,
                                                               "--disable-pip-version-check", "--no-cache-dir"], environment: nginx.trust)
    }

    @Test("an upload to one replica is on every other's cached pages at once; SIGKILL of one mid-load: no install fails, every acknowledged upload is whole, the replica rejoins")
    func failover() async throws {
        try await replicas[0].addAlice(indices: [("stable", ["volatile": false])])
        let folder = try TemporaryFolder()

        // Replica 2 caches the index's project list; a direct upload to replica 0 must reach it.
        let before = try await HTTP.send(.GET, "\(replicas[2].baseURL)/alice/stable/+simple/")
        #expect(before.status == 200 && !before.text.contains("seen"))
        let seen = try await makeDistribution(in: folder, "seen", "1.0")
        let direct = try await runTool(Repository.tool("twine"), ["upload", "--disable-progress-bar", "--repository-url", "\(replicas[0].baseURL)/alice/stable/",
                                                                  "-u", "alice", seen], environment: ["TWINE_PASSWORD": "alice-secret"])
        #expect(direct.status == 0, "\(direct.output)")
        var polls = 0
        while polls < 200, try await !HTTP.send(.GET, "\(replicas[2].baseURL)/alice/stable/+simple/").text.contains("seen") {
            polls += 1
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(polls < 200, "replica 2 never served the upload replica 0 took")

        // The load: two uploaders and one installer through nginx; replica 1 is killed once 8 uploads are acknowledged.
        let wheels = try await (0..<30).asyncMap { try await makeDistribution(in: folder, "load\($0)", "1.0") }
        let acknowledged = Counter()
        let (nginx, victim) = (self.nginx, replicas[1])
        let installFolder = folder.url.path
        // pip downloads through nginx all along, the kill among them.
        async let installs = (0..<8).asyncMap { number in
            try await Self.pip(["download", "-d", "\(installFolder)/installs-\(number)", "seen==1.0"], through: nginx)
        }
        let uploads = try await withThrowingTaskGroup(of: [(String, Bool)].self) { group in
            for half in 0..<2 {
                group.addTask {
                    var results: [(String, Bool)] = []
                    for wheel in wheels.enumerated().filter({ $0.offset % 2 == half }).map(\.element) {
                        let upload = try await Self.twine(wheel, to: "\(nginx.outside)/alice/stable/", through: nginx)
                        if upload.status == 0 { await acknowledged.add() }
                        results.append((wheel, upload.status == 0))
                    }
                    return results
                }
            }
            group.addTask {
                while await acknowledged.value < 8 { try await Task.sleep(for: .milliseconds(20)) }
                victim.kill()
                return []
            }
            return try await group.reduce(into: [(String, Bool)]()) { $0 += $1 }
        }
        let installed = try await installs
        #expect(installed.allSatisfy { $0.status == 0 }, "\(installed.filter { $0.status != 0 }.map(\.output))")
        #expect(!replicas[1].process.isRunning)

        // Every acknowledged upload is there, byte for byte, through the proxy.
        let stored = uploads.filter(\.1).map(\.0)
        #expect(stored.count >= 20, "most uploads should be acknowledged: \(uploads.filter { !$0.1 }.count) failed")
        #expect(await acknowledged.value == stored.count)
        let names = stored.map { URL(fileURLWithPath: $0).lastPathComponent.components(separatedBy: "-")[0] + "==1.0" }
        let download = try await Self.pip(["download", "-d", folder.path("check")] + names, through: nginx)
        #expect(download.status == 0, "\(download.output)")
        for wheel in stored {
            let name = URL(fileURLWithPath: wheel).lastPathComponent
            #expect(FileManager.default.contents(atPath: folder.path("check/\(name)")) == FileManager.default.contents(atPath: wheel), "\(name)")
        }

        // The killed replica starts again on its port, serves what was uploaded meanwhile, and nginx sends it requests again.
        try await replicas[1].start()
        let late = try #require(stored.last.map { URL(fileURLWithPath: $0).lastPathComponent.components(separatedBy: "-")[0] })
        #expect(try await HTTP.send(.GET, "\(replicas[1].baseURL)/alice/stable/+simple/\(late)/").status == 200)
        let logged = { (try? String(contentsOf: self.replicas[1].log, encoding: .utf8))?.components(separatedBy: "\n").count ?? 0 }
        let linesAtRestart = logged()
        var rejoined = false
        for _ in 0..<100 where !rejoined {
            _ = try await nginx.curl(["-o", "/dev/null", "\(nginx.outside)/alice/stable/+simple/seen/"])
            rejoined = logged() > linesAtRestart + 1
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(rejoined, "nginx never sent the restarted replica a request")
    }
}

/// A count several tasks raise.
actor Counter {
    private(set) var value = 0
    func add() { value += 1 }
}

extension Sequence {
    /// `map` with an async transform, one element at a time.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
