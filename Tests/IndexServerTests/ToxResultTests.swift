import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// Test results (issue 32): `devpi test` runs tox on a release and posts its JSON to the file's
/// URL; pages, devpi's JSON and `devpi list -t` show them; push copies them; hostile results
/// are refused and nothing is stored (AttackTests.hostileToxResults).
@Suite("Test results")
final class ToxResultTests {
    let server: LocalIndex
    let folder: TemporaryFolder

    static let toxINI = """
        [tox]
        env_list = py

        [testenv]
        commands = python -c "import demo_tox; assert demo_tox.VALUE == 'good', demo_tox.VALUE"

        """

    /// alice/dev (volatile, with the build backend tox needs offline) holds demo-tox 1.0, whose
    /// test passes, and 2.0, whose test fails; alice/prod is non-volatile.
    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
        try await server.addAlice(indices: [("dev", [:]), ("prod", ["volatile": false])])
        let sdists = [try await makeDistribution(in: folder, "demo-tox", "1.0", sdist: true, payload: "good", toxINI: Self.toxINI),
                      try await makeDistribution(in: folder, "demo-tox", "2.0", sdist: true, payload: "bad", toxINI: Self.toxINI)]
        // Debian's setuptools and wheel (python3-setuptools-whl, python3-wheel-whl): the sdist's backend.
        let backend = try FileManager.default.contentsOfDirectory(atPath: "/usr/share/python-wheels")
            .filter { $0.hasPrefix("setuptools-") || $0.hasPrefix("wheel-") }.map { "/usr/share/python-wheels/\($0)" }
        let twine = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url",
                                                                 "\(server.baseURL)/alice/dev/", "-u", "alice", "-p", "alice-secret"] + sdists + backend)
        guard twine.status == 0 else { throw TestFailure("twine: \(twine.output)") }
    }

    func devpi(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.tool("devpi"), arguments, environment: [
            "DEVPI_CLIENTDIR": folder.path("devpi"), "HOME": folder.url.path,
            // tox from the test venv, as a developer's devpi finds it on PATH.
            "PATH": Repository.root.appendingPathComponent(".venv/bin").path + ":/usr/bin:/bin",
        ])
    }

    func get(_ path: String, accept: String = "application/json") async throws -> HTTP.Reply {
        try await HTTP.send(.GET, path.hasPrefix("http") ? path : server.baseURL + path, headers: [("Accept", accept)])
    }

    /// devpi's links of a release: (rel, href, for_href).
    func links(_ path: String) async throws -> [(rel: String, href: String, forHref: String?)] {
        let reply = try await get(path)
        let links = (reply.json["result"] as? [String: Any])?["+links"] as? [[String: Any]] ?? []
        return links.map { ($0["rel"] as? String ?? "", $0["href"] as? String ?? "", $0["for_href"] as? String) }
    }

    @Test("devpi test runs tox and posts its result: exit 0 when tox passed, 1 when it failed; devpi list -t, the project page, the log and devpi's JSON show them; push copies them")
    func devpiTest() async throws {
        #expect(try await devpi(["use", "\(server.baseURL)/alice/dev"]).status == 0)
        #expect(try await devpi(["login", "alice", "--password", "alice-secret"]).status == 0)
        let passed = try await devpi(["test", "demo-tox==1.0"])
        #expect(passed.status == 0 && passed.output.contains("posting tox result data") && passed.output.contains("success"), "\(passed.output)")
        let failed = try await devpi(["test", "demo-tox==2.0"])
        #expect(failed.status != 0 && failed.output.contains("success"), "\(failed.output)")
        let listed = try await devpi(["list", "-t", "demo-tox"])
        #expect(listed.output.contains("tests passed") && listed.output.contains("tests failed"), "\(listed.output)")
        // devpi's JSON: the result follows its file, and its href answers the JSON as posted.
        let release = try await links("/alice/dev/demo-tox/1.0")
        let file = try #require(release.first { $0.rel == "releasefile" })
        let result = try #require(release.first { $0.rel == "toxresult" })
        #expect(result.forHref == file.href)
        let posted = try await get(result.href)
        #expect(posted.status == 200 && (posted.json["testenvs"] as? [String: Any])?["py"] != nil, "\(posted.text)")
        #expect(posted.headers["X-Content-Type-Options"].first == "nosniff")
        let log = try await get(result.href + "/log", accept: "text/plain")
        #expect(log.status == 200 && log.text.contains("== py (Python 3.11") && log.text.contains("import demo_tox"), "\(log.text)")
        // The project page: each file's row says how its tests went, linking the log.
        let page = try await get("/alice/dev/demo-tox/", accept: "text/html")
        #expect(page.text.contains("py 3.11") && page.text.contains(": passed</a>") && page.text.contains(": tests failed</a>"), "\(page.text)")
        #expect(page.text.contains(URL(string: result.href)!.path + "/log"))
        // Pushed with its release, once however often it is pushed.
        for _ in 0..<2 {
            let push = try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/", auth: TestServer.alice, ["name": "demo-tox", "version": "1.0", "targetindex": "alice/prod"])
            #expect(push.status == 200, "\(push.text)")
        }
        let pushed = try await links("/alice/prod/demo-tox/1.0")
        #expect(pushed.filter { $0.rel == "toxresult" }.count == 1 && pushed.first { $0.rel == "toxresult" }?.href.contains("/alice/prod/+toxresults/") == true,
                "\(pushed)")
    }
}
