import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// What users upload beside release files, attacked: documentation zips (served as HTML) and
/// tox results (read as JSON).
extension AttackTests {
    // MARK: 10. Documentation and test results

    /// `KIND` from `Tests/Support/make_docs_zip.py`, as a zip in the test folder.
    func docsZip(_ kind: String) async throws -> String {
        let path = folder.path("\(kind).doc.zip")
        let made = try await runTool("/usr/bin/python3", [Repository.root.appendingPathComponent("Tests/Support/make_docs_zip.py").path, path, kind])
        guard made.status == 0 else { throw TestFailure(made.output) }
        return path
    }

    func uploadDocs(_ zip: String, version: String = "1.0", password: String? = "alice-secret") async throws -> (status: Int32, output: String) {
        try await runTool(Repository.wheelwright, ["docs", "upload", "alice/dev", "demo", version, zip, "--server", server.baseURL]
            + (password.map { ["--user", "alice", "--password-file", TestServer.secretFile($0)] } ?? []))
    }

    @Test("hostile documentation zips are a 400 naming the problem and store nothing (traversal, an absolute path, a link, a bomb, too many entries, no file, not a zip); paths that climb are no member; scripts run only in a sandbox without the index's origin")
    func hostileDocs() async throws {
        #expect(try await upload("demo-1.0-py3-none-any.whl", try await wheel()).status == 200)
        for (kind, words) in [("traversal", "climbs out"), ("absolute", "absolute"), ("symlink", "link"), ("bomb", "bytes"),
                              ("entries", "entries"), ("empty", "no file"), ("notzip", "not a usable zip")] {
            let refused = try await uploadDocs(try await docsZip(kind))
            #expect(refused.status != 0 && refused.output.contains("400") && refused.output.contains(words), "\(kind): \(refused.output)")
        }
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/demo/1.0/+doc/index.html").status == 404, "nothing stored")
        let anonymous = try await uploadDocs(try await docsZip("good"), password: nil)
        #expect(anonymous.status != 0 && anonymous.output.contains("401"), "\(anonymous.output)")
        let badVersion = try await uploadDocs(try await docsZip("good"), version: "not a version")
        #expect(badVersion.status != 0 && badVersion.output.contains("version"), "\(badVersion.output)")
        #expect(try await uploadDocs(try await docsZip("good")).status == 0)
        for path in ["/alice/dev/demo/1.0/+doc/%2E%2E/%2E%2E/+simple/", "/alice/dev/demo/1.0/+doc/sub/%2E%2E/index.html", "/alice/dev/demo/1.0/+doc/..%2F..%2F+simple"] {
            #expect(try await HTTP.send(.GET, server.baseURL + path).status == 404, "\(path)")
        }
        // The page's script (document.title = …) may run, but in an opaque origin: no cookies,
        // storage or same-origin requests of the index; no sniffing; framed only by the index.
        let page = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/demo/1.0/+doc/index.html")
        #expect(page.status == 200 && page.text.contains("<script>"))
        #expect(page.headers["Content-Security-Policy"].first == "sandbox allow-scripts")
        #expect(page.headers["X-Content-Type-Options"].first == "nosniff" && page.headers["X-Frame-Options"].first == "SAMEORIGIN")
        // The zip itself, at devpi's doczip link: its bytes, under its own digest only; nothing
        // of it while the project is quarantined.
        let release = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/demo/1.0", headers: [("Accept", "application/json")])
        let links = (release.json["result"] as? [String: Any])?["+links"] as? [[String: Any]] ?? []
        let zipURL = try #require(links.first { $0["rel"] as? String == "doczip" }?["href"] as? String)
        let zip = try await HTTP.send(.GET, zipURL)
        let uploaded = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.path("good.doc.zip"))))
        #expect(zip.status == 200 && zip.body == uploaded)
        #expect(zip.headers["Content-Type"].first == "application/zip")
        let digest = URL(string: zipURL)!.deletingLastPathComponent()
        for wrong in ["\(server.baseURL)/alice/dev/+f/00/\(String(repeating: "0", count: 62))/demo-1.0.doc.zip",
                      "\(server.baseURL)/alice/prod/+f/\(digest.deletingLastPathComponent().lastPathComponent)/\(digest.lastPathComponent)/demo-1.0.doc.zip",
                      zipURL.replacingOccurrences(of: "demo-1.0.doc.zip", with: "demo-2.0.doc.zip"), zipURL + ".metadata"] {
            #expect(try await HTTP.send(.GET, wrong).status == 404, "\(wrong)")
        }
        #expect(try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/+status/demo", auth: alice, ["status": "quarantined", "reason": "x"]).status == 200)
        #expect(try await HTTP.send(.GET, zipURL).status == 404)
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/demo/1.0/+doc/index.html").status == 404)
        try await expectAlive()
    }

    @Test("hostile test results are refused and store nothing: not JSON, no environments, control characters, too many environments, deep nesting, a BOM, too large, a form, no rights, a wrong file; past the count is a 409")
    func hostileToxResults() async throws {
        #expect(try await upload("demo-1.0-py3-none-any.whl", try await wheel()).status == 200)
        func links() async throws -> [[String: Any]] {
            let release = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/demo/1.0", headers: [("Accept", "application/json")])
            return (release.json["result"] as? [String: Any])?["+links"] as? [[String: Any]] ?? []
        }
        let file = try #require(try await links().first { $0["rel"] as? String == "releasefile" }?["href"] as? String)
        func post(_ body: [UInt8], auth: String? = TestServer.alice, to url: String? = nil) async throws -> HTTP.Reply {
            try await HTTP.send(.POST, url ?? file, headers: [("Content-Type", "application/json"), ("Accept", "application/json")] + (auth.map { [("Authorization", $0)] } ?? []), body: body)
        }
        let valid = Array(#"{"host": "h", "platform": "linux", "testenvs": {"py": {"test": [{"command": ["true"], "retcode": 0}]}}}"#.utf8)
        let many = (0..<65).map { #""e\#($0)": {}"# }.joined(separator: ", ")
        let cases: [([UInt8], Int, String)] = [
            (Array("not json".utf8), 400, "not a JSON object"),
            (Array(#"{"host": "h", "platform": "linux"}"#.utf8), 400, "testenvs"),
            (Array(#"{"host": "<script>\u001b[2J", "platform": "linux", "testenvs": {}}"#.utf8), 400, "host"),
            (Array(#"{"host": "h", "platform": "linux", "testenvs": {\#(many)}}"#.utf8), 400, "65 environments"),
            (Array(#"{"host": "h", "platform": "linux", "testenvs": "#.utf8) + Array(repeating: UInt8(ascii: "["), count: 200_000)
                + Array(repeating: UInt8(ascii: "]"), count: 200_000) + Array("}".utf8), 400, "deeper than 16"),
            ([0xEF, 0xBB, 0xBF] + valid, 400, "UTF-8"),
            (Array(repeating: UInt8(ascii: " "), count: (1 << 20) + 1), 413, "at most"),
        ]
        for (body, status, words) in cases {
            let reply = try await post(body)
            #expect(reply.status == status && reply.text.contains(words), "\(words): \(reply.status) \(reply.text)")
        }
        try await expectAlive()
        // A form another site's page could post is no test result.
        let form = try await HTTP.send(.POST, file, headers: [("Content-Type", "text/plain"), ("Authorization", alice)], body: valid)
        #expect(form.status == 400 && form.text.contains("Content-Type"), "\(form.text)")
        #expect(try await post(valid, auth: nil).status == 401)
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/bob", auth: root, ["password": "bob-secret"]).status == 201)
        #expect(try await post(valid, auth: HTTP.basic("bob", "bob-secret")).status == 403)
        let wrongHash = "\(server.baseURL)/alice/dev/+f/00/\(String(repeating: "0", count: 62))/\(URL(string: file)!.lastPathComponent)"
        #expect(try await post(valid, to: wrongHash).status == 404)
        #expect(try await links().filter { $0["rel"] as? String == "toxresult" }.isEmpty, "nothing stored")
        // Appended up to the most kept per file, then refused.
        for _ in 0..<100 { #expect(try await post(valid).status == 200) }
        let past = try await post(valid)
        #expect(past.status == 409 && past.text.contains("100 test results"), "\(past.text)")
        #expect(try await links().filter { $0["rel"] as? String == "toxresult" }.count == 100)
    }
}
