import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The pages for people, through the real server: the values on them, escaping, negotiation,
/// pagination; and in a real browser (Debian's chromium, headless): screenshots and the DOM.
@Suite(.serialized)
final class WebPagesTests {
    let server: LocalIndex
    let folder: TemporaryFolder
    static let html = [("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")]

    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
        try await server.addAlice(indices: [("dev", ["volatile": false]), ("web", ["bases": ["alice/dev"]])])
        for (name, version, summary) in [("demo-lib", "1.0", "A demo library"), ("demo-lib", "2.0", "A demo library, second"),
                                         ("sneaky", "1.0", "<script>alert('x')</script> & <b>bold</b>")] {
            let path = try await makeDistribution(in: folder, name, version, summary: summary)
            let content = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let provenance = #"{"target": "debian-12", "os": "Debian GNU/Linux 12 (bookworm)", "python": "3.11", "runner": "rootfs (bubblewrap)", "sdist": "demo_lib-1.0.tar.gz", "sdist_sha256": "\#(String(repeating: "0", count: 64))", "seconds": 1.5, "builder": "wheelwright", "built_at": "2026-11-30T00:00:00Z", "platform_tag": "any"}"#
            let form = HTTP.uploadForm(filename: (path as NSString).lastPathComponent, content: content,
                                       fields: name == "demo-lib" ? [("provenance", provenance)] : [],
                                       buildLog: name == "demo-lib" ? Array("compiling demo-lib \(version)\nok\n".utf8) : nil)
            let reply = try await HTTP.send(.POST, "\(server.baseURL)/alice/dev/", headers: [("Authorization", TestServer.alice), ("Content-Type", form.contentType)], body: form.body)
            guard reply.status == 200 || reply.status == 201 else { throw TestFailure("upload: \(reply.status) \(reply.text)") }
        }
        let yank = try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/+yank/demo_lib-1.0-py3-none-any.whl", auth: TestServer.alice, ["reason": "broken on 3.12"])
        guard yank.status == 200 else { throw TestFailure("yank: \(yank.status) \(yank.text)") }
        let report: [String: Any] = [
            "run_id": "nightly-42", "started_at": "2026-11-30T01:30:00Z", "seconds": 12.5, "skipped": [],
            "results": [
                ["item": ["project": "demo-lib", "version": "2.0", "target": "debian-12", "python": "3.11", "system_packages": [], "environment": [:]],
                 "status": "built", "seconds": 3.0],
                ["item": ["project": "broken", "version": "1.0", "target": "debian-12", "python": "3.11", "system_packages": [], "environment": [:]],
                 "status": "failed", "reason": "the build failed (exit 1)", "seconds": 2.0],
                ["item": ["project": "setuptools", "version": "75.8.0", "target": "debian-12", "python": "3.11", "system_packages": [], "environment": [:]],
                 "status": "built", "seconds": 1.0, "build_tool": true],
            ],
            "logs": ["broken-1.0-debian-12-py3.11": "error: this does not compile\n"],
        ]
        let posted = try await HTTP.json(.POST, "\(server.baseURL)/+builds", auth: HTTP.basic("root", TestServer.rootPassword), report)
        guard posted.status == 201 else { throw TestFailure("build report: \(posted.status) \(posted.text)") }
        // A second night: broken is fixed for debian-13 only, one item is cancelled, one denied, the rest already there.
        func item(_ project: String, _ version: String, _ target: String) -> [String: Any] {
            ["project": project, "version": version, "target": target, "python": "3.11", "system_packages": [], "environment": [:]]
        }
        let second: [String: Any] = [
            "run_id": "nightly-43", "started_at": "2026-12-01T01:30:00Z", "seconds": 30.0,
            "results": [["item": item("broken", "1.0", "debian-13"), "status": "built", "seconds": 4.0, "wheel": "broken-1.0-cp311-cp311-linux_x86_64.whl", "index": "opensource/debian-13"],
                        ["item": item("slow", "3.0", "debian-12"), "status": "cancelled", "reason": "the run was stopped", "seconds": 0.0]],
            "skipped": [["item": item("demo-lib", "2.0", "debian-12"), "reason": "already in opensource/pure"],
                        ["item": item("urllib3", "1.26.4", "debian-12"), "reason": "denied at whitelists/company.yaml:9:5: CVE-2021-33503"]],
        ]
        let again = try await HTTP.json(.POST, "\(server.baseURL)/+builds", auth: HTTP.basic("root", TestServer.rootPassword), second)
        guard again.status == 201 else { throw TestFailure("build report: \(again.status) \(again.text)") }
    }

    func page(_ path: String) async throws -> String {
        let reply = try await HTTP.send(.GET, server.baseURL + path, headers: Self.html)
        #expect(reply.status == 200, "\(path): \(reply.status) \(reply.text)")
        #expect(reply.headers["Content-Type"].first?.hasPrefix("text/html") == true)
        return reply.text
    }

    @Test("the four pages and search show the values; a browser gets HTML where pip and devpi get JSON")
    func pages() async throws {
        let root = try await page("/")
        #expect(root.contains("alice/dev") && root.contains("alice/web"))
        #expect(root.contains(">alice/dev</a>") && root.contains("<td>alice/dev</td>"), "bases of alice/web")
        // An aggregation index counts what it serves through its bases, and says so.
        #expect(root.contains("<td>—</td><td class=\"n\">2</td><td class=\"n\">3</td>"), "alice/dev: 2 projects, 3 files")
        #expect(root.contains("<td>alice/dev</td><td class=\"n\">2 (via bases)</td><td class=\"n\">3 (via bases)</td>"), "\(root)")
        let json = try await HTTP.send(.GET, server.baseURL + "/", headers: [("Accept", "application/json")])
        #expect(json.json["type"] as? String == "list:userconfig")

        let index = try await page("/alice/web/")
        #expect(index.contains("href=\"/alice/web/demo-lib/\"") && index.contains("<td>2.0</td>"))
        #expect(index.contains("/alice/web/+simple/"))
        let filtered = try await page("/alice/web/?filter=sneak")
        #expect(filtered.contains("sneaky") && !filtered.contains("demo-lib/"))
        #expect(filtered.contains("1 project matching “sneak”") && index.contains("2 projects; page 1 of 1"))

        let project = try await page("/alice/web/demo-lib/")
        let newer = try #require(project.range(of: ">2.0</a></h2>")), older = try #require(project.range(of: ">1.0</a></h2>"))
        #expect(newer.lowerBound < older.lowerBound, "newest first")
        #expect(project.contains("A demo library, second"))
        #expect(project.contains("yanked: broken on 3.12"))
        #expect(project.contains("href=\"/alice/dev/+log/demo_lib-2.0-py3-none-any.whl\""))
        #expect(project.contains("<dd>rootfs (bubblewrap)</dd>") && project.contains("<td class=\"target\">debian-12</td>"))
        // Two times, each named: the provenance's build step, the run page's whole item.
        #expect(project.contains("<dt>seconds</dt><dd>1.5 s, the build step alone (the run page and the log time the whole item"), "\(project)")
        #expect(project.contains("by alice") && project.contains("<td>py3</td><td>any</td>"))
        let log = try await HTTP.send(.GET, server.baseURL + "/alice/dev/+log/demo_lib-2.0-py3-none-any.whl")
        #expect(log.text == "compiling demo-lib 2.0\nok\n")
        // The simple API stays where it was.
        let simple = try await HTTP.send(.GET, server.baseURL + "/alice/web/+simple/demo-lib/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        #expect(simple.status == 200 && simple.text.contains("demo_lib-2.0-py3-none-any.whl"))

        let builds = try await page("/+builds/")
        #expect(builds.contains("run 1</a> (nightly-42)") && builds.contains("1 built") && builds.contains("1 failed"))
        #expect(builds.contains("href=\"/+builds/1/broken-1.0-debian-12-py3.11.log\"") && builds.contains("href=\"/+builds/2/\""))
        let failureLog = try await HTTP.send(.GET, server.baseURL + "/+builds/1/broken-1.0-debian-12-py3.11.log")
        #expect(failureLog.text.contains("this does not compile"))
        // The history: a bar pair per run, each linking to its page and titled with its counts.
        #expect(builds.contains("<svg") && builds.components(separatedBy: "<rect ").count - 1 == 4)
        #expect(builds.contains("run 2 · 20") && builds.contains(": 1 built, 0 failed, 2 skipped, 30 s</title>"), "\(builds)")
        #expect(builds.contains("aria-label=\"the last 2 runs\""))

        let run = try await page("/+builds/1/")
        #expect(!run.contains("items the plan skipped"), "run 1 skipped nothing")
        #expect(run.contains("<th class=\"n\" title=\"the whole item: wheelhouse, build, repair, checks, upload (the provenance of a wheel times the build step alone)\">item s</th>"), "\(run)")
        #expect(run.contains("<td class=\"name\">broken</td><td>1.0</td><td class=\"target\">debian-12</td><td>3.11</td><td><span class=\"status failed\">failed</span></td><td class=\"n\">2.0</td>"), "\(run)")
        #expect(run.contains("href=\"/+builds/1/broken-1.0-debian-12-py3.11.log\"") && run.contains("the build failed (exit 1)"))
        // The build tool comes first, marked.
        #expect(run.contains("<td class=\"name\">setuptools <span class=\"role\">build tool</span></td>"), "\(run)")
        #expect((run.range(of: "setuptools")?.lowerBound ?? run.endIndex) < (run.range(of: "<td class=\"name\">broken</td>")?.lowerBound ?? run.startIndex), "\(run)")
        let secondRun = try await page("/+builds/2/")
        #expect(secondRun.contains("broken-1.0-cp311-cp311-linux_x86_64.whl → opensource/debian-13"))
        #expect(secondRun.contains("href=\"/opensource/debian-13/+log/broken-1.0-cp311-cp311-linux_x86_64.whl\""))
        #expect(secondRun.contains("and 2 items the plan skipped"))
        #expect(try await HTTP.send(.GET, server.baseURL + "/+builds/9/", headers: Self.html).status == 404)

        // Coverage: each (project, target) as the latest run that planned it left it.
        let coverage = try await page("/+coverage/")
        #expect(coverage.contains("5 entries") && coverage.contains("<th class=\"target\">debian-12</th><th class=\"target\">debian-13</th>"), "\(coverage)")
        // Build tools apart, above the packages consumers install.
        #expect(coverage.contains("<tr class=\"group\"><th colspan=\"3\">build tools</th></tr>\n<tr><td>setuptools</td>"), "\(coverage)")
        #expect(coverage.contains("<tr class=\"group\"><th colspan=\"3\">packages</th></tr>\n<tr><td>broken</td>"), "\(coverage)")
        #expect(coverage.contains("<tr><td>broken</td><td title=\"run 1: the build failed (exit 1)\"><span class=\"status failed\">failed</span> 1.0 · <a href=\"/+builds/1/broken-1.0-debian-12-py3.11.log\">log</a></td><td title=\"run 2\"><span class=\"status built\">built</span> 1.0</td></tr>"), "\(coverage)")
        #expect(coverage.contains("<tr><td>demo-lib</td><td title=\"run 2\"><span class=\"status built\">built</span> 2.0</td><td title=\"not built for debian-13\">—</td></tr>"))
        #expect(coverage.contains("<span class=\"status denied\">denied</span> 1.26.4") && coverage.contains("<span class=\"status pending\">pending</span> 3.0"))
        #expect(coverage.contains("<tr><td class=\"target\">debian-12</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">1</td></tr>"), "per-target totals")

        let search = try await page("/+search?q=demo")
        #expect(search.contains("href=\"/alice/dev/demo-lib/\""))
        #expect(!search.contains("sneaky"))
        // Full text: a word of a summary finds its project, with its newest version and the word
        // marked; devpi-web's `query` parameter answers too; markup in a summary stays text.
        let library = try await page("/+search?query=second+library")
        #expect(library.contains("href=\"/alice/dev/demo-lib/\"") && library.contains("<span class=\"version\">2.0</span>")
                && library.contains("A demo <mark>library</mark>, <mark>second</mark>"), "\(library)")
        let bold = try await page("/+search?q=bold")
        #expect(bold.contains("href=\"/alice/dev/sneaky/\"") && bold.contains("<mark>bold</mark>"), "\(bold)")
        #expect(!bold.contains("<script>alert") && !bold.contains("<b>bold</b>"), "\(bold)")
        #expect(try await page("/+search?q=%22%29+OR+1%3D1+--").contains("No project matches"))

        // Breadcrumbs; a user's page for a browser (JSON for devpi-client); refusals as pages.
        let release = try await page("/alice/dev/demo-lib/2.0/")
        #expect(release.contains(#"<nav class="crumbs" aria-label="where"><a href="/alice/">alice</a> › <a href="/alice/dev/">dev</a> › <a href="/alice/dev/demo-lib/">demo-lib</a> › <span>2.0</span></nav>"#), "\(release)")
        let user = try await page("/alice/")
        #expect(user.contains("href=\"/alice/dev/\"") && user.contains("<span>alice</span>"), "\(user)")
        #expect(try await HTTP.send(.GET, server.baseURL + "/alice", headers: [("Accept", "application/json")]).json["type"] as? String == "userconfig")
        let missing = try await HTTP.send(.GET, server.baseURL + "/alice/dev/no-such-project/", headers: Self.html)
        #expect(missing.status == 404 && missing.text.contains("<h1>404 Not Found</h1>") && missing.text.contains("href=\"/+search\""), "\(missing.text)")
        #expect(missing.headers["Content-Security-Policy"].first?.contains("default-src 'none'") == true)
        let forDevpi = try await HTTP.send(.GET, server.baseURL + "/alice/dev/no-such-project", headers: [("Accept", "application/json")])
        #expect(forDevpi.status == 404 && forDevpi.json["message"] != nil, "\(forDevpi.text)")
        #expect(try await HTTP.send(.GET, server.baseURL + "/nobody/", headers: Self.html).status == 404)
    }

    @Test("a summary holding <script> is shown as text, never run")
    func escaping() async throws {
        let project = try await page("/alice/dev/sneaky/")
        #expect(project.contains("&lt;script&gt;alert(") && project.contains("&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"))
        #expect(!project.contains("<script>alert"))
        #expect(!project.contains("<b>bold</b>"))
    }

    @Test("an index of 250 projects pages by 100; unknown pages answer 404")
    func pagination() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("wheelwright-pages-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let seeded = try await runTool(Repository.root.appendingPathComponent(".build/debug/wheelwright-bench").path, ["seed-index", data.path, "bulk/many", "250"])
        #expect(seeded.status == 0, "\(seeded.output)")
        let big = try await TestServer(data: data)
        let first = try await HTTP.send(.GET, big.baseURL + "/bulk/many/", headers: Self.html).text
        #expect(first.contains("250 projects") && first.contains("page 1 of 3"))
        #expect(first.components(separatedBy: "<tr><td><a href=").count - 1 == 100)
        #expect(first.contains("rel=\"next\" href=\"?page=2\"") && !first.contains("rel=\"prev\""))
        let last = try await HTTP.send(.GET, big.baseURL + "/bulk/many/?page=3", headers: Self.html).text
        #expect(last.components(separatedBy: "<tr><td><a href=").count - 1 == 50)
        #expect(!last.contains("rel=\"next\""))
        for path in ["/nobody/none/", "/alice/dev/no-such-project/"] {
            let reply = try await HTTP.send(.GET, server.baseURL + path, headers: Self.html)
            #expect(reply.status == 404)
        }
    }

    @Test("in a real browser: screenshots of the four pages, and the rendered DOM holds the values",
          .enabled(if: Chromium.available, "needs Debian's chromium (make test installs it)"))
    func browser() async throws {
        let chromium = Chromium(profile: folder.path("chromium"))
        for (name, path, expected) in [("root", "/", "alice/web"), ("index", "/alice/web/", "demo-lib"),
                                       ("project", "/alice/web/demo-lib/", "A demo library, second"), ("builds", "/+builds/", "nightly-42"),
                                       ("run", "/+builds/1/", "the build failed (exit 1)"), ("coverage", "/+coverage/", "CVE-2021-33503"),
                                       // A user's page, as a browser asks for it (not devpi's JSON).
                                       ("user", "/alice/", "alice/web")] {
            let bytes = try await chromium.screenshot(server.baseURL + path, name: name)
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 5_000)
            let (status, dom) = try await chromium.dom(server.baseURL + path)
            #expect(status == 0)
            #expect(dom.contains(expected), "\(name): \(dom.prefix(500))")
        }
        // What a browser asks for is HTML; the layout rules the screenshots show: targets never wrap
        // inside a cell, links are separated, names break at their hyphens before mid-word.
        let (_, user) = try await chromium.dom(server.baseURL + "/alice/")
        #expect(user.contains("<html") && !user.contains("\"type\": \"userconfig\""), "\(user.prefix(300))")
        let style = try await HTTP.send(.GET, server.baseURL + "/+static/style.css").text
        for rule in ["td.target, th.target, td.name { white-space: nowrap; }", "span.link + span.link::before", "td a { overflow-wrap: break-word; }",
                     "code.install { display: inline-block; max-width: 100%; overflow-x: auto; vertical-align: bottom; white-space: pre;"] {
            #expect(style.contains(rule), "\(rule)")
        }
        let (_, sneaky) = try await chromium.dom(server.baseURL + "/alice/dev/sneaky/")
        #expect(sneaky.contains("&lt;script&gt;alert('x')&lt;/script&gt;"))
        #expect(!sneaky.contains("<script>alert"))
    }
}
