import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The real server process against real clients (twine, pip, uv from `.venv`) and raw HTTP.
@Suite("Index server")
struct ServerTests {
    @Test("passwd, user delete, index delete from the command line: a base of other indices refused with their names, non-volatile never deleted")
    func accountCommands() async throws {
        let server = try await TestServer()
        func wheelwright(_ arguments: [String], as user: String = "root", passwordFile: String = TestServer.rootPasswordFile,
                         input: String = "") async throws -> (status: Int32, output: String, errors: String) {
            try await runToolSeparately(Repository.wheelwright, arguments + ["--server", server.baseURL, "--user", user, "--password-file", passwordFile], input: input)
        }
        #expect(try await wheelwright(["user", "add", "gina"], input: "gina-secret\n").status == 0)
        let gina = TestServer.secretFile("gina-secret")
        for (name, volatile) in [("stage", true), ("prod", false), ("team", true), ("tools", true)] {
            let created = try await wheelwright(["index", "create", "gina/\(name)"] + (volatile ? ["--volatile"] : []) + (name == "team" || name == "tools" ? ["--bases", "gina/stage"] : []),
                                                as: "gina", passwordFile: gina)
            #expect(created.status == 0, "\(created.errors)")
        }
        let base = try await wheelwright(["index", "delete", "gina/stage"], as: "gina", passwordFile: gina)
        #expect(base.status != 0 && base.errors.contains("gina/stage is a base of gina/team, gina/tools: change their bases first"), "\(base.errors)")
        let kept = try await wheelwright(["index", "delete", "gina/prod"], as: "gina", passwordFile: gina)
        #expect(kept.status != 0 && kept.errors.contains("non-volatile"), "\(kept.errors)")
        #expect(try await wheelwright(["index", "delete", "gina/tools"], as: "gina", passwordFile: gina).status == 0)

        let changed = try await wheelwright(["passwd"], as: "gina", passwordFile: gina, input: "gina-new\n")
        #expect(changed.status == 0 && changed.output.contains("the password of gina is changed"), "\(changed.errors)")
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/gina", auth: HTTP.basic("gina", "gina-secret"), [:]).status == 401)
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/gina", auth: HTTP.basic("gina", "gina-new"), [:]).status == 200)

        let owner = try await wheelwright(["user", "delete", "gina"])
        #expect(owner.status != 0 && owner.errors.contains("non-volatile index gina/prod"), "\(owner.errors)")
        #expect(try await wheelwright(["user", "add", "hal"], input: "hal-secret\n").status == 0)
        #expect(try await wheelwright(["user", "delete", "hal"]).status == 0)
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/hal", auth: HTTP.basic("hal", "hal-secret"), [:]).status == 401)
    }

