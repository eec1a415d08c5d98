import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// PEP 792's project statuses through the real server, with pip, uv, twine and devpi-client as
/// the clients: quarantine takes a project out of circulation at once (in the index and every
/// index built on it), archive stops uploads, and every change is recorded.
@Suite("Project status (PEP 792)")
final class ProjectStatusTests {
    let server: LocalIndex
    let folder: TemporaryFolder

    /// alice with alice/dev (non-volatile) and alice/prod (bases: alice/dev), as the platform
    /// team serves a stage and the index consumers use.
    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
        try await server.addAlice(indices: [("dev", ["bases": [String](), "volatile": false]), ("prod", ["bases": ["alice/dev"]])])
    }

    func wheelwright(_ arguments: [String], as user: String = "alice", passwordFile: String = TestServer.secretFile("alice-secret")) async throws
        -> (status: Int32, output: String, errors: String) {
        try await runToolSeparately(Repository.wheelwright, arguments + ["--server", server.baseURL, "--user", user, "--password-file", passwordFile])
    }

    func twine(_ file: String) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url", "\(server.baseURL)/alice/dev/",
                                                     "-u", "alice", "-p", "alice-secret", file])
    }

    func pip(_ requirement: String, index: String = "alice/prod") async throws -> (status: Int32, output: String) {
        try await runTool(Repository.tool("pip"), ["download", "--no-cache-dir", "--no-deps", "--disable-pip-version-check", "-d", folder.path("d-\(UUID().uuidString)"),
                                                   "--index-url", "\(server.baseURL)/\(index)/+simple/", requirement])
    }

    func uv(_ requirement: String) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.tool("uv"), ["pip", "install", "--no-deps", "--python", "/usr/bin/python3", "--target", folder.path("t-\(UUID().uuidString)"),
                                                  "--index-url", "\(server.baseURL)/alice/prod/+simple/", requirement],
                          environment: ["UV_CACHE_DIR": folder.path("uv-cache-\(UUID().uuidString)")])
    }

    @Test("quarantined: not installable by pip or uv (their errors name it), no file listed or served, uploads refused; the JSON and HTML carry PEP 792's fields; devpi getjson works; lifted, it installs again")
    func quarantine() async throws {
        #expect(try await twine(try await makeDistribution(in: folder, "haunted", "1.0")).status == 0)
        #expect(try await twine(try await makeDistribution(in: folder, "keeper", "1.0")).status == 0)
        #expect(try await pip("haunted").status == 0)
        let before = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/haunted/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        let fileURL = try #require(((before.json["files"] as? [[String: Any]])?.first?["url"] as? String).map { server.baseURL + $0 })
        #expect(before.json["project-status"] == nil && (before.json["meta"] as? [String: Any])?["api-version"] as? String == "1.4")

        let set = try await wheelwright(["status", "haunted", "quarantined", "--index", "alice/dev", "--reason", "malware in 1.0 \"setup.py\""])
        #expect(set.status == 0 && set.output.contains("haunted in alice/dev: quarantined: malware in 1.0 \"setup.py\""), "\(set.output)\(set.errors)")
        // The deny entry that keeps the next night from building it, as YAML a whitelist takes.
        #expect(set.output.contains("deny:\n  - name: haunted\n    reason: \"quarantined: malware in 1.0 \\\"setup.py\\\"\"\n"), "\(set.output)")

        // The aggregation index serves its base's status: PEP 792's JSON, no files, no versions.
        let json = try await HTTP.send(.GET, "\(server.baseURL)/alice/prod/+simple/haunted/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        #expect(json.status == 200 && json.headers["Content-Type"].first == "application/vnd.pypi.simple.v1+json")
        #expect(json.json["project-status"] as? [String: String] == ["status": "quarantined", "reason": "malware in 1.0 \"setup.py\""], "\(json.text)")
        #expect((json.json["files"] as? [Any])?.isEmpty == true && (json.json["versions"] as? [Any])?.isEmpty == true)
        let html = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/haunted/")
        #expect(html.text.contains("<meta name=\"pypi:repository-version\" content=\"1.4\">\n<meta name=\"pypi:project-status\" content=\"quarantined\">\n<meta name=\"pypi:project-status-reason\" content=\"malware in 1.0 &quot;setup.py&quot;\">\n"), "\(html.text)")
        #expect(!html.text.contains("<a "))
        #expect(try await HTTP.send(.GET, fileURL).status == 404)
        #expect(try await HTTP.send(.GET, fileURL + ".metadata").status == 404)

        let pip = try await pip("haunted")
        #expect(pip.status != 0 && pip.output.contains("haunted"), "\(pip.output)")
        let uv = try await uv("haunted")
        #expect(uv.status != 0 && uv.output.contains("haunted"), "\(uv.output)")
        #expect(try await self.pip("keeper").status == 0)
        // Quarantined in the aggregation only: its users find nothing, and the command says that
        // the index holding the files still serves them at their URLs.
        let aggregation = try await wheelwright(["status", "keeper", "quarantined", "--index", "alice/prod", "--reason", "under review"])
        #expect(aggregation.status == 0 && aggregation.output.contains("note: alice/dev still serves keeper (at their own URLs, to their own users): quarantine it too, or use --everywhere"),
                "\(aggregation.output)\(aggregation.errors)")
        #expect(try await self.pip("keeper").status != 0)
        #expect(try await self.pip("keeper", index: "alice/dev").status == 0)

        let upload = try await twine(try await makeDistribution(in: folder, "haunted", "2.0"))
        #expect(upload.status != 0 && upload.output.contains("haunted is quarantined in alice/dev"), "\(upload.output)")

        // devpi-client reads the project (no versions: devpi's shape has no place for a status).
        let devpi = try await runTool(Repository.tool("devpi"), ["getjson", "\(server.baseURL)/alice/prod/haunted"],
                                      environment: ["DEVPI_CLIENTDIR": folder.path("devpi"), "HOME": folder.url.path])
        #expect(devpi.status == 0 && devpi.output.contains("\"type\": \"projectconfig\""), "\(devpi.output)")
        let version = try await HTTP.send(.GET, "\(server.baseURL)/alice/prod/haunted/1.0", headers: [("Accept", "application/json")])
        #expect(version.status == 404 && version.text.contains("haunted is quarantined in alice/dev"), "\(version.text)")
        let page = try await HTTP.send(.GET, "\(server.baseURL)/alice/prod/haunted/", headers: [("Accept", "text/html")])
        #expect(page.status == 200 && page.text.contains("<b>quarantined</b> in alice/dev") && page.text.contains("Its files are neither listed nor served"), "\(page.text)")
        #expect(page.text.contains("alice set <b>quarantined</b> in alice/dev: malware in 1.0 &quot;setup.py&quot;"))
        let listing = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/", headers: [("Accept", "text/html")])
        #expect(listing.text.contains(">haunted</a> <span class=\"tag\">quarantined</span>") && !listing.text.contains(">keeper</a> <span"), "\(listing.text)")

        let lift = try await wheelwright(["status", "haunted", "active", "--index", "alice/dev", "--reason", "a false alarm"])
        #expect(lift.status == 0 && lift.output.contains("haunted in alice/dev: active") && !lift.output.contains("deny:"), "\(lift.output)\(lift.errors)")
        #expect(try await self.pip("haunted").status == 0)
        let shown = try await wheelwright(["status", "haunted", "--json"])
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(shown.output.utf8)) as? [[String: Any]], "\(shown.output)\(shown.errors)")
        #expect(reports.map { $0["index"] as? String } == ["alice/dev"] && (reports[0]["history"] as? [[String: Any]])?.map { $0["status"] as? String } == ["quarantined", "active"])
    }

    @Test("archived: uploads refused, files served; deprecated: as active; aggregation indices show the base's status; the stricter of an index's own and its bases' is served")
    func archivedAndDeprecated() async throws {
        #expect(try await twine(try await makeDistribution(in: folder, "frozen", "1.0")).status == 0)
        #expect(try await wheelwright(["status", "frozen", "archived", "--index", "alice/dev", "--reason", "no longer maintained"]).status == 0)
        let upload = try await twine(try await makeDistribution(in: folder, "frozen", "1.1"))
        #expect(upload.status != 0 && upload.output.contains("frozen is archived in alice/dev"), "\(upload.output)")
        #expect(try await pip("frozen==1.0").status == 0)
        #expect(try await uv("frozen").status == 0)
        let json = try await HTTP.send(.GET, "\(server.baseURL)/alice/prod/+simple/frozen/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        #expect(json.json["project-status"] as? [String: String] == ["status": "archived", "reason": "no longer maintained"] && (json.json["files"] as? [Any])?.count == 1)

        // prod's own deprecation is milder than its base's archive: archived is served.
        let milder = try await wheelwright(["status", "frozen", "deprecated", "--index", "alice/prod", "--reason", "use thawed"])
        #expect(milder.status == 0 && milder.output.contains("frozen in alice/prod: archived (set in alice/dev): no longer maintained (a base's status is stricter than deprecated)"), "\(milder.output)")
        #expect(try await wheelwright(["status", "frozen", "active", "--index", "alice/dev", "--reason", "maintained again"]).status == 0)
        let deprecated = try await HTTP.send(.GET, "\(server.baseURL)/alice/prod/+simple/frozen/")
        #expect(deprecated.text.contains("<meta name=\"pypi:project-status\" content=\"deprecated\">") && deprecated.text.contains("frozen-1.0-py3-none-any.whl"))
        #expect(try await twine(try await makeDistribution(in: folder, "frozen", "1.1")).status == 0)
        // A status can be set before anything is uploaded: the page says so; pip finds nothing.
        #expect(try await wheelwright(["status", "typosquat", "quarantined", "--index", "alice/dev", "--reason", "a known typosquat"]).status == 0)
        let early = try await HTTP.send(.GET, "\(server.baseURL)/alice/prod/+simple/typosquat/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        #expect(early.status == 200 && (early.json["project-status"] as? [String: String])?["status"] == "quarantined")
    }

    @Test("who may: the owner and root; others 403, anonymous 401; --everywhere sets every index holding it and reports each refusal")
    func authorization() async throws {
        #expect(try await twine(try await makeDistribution(in: folder, "shared", "1.0")).status == 0)
        let root = HTTP.basic("root", TestServer.rootPassword)
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/bob", auth: root, ["password": "bob-secret"]).status == 201)
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/bob/team", auth: HTTP.basic("bob", "bob-secret"), ["volatile": false]).status == 201)
        let wheel = try await makeDistribution(in: folder, "shared", "1.0")
        let bobUpload = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url", "\(server.baseURL)/bob/team/",
                                                                     "-u", "bob", "-p", "bob-secret", wheel])
        #expect(bobUpload.status == 0, "\(bobUpload.output)")
        let url = "\(server.baseURL)/alice/dev/+status/shared"
        #expect(try await HTTP.json(.POST, url, auth: nil, ["status": "quarantined", "reason": "x"]).status == 401)
        #expect(try await HTTP.json(.POST, url, auth: HTTP.basic("bob", "bob-secret"), ["status": "quarantined", "reason": "x"]).status == 403)

        // Bob tries everywhere: his own index changes, alice's refuses him, the command fails.
        let bob = try await wheelwright(["status", "shared", "archived", "--everywhere", "--reason", "moved"], as: "bob", passwordFile: TestServer.secretFile("bob-secret"))
        #expect(bob.status != 0 && bob.output.contains("shared in bob/team: archived") && bob.errors.contains("not set in alice/dev"), "\(bob.output)\(bob.errors)")
        let everywhere = try await wheelwright(["status", "shared", "quarantined", "--everywhere", "--reason", "stolen credentials"], as: "root", passwordFile: TestServer.rootPasswordFile)
        #expect(everywhere.status == 0 && everywhere.output.contains("shared in alice/dev: quarantined") && everywhere.output.contains("shared in bob/team: quarantined"),
                "\(everywhere.output)\(everywhere.errors)")
        let listed = try await wheelwright(["status", "shared"])
        #expect(listed.output.contains("root set quarantined in bob/team: stolen credentials") && listed.output.contains("bob set archived in bob/team: moved"), "\(listed.output)")
    }

    @Test("bad input is a 400 naming the field; nothing is recorded")
    func badInput() async throws {
        let url = "\(server.baseURL)/alice/dev/+status/demo"
        for (body, field) in [(["status": "evil", "reason": "x"], "status"), (["reason": "x"], "status"), (["status": "archived"], "reason"),
                              (["status": "archived", "reason": "a\nb"], "reason"), (["status": "archived", "reason": String(repeating: "x", count: 1001)], "reason"),
                              (["status": "archived", "reason": "x", "extra": "y"], "extra")] as [([String: String], String)] {
            let reply = try await HTTP.json(.POST, url, auth: TestServer.alice, body)
            #expect(reply.status == 400 && reply.text.contains(field), "\(body): \(reply.status) \(reply.text)")
        }
        #expect(try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/+status/bad%20name", auth: TestServer.alice, ["status": "archived", "reason": "x"]).status == 400)
        #expect(try await HTTP.json(.POST, "\(server.baseURL)/alice/none/+status/demo", auth: TestServer.alice, ["status": "archived", "reason": "x"]).status == 404)
        #expect(try await HTTP.send(.GET, url).status == 404)
        let cli = try await wheelwright(["status", "demo", "archived", "--index", "alice/dev"])
        #expect(cli.status != 0 && cli.errors.contains("--reason"), "\(cli.errors)")
    }
}
