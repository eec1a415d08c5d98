import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// Read ACLs through the real server, with pip (URL credentials, netrc, a read token), uv and
/// devpi-client as the readers; and the attacker's view: no listing, search, JSON, file URL,
/// status code or ETag tells a private index or its projects from nothing.
@Suite("Private indices")
final class PrivateIndexTests {
    let server: LocalIndex
    let folder: TemporaryFolder
    let root = HTTP.basic("root", TestServer.rootPassword)
    let bob = HTTP.basic("bob", "bob-secret")
    let carol = HTTP.basic("carol", "carol-secret")

    /// alice/secret (acl_read: bob) holds hidden-pkg; alice/open is public and holds open-pkg;
    /// alice/mixed is public with alice/secret as its base.
    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
        try await server.addAlice(indices: [("secret", ["acl_read": ["bob"], "volatile": false]), ("open", ["volatile": false]),
                                            ("mixed", ["bases": ["alice/secret"]])])
        for name in ["bob", "carol"] {
            let created = try await HTTP.json(.PUT, "\(server.baseURL)/\(name)", auth: root, ["password": "\(name)-secret"])
            guard created.status == 201 else { throw TestFailure("cannot create \(name): \(created.text)") }
        }
        for (project, index) in [("hidden-pkg", "alice/secret"), ("open-pkg", "alice/open")] {
            let wheel = try await makeDistribution(in: folder, project, "1.0")
            let twine = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar",
                                                                     "--repository-url", "\(server.baseURL)/\(index)/", "-u", "alice", "-p", "alice-secret", wheel])
            guard twine.status == 0 else { throw TestFailure("upload to \(index): \(twine.output)") }
        }
    }

    func pip(_ requirement: String, indexURL: String, home: String? = nil) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.tool("pip"), ["download", "--no-cache-dir", "--no-deps", "--disable-pip-version-check", "--no-input",
                                                   "-d", folder.path("d-\(UUID().uuidString)"), "--index-url", indexURL, requirement],
                          environment: ["HOME": home ?? folder.path("no-home"), "NETRC": ""].filter { !$0.value.isEmpty })
    }

    /// `http://USER:PASSWORD@127.0.0.1:PORT/PATH`
    func url(_ path: String, user: String, password: String) -> String {
        server.baseURL.replacingOccurrences(of: "http://", with: "http://\(user):\(password)@") + path
    }

    @Test("pip with URL credentials and with netrc, uv with URL credentials, and a read token install from a private index; anonymous pip is asked to log in, another user finds nothing")
    func clients() async throws {
        let anonymous = try await pip("hidden-pkg", indexURL: "\(server.baseURL)/alice/secret/+simple/")
        #expect(anonymous.status != 0 && anonymous.output.contains("No matching distribution found for hidden-pkg"), "\(anonymous.output)")
        #expect(try await pip("hidden-pkg", indexURL: url("/alice/secret/+simple/", user: "bob", password: "bob-secret")).status == 0)
        let carol = try await pip("hidden-pkg", indexURL: url("/alice/secret/+simple/", user: "carol", password: "carol-secret"))
        #expect(carol.status != 0 && carol.output.contains("No matching distribution found for hidden-pkg"), "\(carol.output)")
        // netrc: pip sends what ~/.netrc holds for the host.
        let home = folder.path("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try "machine 127.0.0.1 login bob password bob-secret\n".write(toFile: home + "/.netrc", atomically: true, encoding: .utf8)
        _ = chmod(home + "/.netrc", 0o600)
        let netrc = try await pip("hidden-pkg", indexURL: "\(server.baseURL)/alice/secret/+simple/", home: home)
        #expect(netrc.status == 0, "\(netrc.output)")
        // Through the aggregation: bob may read it and its base.
        #expect(try await pip("hidden-pkg", indexURL: url("/alice/mixed/+simple/", user: "bob", password: "bob-secret")).status == 0)
        let uv = try await runTool(Repository.tool("uv"), ["pip", "install", "--no-deps", "--python", "/usr/bin/python3", "--target", folder.path("uv-target"),
                                                           "--index-url", url("/alice/secret/+simple/", user: "bob", password: "bob-secret"), "hidden-pkg"],
                                   environment: ["UV_CACHE_DIR": folder.path("uv-cache")])
        #expect(uv.status == 0, "\(uv.output)")

        // A read token of alice's, scoped to the index: pip reads with it; it uploads nothing.
        let created = try await HTTP.json(.POST, "\(server.baseURL)/+tokens", auth: TestServer.alice, ["indices": ["alice/secret"], "read": true])
        let token = try #require((created.json["result"] as? [String: Any])?["token"] as? String, "\(created.text)")
        #expect(try await pip("hidden-pkg", indexURL: url("/alice/secret/+simple/", user: "__token__", password: token)).status == 0)
        let wheel = try await makeDistribution(in: folder, "hidden-pkg", "2.0")
        let upload = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url",
                                                                  "\(server.baseURL)/alice/secret/", "-u", "__token__", "-p", token, wheel])
        #expect(upload.status != 0 && upload.output.contains("403"), "\(upload.output)")
        // Its scope is one index: alice's other private index is a 404 to it.
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/alice/vault", auth: TestServer.alice, ["acl_read": [String]()]).status == 201)
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/alice/vault/+simple/", headers: [("Authorization", HTTP.basic("__token__", token))]).status == 404)
    }

    @Test("no listing, search, JSON, file URL, status code or ETag tells a private index or its projects to whoever may not read it")
    func enumeration() async throws {
        let page = try await HTTP.send(.GET, "\(server.baseURL)/alice/secret/+simple/hidden-pkg/", headers: [("Authorization", bob), ("Accept", "application/vnd.pypi.simple.v1+json")])
        #expect(page.status == 200)
        let etag = try #require(page.headers["ETag"].first)
        let fileURL = try #require(((page.json["files"] as? [[String: Any]])?.first?["url"] as? String).map { server.baseURL + $0 })
        // Anonymous: a private index, a base-private aggregation and an index that does not exist all ask to log in, alike.
        for path in ["/alice/secret/+simple/", "/alice/secret/+simple/hidden-pkg/", "/alice/mixed/+simple/", "/alice/nothing/+simple/", "/alice/secret/hidden-pkg/"] {
            let reply = try await HTTP.send(.GET, server.baseURL + path)
            #expect(reply.status == 401 && reply.headers["WWW-Authenticate"].first?.hasPrefix("Basic realm=") == true, "\(path): \(reply.status)")
        }
        #expect(try await HTTP.send(.GET, fileURL).status == 401)
        // carol: the private index is exactly an index that does not exist (status and body); an ETag answers nothing.
        let missing = try await HTTP.send(.GET, "\(server.baseURL)/alice/nothing/+simple/", headers: [("Authorization", carol)])
        let hidden = try await HTTP.send(.GET, "\(server.baseURL)/alice/secret/+simple/", headers: [("Authorization", carol)])
        #expect(missing.status == 404 && hidden.status == 404
                && hidden.text.replacingOccurrences(of: "alice/secret", with: "alice/nothing") == missing.text, "\(hidden.text) vs \(missing.text)")
        for (path, headers) in [("/alice/secret/+simple/hidden-pkg/", [("If-None-Match", etag)]), ("/alice/mixed/+simple/hidden-pkg/", []),
                                ("/alice/secret/+files", []), ("/alice/secret/hidden-pkg", [("Accept", "application/json")]),
                                ("/alice/secret/+status/hidden-pkg", []), ("/alice/secret/+api", [])] {
            let reply = try await HTTP.send(.GET, server.baseURL + path, headers: [("Authorization", carol)] + headers)
            #expect(reply.status == 404, "\(path): \(reply.status)")
        }
        #expect(try await HTTP.send(.GET, fileURL, headers: [("Authorization", carol)]).status == 404)
        // Writes tell nothing either: an upload, a yank, a push out of it, as for a missing index.
        let wheel = try await makeDistribution(in: folder, "hidden-pkg", "3.0")
        let form = HTTP.uploadForm(filename: (wheel as NSString).lastPathComponent, content: Array(try Data(contentsOf: URL(fileURLWithPath: wheel))))
        for index in ["alice/secret", "alice/nothing"] {
            let upload = try await HTTP.send(.POST, "\(server.baseURL)/\(index)/", headers: [("Authorization", carol), ("Content-Type", form.contentType)], body: form.body)
            let yank = try await HTTP.json(.POST, "\(server.baseURL)/\(index)/+yank/hidden_pkg-1.0-py3-none-any.whl", auth: carol, ["reason": "x"])
            #expect(upload.status == 404 && yank.status == 404 && upload.text.contains("index \(index) does not exist"), "\(index): \(upload.status) \(upload.text) \(yank.status)")
        }
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/carol/mine", auth: carol, [:]).status == 201)
        let push = try await HTTP.json(.POST, "\(server.baseURL)/alice/secret/", auth: carol, ["name": "hidden-pkg", "version": "1.0", "targetindex": "carol/mine"])
        #expect(push.status == 404 && push.text.contains("index alice/secret does not exist"), "\(push.status) \(push.text)")
        // Anonymous: the aggregation's refusal names the aggregation, never its private base.
        let aggregated = try await HTTP.send(.GET, "\(server.baseURL)/alice/mixed/+simple/")
        #expect(aggregated.status == 401 && aggregated.text.contains("alice/mixed") && !aggregated.text.contains("secret"), "\(aggregated.text)")
        // Lists: the root (JSON and page), alice's user page, search, a project's statuses.
        for auth in [nil, carol] {
            let headers = auth.map { [("Authorization", $0)] } ?? []
            for (path, accept) in [("/", "application/json"), ("/", "text/html"), ("/alice", "application/json"), ("/+search?q=hidden", "text/html"), ("/+status/hidden-pkg", "application/json")] {
                let reply = try await HTTP.send(.GET, server.baseURL + path, headers: headers + [("Accept", accept)])
                // (A 404 names what was asked for: the name the reader typed, nothing more.)
                let asked = path.hasPrefix("/+status/") ? reply.text.replacingOccurrences(of: "hidden-pkg", with: "") : reply.text
                #expect(!asked.contains("secret") && !asked.contains("hidden-pkg") && !asked.contains("mixed"), "\(path) as \(auth == nil ? "anonymous" : "carol"): \(reply.text.prefix(400))")
            }
        }
        let bobsRoot = try await HTTP.send(.GET, "\(server.baseURL)/", headers: [("Authorization", bob), ("Accept", "text/html")])
        #expect(bobsRoot.text.contains("alice/secret") && bobsRoot.text.contains("<span class=\"tag\">private</span>"), "\(bobsRoot.text)")
        let bobsSearch = try await HTTP.send(.GET, "\(server.baseURL)/+search?q=hidden", headers: [("Authorization", bob), ("Accept", "text/html")])
        #expect(bobsSearch.text.contains("hidden-pkg"), "\(bobsSearch.text)")
        // A run's page leaves out what it published to an index the reader may not read.
        func item(_ project: String) -> [String: Any] {
            ["project": project, "version": "1.0", "target": "debian-12", "python": "3.11", "system_packages": [], "environment": [:]]
        }
        let report: [String: Any] = ["run_id": "night", "started_at": "2026-12-07T01:00:00Z", "seconds": 2.0, "skipped": [], "results": [
            ["item": item("hidden-pkg"), "status": "built", "seconds": 1.0, "wheel": "hidden_pkg-1.0-py3-none-any.whl", "index": "alice/secret"],
            ["item": item("open-pkg"), "status": "built", "seconds": 1.0, "wheel": "open_pkg-1.0-py3-none-any.whl", "index": "alice/open"],
        ]]
        let posted = try await HTTP.json(.POST, "\(server.baseURL)/+builds", auth: root, report)
        #expect(posted.status == 201, "\(posted.text)")
        for (auth, sees) in [(nil, false), (carol, false), (bob, true)] as [(String?, Bool)] {
            let run = try await HTTP.send(.GET, "\(server.baseURL)/+builds/1/", headers: [("Accept", "text/html")] + (auth.map { [("Authorization", $0)] } ?? []))
            #expect(run.status == 200 && run.text.contains("open-pkg") && run.text.contains("hidden-pkg") == sees, "\(auth ?? "anonymous"): \(run.text.prefix(300))")
        }
        // The public index is as it was, for everyone.
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/alice/open/+simple/open-pkg/").status == 200)
    }

    @Test("devpi-client: use a private index, login, list and getjson work for a reader; the index's acl_read is set with devpi index and shown")
    func devpiClient() async throws {
        func devpi(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            try await runTool(Repository.tool("devpi"), arguments, environment: ["DEVPI_CLIENTDIR": folder.path("devpi"), "HOME": folder.url.path])
        }
        #expect(try await devpi(["use", "\(server.baseURL)/alice/open"]).status == 0)
        #expect(try await devpi(["login", "alice", "--password", "alice-secret"]).status == 0)
        let modified = try await devpi(["index", "alice/open", "acl_read=alice,bob"])
        #expect(modified.status == 0 && modified.output.contains("acl_read=alice,bob"), "\(modified.output)")
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/alice/open/+simple/").status == 401)
        #expect(try await devpi(["logoff"]).status == 0)
        #expect(try await devpi(["login", "bob", "--password", "bob-secret"]).status == 0)
        let use = try await devpi(["use", "\(server.baseURL)/alice/secret"])
        #expect(use.status == 0, "\(use.output)")
        let list = try await devpi(["list", "hidden-pkg"])
        #expect(list.status == 0 && list.output.contains("hidden_pkg-1.0-py3-none-any.whl"), "\(list.output)")
        let json = try await devpi(["getjson", "/alice/secret/hidden-pkg"])
        #expect(json.status == 0 && json.output.contains("projectconfig"), "\(json.output)")
        let cli = try await runToolSeparately(Repository.wheelwright, ["index", "list", "--server", server.baseURL, "--user", "alice", "--password-file", TestServer.secretFile("alice-secret")])
        #expect(cli.output.contains("alice/secret\tbases=-\tnon-volatile\tprivate: acl_read=bob"), "\(cli.output)\(cli.errors)")
    }
}