    @Test("token list: id, scope, created, last used, never the secret; root lists anyone's; a revoked token leaves the list")
    func tokenList() async throws {
        let server = try await TestServer()
        let root = ["--server", server.baseURL, "--user", "root", "--password-file", TestServer.rootPasswordFile]
        #expect(try await runToolSeparately(Repository.wheelwright, ["user", "add", "hana"] + root, input: "hana-secret\n").status == 0)
        let hana = ["--server", server.baseURL, "--user", "hana", "--password-file", TestServer.secretFile("hana-secret")]
        #expect(try await runToolSeparately(Repository.wheelwright, ["index", "create", "hana/dev"] + hana).status == 0)
        let empty = try await runToolSeparately(Repository.wheelwright, ["token", "list"] + hana)
        #expect(empty.status == 0 && empty.output.contains("no tokens: create one with wheelwright token create"), "\(empty.output)")
        let wide = try await runToolSeparately(Repository.wheelwright, ["token", "create"] + hana)
        let scoped = try await runToolSeparately(Repository.wheelwright, ["token", "create", "--index", "hana/dev"] + hana)
        let (wideToken, scopedToken) = (wide.output.trimmingCharacters(in: .whitespacesAndNewlines), scoped.output.trimmingCharacters(in: .whitespacesAndNewlines))
        // The scoped token is used once: its last use is recorded.
        let used = try await runToolSeparately(Repository.wheelwright, ["token", "list", "--server", server.baseURL], environment: ["WHEELWRIGHT_TOKEN": scopedToken])
        #expect(used.status != 0 && used.errors.contains("may not list the tokens of"), "\(used.output) \(used.errors)")

        let listed = try await runToolSeparately(Repository.wheelwright, ["token", "list", "--json"] + hana)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]], "\(listed.errors)")
        #expect(rows.count == 2 && !listed.output.contains(wideToken) && !listed.output.contains(scopedToken))
        let scopedRow = try #require(rows.first { ($0["indices"] as? [String]) == ["hana/dev"] })
        let wideRow = try #require(rows.first { $0["indices"] == nil })
        #expect(scopedRow["last_used"] is Double && wideRow["last_used"] == nil && scopedRow["created"] is Double, "\(rows)")
        let table = try await runToolSeparately(Repository.wheelwright, ["token", "list"] + hana)
        #expect(table.output.contains("LAST USED") && table.output.contains("never") && table.output.contains("hana/dev"), "\(table.output)")
        let byRoot = try await runToolSeparately(Repository.wheelwright, ["token", "list", "--of", "hana", "--json"] + root)
        #expect(byRoot.status == 0 && byRoot.output.contains(wideRow["id"] as? String ?? "?"), "\(byRoot.errors)")

        let revoked = try await runToolSeparately(Repository.wheelwright, ["token", "revoke", wideRow["id"] as? String ?? ""] + hana)
        #expect(revoked.status == 0, "\(revoked.errors)")
        let after = try await runToolSeparately(Repository.wheelwright, ["token", "list", "--json"] + hana)
        #expect(!after.output.contains(wideRow["id"] as? String ?? "?") && after.output.contains(scopedRow["id"] as? String ?? "?"))
    }

    @Test("/+health answers 503 naming the part that fails while the blob store is gone, so a proxy takes the replica out; ok again once it is back")
    func health() async throws {
        let server = try await TestServer()
        let healthy = try await HTTP.send(.GET, "\(server.baseURL)/+health")
        #expect(healthy.status == 200 && healthy.text == "ok\n")
        let blobs = server.data.appendingPathComponent("blobs"), away = server.data.appendingPathComponent("blobs-away")
        try FileManager.default.moveItem(at: blobs, to: away)
        let sick = try await HTTP.send(.GET, "\(server.baseURL)/+health")
        #expect(sick.status == 503 && sick.text.contains("blob store: ") && sick.text.contains("blobs is missing"), "\(sick.text)")
        try FileManager.default.moveItem(at: away, to: blobs)
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/+health").status == 200)
    }

    @Test("the request log: status, bytes, duration, client, user and request id per request; X-Forwarded-For believed from a trusted proxy only")
    func requestLog() async throws {
        let trusting = try await TestServer(arguments: ["--trusted-proxy", "127.0.0.1"])
        let plain = try await TestServer()
        let forwarded = [("X-Forwarded-For", "203.0.113.7, 127.0.0.1"), ("X-Request-Id", "night-42")]
        let answer = try await HTTP.send(.GET, "\(trusting.baseURL)/+api", headers: forwarded + [("Authorization", HTTP.basic("root", TestServer.rootPassword))])
        #expect(answer.status == 200 && answer.headers["X-Request-Id"].first == "night-42")
        _ = try await HTTP.send(.GET, "\(plain.baseURL)/+health", headers: forwarded)
        _ = try await HTTP.send(.GET, "\(plain.baseURL)/no/such/+simple/x/")
        try await Task.sleep(for: .milliseconds(300))
        let trusted = try String(contentsOf: trusting.log, encoding: .utf8)
        let line = try #require(trusted.split(separator: "\n").first { $0.hasSuffix("GET /+api") }, "\(trusted)")
        for field in ["status=200", "client=203.0.113.7", "user=root", "request_id=night-42", "bytes="] {
            #expect(line.contains(field), "\(line)")
        }
        #expect(line.firstMatch(of: #/ms=\d+\.\d/#) != nil, "\(line)")
        let untrusted = try String(contentsOf: plain.log, encoding: .utf8)
        let health = try #require(untrusted.split(separator: "\n").first { $0.hasSuffix("GET /+health") }, "\(untrusted)")
        #expect(health.contains("client=127.0.0.1") && !health.contains("night-42") && health.contains("user=-"), "\(health)")
        #expect(untrusted.split(separator: "\n").contains { $0.hasSuffix("GET /no/such/+simple/x/") && $0.contains("status=404") }, "\(untrusted)")
    }

    @Test("secrets never in argv: a password file readable by others is refused, and no password on stdin, each in its message and one line; user add reads the new password from stdin; no server is one sentence")
    func secretsOutOfArgv() async throws {
        let server = try await TestServer()
        let loose = TestServer.secretFile(TestServer.rootPassword)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: loose)
        let refused = try await runToolSeparately(Repository.wheelwright, ["index", "list", "--server", server.baseURL, "--user", "root", "--password-file", loose])
        // The refusal, and where to read about the command: not the usage of the whole tree.
        #expect(refused.status == 64 && refused.errors == "Error: --password-file \(loose) may be read by others (mode 644): chmod 600 \(loose)\nSee 'wheelwright index list --help'.\n",
                "\(refused.errors)")
        let empty = try await runToolSeparately(Repository.wheelwright, ["user", "add", "gina", "--server", server.baseURL, "--user", "root",
                                                                         "--password-file", TestServer.rootPasswordFile], input: "")
        #expect(empty.status == 64 && empty.errors.hasPrefix("Error: no password on standard input") && empty.errors.hasSuffix("See 'wheelwright user add --help'.\n")
                && !empty.errors.contains("SUBCOMMANDS"), "\(empty.errors)")
        // No server there: one sentence naming the URL and what to do.
        let nowhere = try await runToolSeparately(Repository.wheelwright, ["index", "list", "--server", "http://127.0.0.1:9", "--user", "root",
                                                                           "--password-file", TestServer.rootPasswordFile])
        #expect(nowhere.status == 1 && nowhere.errors == "Error: http://127.0.0.1:9/: nothing answers there (connection refused): start the index with `wheelwright serve`, or name the one to use with --server URL or WHEELWRIGHT_SERVER\n",
                "\(nowhere.errors)")
        let added = try await runToolSeparately(Repository.wheelwright, ["user", "add", "frank", "--server", server.baseURL, "--user", "root",
                                                                         "--password-file", TestServer.rootPasswordFile], input: "frank-secret\n")
        #expect(added.status == 0, "\(added.output)\(added.errors)")
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/frank", auth: HTTP.basic("frank", "frank-secret"), [:]).status == 200)
        let viaEnvironment = try await runToolSeparately(Repository.wheelwright, ["index", "list", "--server", server.baseURL, "--user", "root"],
                                                         environment: ["WHEELWRIGHT_PASSWORD": TestServer.rootPassword])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.errors)")
        // A server without indices says so, names itself, and says how to create one.
        #expect(viaEnvironment.output == "no indices on \(server.baseURL): create one with wheelwright index create USER/NAME (as that user or root)\n",
                "\(viaEnvironment.output)")
    }

    @Test("admin reset-password: the lost root password set offline from stdin, never argv; the old one then fails; an unknown user or no password refused")
    func resetPassword() async throws {
        let server = try await TestServer()
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/root", auth: HTTP.basic("root", TestServer.rootPassword), [:]).status == 200)
        server.stop()
        let reset = try await runToolSeparately(Repository.wheelwright, ["admin", "reset-password", "root", "--data", server.data.path], input: "found-again\n")
        #expect(reset.status == 0 && reset.output.contains("the password of root"), "\(reset.output)\(reset.errors)")
        let unknown = try await runToolSeparately(Repository.wheelwright, ["admin", "reset-password", "nobody", "--data", server.data.path], input: "x\n")
        #expect(unknown.status != 0 && unknown.errors.contains("user nobody does not exist (users: root)"), "\(unknown.errors)")
        let empty = try await runToolSeparately(Repository.wheelwright, ["admin", "reset-password", "root", "--data", server.data.path], input: "")
        #expect(empty.status != 0 && empty.errors.contains("no password on standard input"), "\(empty.errors)")
        try await server.restart()
        let root = "\(server.baseURL)/root"
        #expect(try await HTTP.json(.PATCH, root, auth: HTTP.basic("root", "found-again"), [:]).status == 200)
        #expect(try await HTTP.json(.PATCH, root, auth: HTTP.basic("root", TestServer.rootPassword), [:]).status == 401)
    }

    let server: TestServer
    let folder: TemporaryFolder
    let root = HTTP.basic("root", TestServer.rootPassword)
    let alice = TestServer.alice

    init() async throws {
        server = try await TestServer()
        folder = try TemporaryFolder()
    }

    /// alice, alice/dev (stage) and alice/prod (bases: alice/dev).
    func setUpIndices() async throws {
        try await server.addAlice(indices: [("dev", ["bases": [String](), "volatile": false]), ("prod", ["bases": ["alice/dev"]])])
    }

    func twine(_ files: [String], index: String = "alice/dev", extra: [String] = []) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar",
                                                     "--repository-url", "\(server.baseURL)/\(index)/",
                                                     "-u", "alice", "-p", "alice-secret"] + extra + files)
    }

    @Test("users and indices: devpi-style JSON, 401 with a challenge, 403 for others")
    func management() async throws {
        try await setUpIndices()
        let anonymous = try await HTTP.json(.PUT, "\(server.baseURL)/bob", auth: nil, ["password": "x"])
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["WWW-Authenticate"].first?.contains("Basic") == true)
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/bob", auth: alice, ["password": "x"]).status == 403)
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/alice/dev", auth: alice, [:]).status == 409)
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/root/x", auth: alice, [:]).status == 403)
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/alice/x", auth: alice, ["bases": ["alice/missing"]]).status == 400)
        let prod = try await HTTP.send(.GET, "\(server.baseURL)/alice/prod")
        let result = prod.json["result"] as? [String: Any]
        #expect(result?["bases"] as? [String] == ["alice/dev"])
        #expect(result?["volatile"] as? Bool == false)
        let list = try await HTTP.send(.GET, "\(server.baseURL)/")
        let users = list.json["result"] as? [String: Any]
        #expect(Set(users?.keys.map { $0 } ?? []) == ["root", "alice"])
        let patched = try await HTTP.json(.PATCH, "\(server.baseURL)/alice/prod", auth: alice, ["acl_upload": ["bob"]])
        #expect((patched.json["result"] as? [String: Any])?["acl_upload"] as? [String] == ["alice", "bob"])
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/+health").text == "ok\n")
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/+metrics").status == 200)
    }

    @Test("twine uploads; the same bytes again is a no-op, other bytes a 409, --skip-existing passes")
    func twineUploads() async throws {
        try await setUpIndices()
        let wheel = try await makeDistribution(in: folder, "Demo.Pkg", "1.0")
        let sdist = try await makeDistribution(in: folder, "Demo.Pkg", "1.0", sdist: true, requiresPython: ">=3.8")
        let first = try await twine([wheel, sdist])
        #expect(first.status == 0, "\(first.output)")
        #expect(try await twine([wheel]).status == 0)

        let other = try TemporaryFolder()
        let changed = try await makeDistribution(in: other, "Demo.Pkg", "1.0", payload: "different")
        let conflict = try await twine([changed])
        #expect(conflict.status != 0)
        // The reason reaches the terminal without --verbose: in the status line, as PyPI sends it.
        let filename = URL(fileURLWithPath: changed).lastPathComponent
        // (twine wraps it on the terminal's width: compared with the lines joined.)
        let terminal = conflict.output.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(terminal.contains("409 Conflict from \(server.baseURL)/alice/dev/ \(filename) already exists in alice/dev with other content: the index is non-volatile; upload a new version or build number"), "\(conflict.output)")
        // The internal header that carries the phrase to the HTTP/1 side never leaves the server.
        let form = HTTP.uploadForm(filename: filename, content: [UInt8](try Data(contentsOf: URL(fileURLWithPath: changed))))
        let raw = try await HTTP.send(.POST, "\(server.baseURL)/alice/dev/", headers: [("Authorization", alice), ("Content-Type", form.contentType)], body: form.body)
        #expect(raw.status == 409 && raw.headers["x-wheelwright-reason-phrase"].isEmpty && raw.text.contains("already exists"))
        let skipped = try await twine([changed], extra: ["--skip-existing"])
        #expect(skipped.status == 0, "\(skipped.output)")

        let page = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/demo-pkg/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        let files = page.json["files"] as? [[String: Any]] ?? []
        #expect(files.count == 2)
        #expect(page.json["versions"] as? [String] == ["1.0"])
        #expect(files.contains { $0["requires-python"] as? String == ">=3.8" })
    }

    @Test("API tokens: upload with __token__, scoped to indices, never to create tokens")
    func tokens() async throws {
        try await setUpIndices()
        let created = try await HTTP.json(.POST, "\(server.baseURL)/+tokens", auth: alice, ["indices": ["alice/dev"]])
        #expect(created.status == 201)
        let token = try #require((created.json["result"] as? [String: Any])?["token"] as? String)
        let wheel = try await makeDistribution(in: folder, "tokened", "1.0")
        let upload = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar",
                                                                   "--repository-url", "\(server.baseURL)/alice/dev/", "-u", "__token__", "-p", token, wheel])
        #expect(upload.status == 0, "\(upload.output)")
        let outOfScope = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar",
                                                                       "--repository-url", "\(server.baseURL)/alice/prod/", "-u", "__token__", "-p", token, wheel])
        #expect(outOfScope.status != 0 && outOfScope.output.contains("403"))
        #expect(try await HTTP.json(.POST, "\(server.baseURL)/+tokens", auth: HTTP.basic("__token__", token), [:]).status == 403)
        #expect(try await HTTP.json(.POST, "\(server.baseURL)/+tokens", auth: HTTP.basic("__token__", "ww_nope_nope"), [:]).status == 401)
        let id = String(token.split(separator: "_")[1])
        #expect(try await HTTP.send(.DELETE, "\(server.baseURL)/+tokens/\(id)", headers: [("Authorization", alice)]).status == 200)
        let revoked = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar",
                                                                    "--repository-url", "\(server.baseURL)/alice/dev/", "-u", "__token__", "-p", token,
                                                                    try await makeDistribution(in: folder, "tokened", "2.0")])
        #expect(revoked.status != 0 && revoked.output.contains("401"))
    }

    @Test("uv publish uploads through the legacy API")
    func uvPublish() async throws {
        try await setUpIndices()
        let wheel = try await makeDistribution(in: folder, "published", "1.0")
        let publish = try await runTool(Repository.tool("uv"), ["publish", "--publish-url", "\(server.baseURL)/alice/dev/",
                                                                 "-u", "alice", "-p", "alice-secret", wheel],
                                        environment: ["UV_CACHE_DIR": folder.path("uv-cache")])
        #expect(publish.status == 0, "\(publish.output)")
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/published/").status == 200)
    }

    @Test("a volatile index accepts new bytes for a filename; a non-volatile one never becomes volatile once it holds files")
    func volatility() async throws {
        try await setUpIndices()
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/alice/scratch", auth: alice, ["volatile": true]).status == 201)
        let first = try await makeDistribution(in: folder, "scratchy", "1.0", payload: "one")
        #expect(try await twine([first], index: "alice/scratch").status == 0)
        let other = try TemporaryFolder()
        #expect(try await twine([try await makeDistribution(in: other, "scratchy", "1.0", payload: "two")], index: "alice/scratch").status == 0)
        #expect(try await twine([first]).status == 0)
        let patch = try await HTTP.json(.PATCH, "\(server.baseURL)/alice/dev", auth: alice, ["volatile": true])
        #expect(patch.status == 409)
        #expect(try await HTTP.send(.DELETE, "\(server.baseURL)/alice/dev/scratchy/1.0", headers: [("Authorization", alice)]).status == 403)
        #expect(try await HTTP.send(.DELETE, "\(server.baseURL)/alice/scratch/scratchy/1.0", headers: [("Authorization", alice)]).status == 200)
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/alice/scratch/+simple/scratchy/").status == 404)
    }

    @Test("pip and uv install from the stage and through an aggregate's bases, HTML and JSON, with PEP 658")
    func installers() async throws {
        try await setUpIndices()
        let wheel = try await makeDistribution(in: folder, "Demo.Pkg", "1.0", payload: "from-the-index")
        #expect(try await twine([wheel]).status == 0)
        let simple = "\(server.baseURL)/alice/prod/+simple/"

        let target = folder.path("pip-target")
        let pip = try await runTool(Repository.tool("pip"), ["install", "-v", "--no-cache-dir", "--target", target, "--index-url", simple, "demo.pkg"])
        #expect(pip.status == 0, "\(pip.output)")
        #expect(pip.output.contains(".metadata"), "pip should read the PEP 658 metadata file")
        #expect(FileManager.default.fileExists(atPath: target + "/demo_pkg/__init__.py"))

        let downloads = folder.path("html-downloads")
        let html = try await runTool(Repository.tool("pip"), ["download", "--no-cache-dir", "--no-deps", "-d", downloads,
                                                               "--no-index", "--find-links", simple + "demo-pkg/", "demo-pkg"])
        #expect(html.status == 0, "\(html.output)")
        #expect(FileManager.default.fileExists(atPath: downloads + "/demo_pkg-1.0-py3-none-any.whl"))

        let venv = folder.path("uv-venv")
        _ = try await runTool(Repository.tool("uv"), ["venv", "--python", "/usr/bin/python3", venv], environment: ["UV_CACHE_DIR": folder.path("uv-cache")])
        for index in ["alice/dev", "alice/prod"] {
            let uv = try await runTool(Repository.tool("uv"), ["pip", "install", "--reinstall", "--python", venv + "/bin/python",
                                                               "--index-url", "\(server.baseURL)/\(index)/+simple/", "demo-pkg"],
                                       environment: ["UV_CACHE_DIR": folder.path("uv-cache-\(index.replacingOccurrences(of: "/", with: "-"))")])
            #expect(uv.status == 0, "\(uv.output)")
        }
        let check = try await runTool(venv + "/bin/python", ["-c", "import demo_pkg; print(demo_pkg.VALUE)"])
        #expect(check.output.contains("from-the-index"))
    }

    @Test("a yanked file is skipped by pip and uv unless pinned with ==, under +simple/ and at the index's own URL")
    func yanked() async throws {
        try await setUpIndices()
        for version in ["1.0", "2.0"] {
            #expect(try await twine([try await makeDistribution(in: folder, "yanky", version)]).status == 0)
        }
        let yank = try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/+yank/yanky-2.0-py3-none-any.whl", auth: alice, ["reason": "broken"])
        #expect(yank.status == 200)
        let html = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/yanky/")
        #expect(html.text.contains("data-yanked=\"broken\""))
        func resolve(_ requirement: String, at index: String = "/alice/dev/+simple/") async throws -> String {
            let out = folder.path("d-\(UUID().uuidString)")
            let run = try await runTool(Repository.tool("pip"), ["download", "--no-cache-dir", "--no-deps", "-d", out,
                                                                  "--index-url", server.baseURL + index, requirement])
            #expect(run.status == 0, "\(run.output)")
            return try FileManager.default.contentsOfDirectory(atPath: out).joined()
        }
        #expect(try await resolve("yanky") == "yanky-1.0-py3-none-any.whl")
        #expect(try await resolve("yanky==2.0") == "yanky-2.0-py3-none-any.whl")
        // devpi's URLs, the ones people write after `-i`: installers get the simple API there too.
        #expect(try await resolve("yanky", at: "/alice/dev") == "yanky-1.0-py3-none-any.whl")
        #expect(try await resolve("Yanky", at: "/alice/dev/") == "yanky-1.0-py3-none-any.whl")
        let target = folder.path("uv-target")
        let uv = try await runTool(Repository.tool("uv"), ["pip", "install", "--no-deps", "--python", "/usr/bin/python3", "--target", target,
                                                           "--index-url", "\(server.baseURL)/alice/dev", "yanky"],
                                   environment: ["UV_CACHE_DIR": folder.path("uv-cache-yanked")])
        #expect(uv.status == 0, "\(uv.output)")
        #expect(FileManager.default.fileExists(atPath: target + "/yanky-1.0.dist-info"), "\(uv.output)")
        let browser = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/yanky/", headers: [("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")])
        #expect(browser.text.contains("<!doctype html>") && browser.text.contains("yanked: broken"))
        let devpi = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/yanky", headers: [("Accept", "application/json")])
        let versions = devpi.json["result"] as? [String: Any]
        #expect(devpi.json["type"] as? String == "projectconfig" && Set(versions?.keys.map { $0 } ?? []) == ["1.0", "2.0"])
        let links = ((versions?["2.0"] as? [String: Any])?["+links"] as? [[String: Any]]) ?? []
        let href = try #require(links.first?["href"] as? String)
        #expect(href.hasPrefix(server.baseURL + "/alice/dev/+f/") && href.hasSuffix("/yanky-2.0-py3-none-any.whl"), "\(href)")
        #expect(try await HTTP.send(.GET, href).status == 200)
        #expect(links.first?["yanked"] as? Bool == true && (links.first?["hash_spec"] as? String)?.hasPrefix("sha256=") == true)
        let release = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/yanky/1.0", headers: [("Accept", "application/json")])
        #expect(release.json["type"] as? String == "versiondata")
        let undo = try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/+yank/yanky-2.0-py3-none-any.whl", auth: alice, ["yanked": false])
        #expect(undo.status == 200)
        #expect(try await resolve("yanky") == "yanky-2.0-py3-none-any.whl")
    }

    @Test("simple API details: redirects, 406, ETag and 304, Range, the metadata file")
    func simpleAPI() async throws {
        try await setUpIndices()
        #expect(try await twine([try await makeDistribution(in: folder, "Demo.Pkg", "1.0")]).status == 0)
        let base = "\(server.baseURL)/alice/dev/+simple"
        let redirect = try await HTTP.send(.GET, base + "/Demo.Pkg/")
        #expect(redirect.status == 301 && redirect.headers["Location"].first == "/alice/dev/+simple/demo-pkg/")
        #expect(try await HTTP.send(.GET, base + "/demo-pkg").status == 301)
        #expect(try await HTTP.send(.GET, base + "/demo-pkg/", headers: [("Accept", "application/xml")]).status == 406)
        let page = try await HTTP.send(.GET, base + "/demo-pkg/")
        #expect(page.headers["Vary"].first == "Accept")
        let etag = try #require(page.headers["ETag"].first)
        #expect(try await HTTP.send(.GET, base + "/demo-pkg/", headers: [("If-None-Match", etag)]).status == 304)
        #expect(try await HTTP.send(.GET, base + "/demo-pkg/", headers: [("Accept", "application/vnd.pypi.simple.v1+json"), ("If-None-Match", etag)]).status == 200)

        let json = try await HTTP.send(.GET, base + "/demo-pkg/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        let file = try #require((json.json["files"] as? [[String: Any]])?.first)
        let url = server.baseURL + (file["url"] as! String)
        let whole = try await HTTP.send(.GET, url)
        #expect(whole.status == 200 && whole.body.count == file["size"] as? Int)
        let part = try await HTTP.send(.GET, url, headers: [("Range", "bytes=0-9")])
        #expect(part.status == 206 && part.body == Array(whole.body.prefix(10)))
        let metadata = try await HTTP.send(.GET, url + ".metadata")
        #expect(metadata.text.contains("Name: Demo.Pkg"))
        #expect(whole.headers["Cache-Control"].first?.contains("immutable") == true)
    }

    @Test("SIGTERM: an upload in flight finishes and is kept; the server exits cleanly and says so: one listening line, one stopped line")
    func gracefulShutdown() async throws {
        try await setUpIndices()
        let path = try await makeDistribution(in: folder, "graceful", "1.0")
        let content = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let form = HTTP.uploadForm(filename: "graceful-1.0-py3-none-any.whl", content: content)
        let url = "\(server.baseURL)/alice/dev/"
        let auth = alice
        let sent = AtomicCount()
        async let reply = HTTP.sendSlowly(url, headers: [("Authorization", auth), ("Content-Type", form.contentType)],
                                          body: form.body, piece: 64, pause: .milliseconds(20), sent: sent,
                                          // The whole of make test runs beside it: a loaded machine, not a hung server, must not fail it.
                                          timeout: .seconds(240))
        // SIGTERM once the upload is under way (its head and a few pieces written), however loaded the machine.
        while sent.value < 5 { try await Task.sleep(for: .milliseconds(10)) }
        let server = self.server
        let exit = await offCooperativePool { server.terminate() }
        do {
            #expect(try await reply.status == 200)
        } catch {
            let log = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
            Issue.record("the upload in flight got no answer: \(error); the server's log ends:\n\(log.suffix(3_000))")
        }
        #expect(exit == 0)
        // One line when it listens, one when it has stopped; Hummingbird's own start line is not repeated in the log.
        #expect(server.output.components(separatedBy: "listening on").count == 2 && server.output.hasSuffix("wheelwright index stopped: every request finished\n"),
                "\(server.output)")
        #expect(!(try String(contentsOf: server.log, encoding: .utf8)).contains("Server started"))
        // A clean stop is recorded, so the next start skips the search for unnamed blobs; that start consumes the record.
        let marker = server.data.appendingPathComponent("clean-stop").path
        #expect(FileManager.default.fileExists(atPath: marker))
        try await server.restart()
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/graceful/").status == 200)
    }

    @Test("twenty uploaders of one filename with different bytes: one stored, intact; nineteen 409")
    func uploadRace() async throws {
        try await setUpIndices()
        var forms: [(contentType: String, body: [UInt8], content: [UInt8])] = []
        for racer in 0..<20 {
            let racerFolder = try TemporaryFolder()
            let path = try await makeDistribution(in: racerFolder, "race", "1.0", payload: "racer \(racer)")
            let content = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let form = HTTP.uploadForm(filename: "race-1.0-py3-none-any.whl", content: content)
            forms.append((form.contentType, form.body, content))
        }
        let url = "\(server.baseURL)/alice/dev/"
        let auth = alice
        // One login first: the race is between uploads, not twenty first logins (which the login throttle would cap).
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/alice", auth: auth, [:]).status == 200)
        let statuses = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for (index, form) in forms.enumerated() {
                group.addTask {
                    let reply = try await HTTP.send(.POST, url, headers: [("Authorization", auth), ("Content-Type", form.contentType)], body: form.body)
                    return (index, reply.status)
                }
            }
            var all: [Int: Int] = [:]
            for try await (index, status) in group { all[index] = status }
            return all
        }
        let winners = statuses.filter { $0.value == 200 }.map(\.key)
        #expect(winners.count == 1)
        #expect(statuses.values.filter { $0 == 409 }.count == 19)
        let json = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/race/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        let stored = try #require((json.json["files"] as? [[String: Any]])?.first)
        let bytes = try await HTTP.send(.GET, server.baseURL + (stored["url"] as! String)).body
        #expect(bytes == forms[winners[0]].content)
    }

    @Test("kill -9 during 50 uploads, restart: every acknowledged upload is whole, nothing partial remains")
    func crashRecovery() async throws {
        try await setUpIndices()
        var forms: [(name: String, contentType: String, body: [UInt8], content: [UInt8])] = []
        for number in 0..<50 {
            let path = try await makeDistribution(in: folder, "crash\(number)", "1.0", payloadSize: 1_000_000 + number)
            let content = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let name = URL(fileURLWithPath: path).lastPathComponent
            let form = HTTP.uploadForm(filename: name, content: content)
            forms.append((name, form.contentType, form.body, content))
        }
        let url = "\(server.baseURL)/alice/dev/"
        let auth = alice
        let server = self.server
        // One login right before: fifty first logins at once would meet the login throttle.
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/alice", auth: auth, [:]).status == 200)
        let acknowledged = await withTaskGroup(of: String?.self) { group in
            for form in forms {
                group.addTask {
                    let reply = try? await HTTP.send(.POST, url, headers: [("Authorization", auth), ("Content-Type", form.contentType)], body: form.body)
                    return reply?.status == 200 ? form.name : nil
                }
            }
            // Kill the server once ten uploads are acknowledged, with the rest in flight.
            var names: [String] = []
            for await name in group {
                if let name { names.append(name) }
                if names.count == 10 { server.kill() }
            }
            return names
        }
        #expect(acknowledged.count >= 10 && acknowledged.count < 50, "the kill should land mid-way (\(acknowledged.count) acknowledged)")
        try await server.restart()
        let temporaries = try FileManager.default.contentsOfDirectory(atPath: server.data.appendingPathComponent("tmp").path)
        #expect(temporaries.isEmpty)
        for name in acknowledged {
            let project = String(name.prefix { $0 != "-" })
            let page = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/\(project)/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
            let file = try #require((page.json["files"] as? [[String: Any]])?.first, "\(name) was acknowledged but is missing")
            let bytes = try await HTTP.send(.GET, server.baseURL + (file["url"] as! String)).body
            #expect(bytes == forms.first { $0.name == name }!.content)
        }
        // Whatever was not acknowledged is either absent or whole.
        let listing = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        for project in (listing.json["projects"] as? [[String: Any]] ?? []).compactMap({ $0["name"] as? String }) {
            let page = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/\(project)/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
            for file in page.json["files"] as? [[String: Any]] ?? [] {
                let bytes = try await HTTP.send(.GET, server.baseURL + (file["url"] as! String)).body
                #expect(bytes == forms.first { $0.name == file["filename"] as? String }?.content)
            }
        }
    }
}
