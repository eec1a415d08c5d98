import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// Releases' documentation (issue 32): devpi-client's doc upload and `wheelwright docs upload`,
/// devpi's `+doc` paths with relative links, the non-volatile rule, push, the project page's
/// link. (Hostile zips: AttackTests.hostileDocs.)
@Suite("Documentation")
final class DocsTests {
    let server: LocalIndex
    let folder: TemporaryFolder

    /// alice/dev and alice/prod (non-volatile) hold demo-docs 1.0 and 2.0.
    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
        try await server.addAlice(indices: [("dev", ["volatile": false]), ("prod", ["volatile": false])])
        for version in ["1.0", "2.0"] {
            let wheel = try await makeDistribution(in: folder, "demo-docs", version)
            let twine = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url",
                                                                     "\(server.baseURL)/alice/dev/", "-u", "alice", "-p", "alice-secret", wheel])
            guard twine.status == 0 else { throw TestFailure("twine: \(twine.output)") }
        }
    }

    func zip(_ kind: String, text: String = "Documentation", name: String = "demo-docs-1.0.doc.zip") async throws -> String {
        let path = folder.path(name)
        try? FileManager.default.removeItem(atPath: path)
        let made = try await runTool("/usr/bin/python3", [Repository.root.appendingPathComponent("Tests/Support/make_docs_zip.py").path, path, kind, text])
        guard made.status == 0 else { throw TestFailure(made.output) }
        return path
    }

    func wheelwright(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.wheelwright, arguments + ["--server", server.baseURL, "--user", "alice", "--password-file", TestServer.secretFile("alice-secret")])
    }

    func get(_ path: String) async throws -> HTTP.Reply {
        try await HTTP.send(.GET, server.baseURL + path, headers: [("Accept", "text/html")])
    }

    @Test("devpi-client uploads a doc zip; its pages are served sandboxed at +doc/ with relative links and assets; latest follows; the project page links it")
    func devpiUpload() async throws {
        let devpi = { (arguments: [String]) in
            try await runTool(Repository.tool("devpi"), arguments, environment: ["DEVPI_CLIENTDIR": self.folder.path("devpi"), "HOME": self.folder.url.path])
        }
        #expect(try await devpi(["use", "\(server.baseURL)/alice/dev"]).status == 0)
        #expect(try await devpi(["login", "alice", "--password", "alice-secret"]).status == 0)
        let upload = try await devpi(["upload", try await zip("good")])
        #expect(upload.status == 0, "\(upload.output)")
        let page = try await get("/alice/dev/demo-docs/1.0/+doc/index.html")
        #expect(page.status == 200 && page.text.contains("<h1>Documentation</h1>"), "\(page.text)")
        #expect(page.headers["Content-Security-Policy"].first == "sandbox allow-scripts")
        #expect(page.headers["X-Content-Type-Options"].first == "nosniff")
        let style = try await get("/alice/dev/demo-docs/1.0/+doc/_static/style.css")
        #expect(style.status == 200 && style.headers["Content-Type"].first?.hasPrefix("text/css") == true)
        #expect(try await get("/alice/dev/demo-docs/1.0/+doc/sub/page.html").text.contains("../index.html"))
        // The folder's index page, after a redirect that makes relative links resolve.
        let bare = try await get("/alice/dev/demo-docs/1.0/+doc")
        #expect(bare.status == 301 && bare.headers["Location"].first == "/alice/dev/demo-docs/1.0/+doc/")
        #expect(try await get("/alice/dev/demo-docs/1.0/+doc/").text.contains("<h1>Documentation</h1>"))
        let folderLink = try await get("/alice/dev/demo-docs/1.0/+doc/sub")
        #expect(folderLink.status == 301 && folderLink.headers["Location"].first == "/alice/dev/demo-docs/1.0/+doc/sub/")
        #expect(try await get("/alice/dev/demo-docs/1.0/+doc/missing.html").status == 404)
        // latest: the newest documented version.
        #expect(try await wheelwright(["docs", "upload", "alice/dev", "demo-docs", "2.0", try await zip("good", text: "Two", name: "two.zip")]).status == 0)
        #expect(try await get("/alice/dev/demo-docs/latest/+doc/index.html").text.contains("<h1>Two</h1>"))
        let project = try await get("/alice/dev/demo-docs/")
        #expect(project.text.contains("Documentation") && project.text.contains("/alice/dev/demo-docs/2.0/+doc/"), "\(project.text)")
    }

    @Test("non-volatile: the same zip again is no change, another is a 409; push copies the docs with the release")
    func nonVolatileAndPush() async throws {
        let first = try await zip("good")
        #expect(try await wheelwright(["docs", "upload", "alice/dev", "demo-docs", "1.0", first]).status == 0)
        #expect(try await wheelwright(["docs", "upload", "alice/dev", "demo-docs", "1.0", first]).status == 0)
        let other = try await wheelwright(["docs", "upload", "alice/dev", "demo-docs", "1.0", try await zip("good", text: "Other", name: "other.zip")])
        #expect(other.status != 0 && other.output.contains("409"), "\(other.output)")
        #expect(try await get("/alice/dev/demo-docs/1.0/+doc/index.html").text.contains("<h1>Documentation</h1>"))
        let push = try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/", auth: TestServer.alice,
                                       ["name": "demo-docs", "version": "1.0", "targetindex": "alice/prod"])
        #expect(push.status == 200, "\(push.text)")
        #expect(try await get("/alice/prod/demo-docs/1.0/+doc/index.html").text.contains("<h1>Documentation</h1>"))
    }
}
