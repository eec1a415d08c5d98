import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// A project's page and a release's page as a developer decides from them, through the real
/// server: the description rendered (in the server's child process) and sanitized, the
/// metadata, dependencies linked within the index, the whitelist entry, the install command;
/// hostile descriptions, ones the renderer cannot finish and ones as long as metadata allows; and
/// in a real browser.
@Suite(.serialized)
final class ReleasePagesTests {
    let server: LocalIndex
    let folder: TemporaryFolder
    static let html = [("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")]

    /// demo-lib 2.0's README: what a real one has, and what an attacker adds.
    static let readme = """
        # demo-lib

        A **demo** library: see [the guide](https://demo.example/guide) and `demo.answer()`.

        ## Usage

        ```python
        import demo
        assert demo.answer() < 43
        ```

        | option | default |
        |--------|---------|
        | fast   | yes     |

        <script>alert("readme")</script>
        <img src=x onerror="alert('img')">
        [a trap](javascript:alert('link'))
        <a href="jav&#x09;ascript:alert('tab')">another</a>
        <iframe src="https://evil.example/"></iframe>
        <div style="position:fixed;inset:0" onclick="alert('div')">cover</div>
        """

    /// A README of about 1 MB: 2,000 sections of prose, lists, code and links.
    static let longReadme = (1...2_000).map { number in
        "## Section \(number)\n\nSome *prose* with a [link](https://demo.example/\(number)) and `code`.\n\n- one\n- two\n\n```\nline \(number)\n```\n\n"
            + String(repeating: "More words to read about this part of the library. ", count: 7) + "\n\n"
    }.joined()

    /// A Project-URL that would leave its `href` if the quote were not escaped.
    static let breakout = "Docs, https://demo.example/\"\u{301} onmouseover=\"alert(1)"

    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
        try await server.addAlice(indices: [("dev", ["volatile": false]), ("web", ["bases": ["alice/dev"]])])
        let provenance = #"{"target": "debian-12", "python": "3.11", "runner": "rootfs (bubblewrap)", "sdist": "demo_lib-2.0.tar.gz", "sdist_sha256": "\#(String(repeating: "0", count: 64))", "seconds": 1.5, "builder": "wheelwright", "built_at": "2026-12-01T00:00:00Z", "platform_tag": "any", "requested_by": "alice", "request_reason": "the billing jobs parse their invoices with it"}"#
        let uploads: [(name: String, version: String, description: (text: String, type: String?)?, requires: [String], provenance: String?)] = [
            ("demo-lib", "1.0", ("The first release.", "text/plain"), [], nil),
            ("demo-lib", "2.0", (Self.readme, "text/markdown; charset=UTF-8"), ["helper>=1.0", "absent-dep; python_version < \"3.12\""], provenance),
            // A quote followed by a combining mark is one Swift Character: escaping must still see the quote.
            ("quoted", "1.0", nil, [], nil),
            ("helper", "1.0", ("helper\n======\n\n.. code:: python\n\n   <b>not bold</b>\n", "text/x-rst"), [], nil),
            // Quadratic in Debian 12's cmark-gfm (minutes for 1 MiB): the child's CPU limit ends it, not the server.
            ("slow", "1.0", (String(repeating: "![[]()", count: 170_000), "text/markdown"), [], nil),
            // About 1 MB, what metadata allows: once the end of the server (a pipe write to a child that had stopped reading).
            ("long", "1.0", (Self.longReadme, "text/markdown"), [], nil),
        ]
        for upload in uploads {
            let path = try await makeDistribution(in: folder, upload.name, upload.version, requiresPython: ">=3.9", summary: "\(upload.name) for tests",
                                                  requiresDist: upload.requires, description: upload.description,
                                                  projectURLs: upload.name == "quoted" ? [Self.breakout] : [])
            let content = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let form = HTTP.uploadForm(filename: (path as NSString).lastPathComponent, content: content,
                                       fields: upload.provenance.map { [("provenance", $0)] } ?? [], buildLog: nil)
            let reply = try await HTTP.send(.POST, "\(server.baseURL)/alice/dev/", headers: [("Authorization", TestServer.alice), ("Content-Type", form.contentType)], body: form.body)
            guard reply.status == 200 || reply.status == 201 else { throw TestFailure("upload: \(reply.status) \(reply.text)") }
        }
    }

    func page(_ path: String) async throws -> String {
        let reply = try await HTTP.send(.GET, server.baseURL + path, headers: Self.html)
        #expect(reply.status == 200, "\(path): \(reply.status) \(reply.text)")
        return reply.text
    }

    /// The rendered description inside a page.
    static func readmeSection(_ page: String) -> String {
        guard let start = page.range(of: "<section class=\"readme\">"), let end = page.range(of: "</section>", range: start.upperBound..<page.endIndex) else { return "" }
        return String(page[start.upperBound..<end.lowerBound])
    }

    @Test("a project page: the newest release's description rendered, summary, license, links, Requires-Python, dependencies linked within the index, the whitelist entry, the pip command")
    func projectPage() async throws {
        let project = try await page("/alice/web/demo-lib/")
        #expect(project.contains("<h1>demo-lib</h1>") && project.contains("<p class=\"summary\">demo-lib for tests</p>"))
        #expect(project.contains("<dt>license</dt><dd>MIT (License)</dd>") && project.contains("<dt>Requires-Python</dt><dd>&gt;=3.9</dd>"))
        #expect(project.contains("<a href=\"https://example.com/source\" rel=\"nofollow noopener noreferrer\">Source</a>"), "\(project)")
        #expect(project.contains("<li><a href=\"/alice/web/helper/\">helper&gt;=1.0</a></li>"), "a dependency the index serves links to its page")
        #expect(project.contains("<li>absent-dep; python_version &lt; &quot;3.12&quot;</li>"), "one it does not is text")
        #expect(project.contains("<dt>requested by</dt><dd>alice</dd>") && project.contains("<dd>the billing jobs parse their invoices with it</dd>"))
        // The command names the index built on alice/dev (its host is --outside-url's, here the bound address before the port was known).
        #expect(project.range(of: #"<code class="install">pip install demo-lib==2\.0 -i http://127\.0\.0\.1:\d+/alice/web/\+simple/</code>"#, options: .regularExpression) != nil, "\(project)")
        let readme = Self.readmeSection(project)
        #expect(readme.contains("<h1>demo-lib</h1>") && readme.contains("<h2>Usage</h2>") && readme.contains("<strong>demo</strong>"), "\(readme)")
        #expect(readme.contains("<a href=\"https://demo.example/guide\" rel=\"nofollow noopener noreferrer\">the guide</a>"))
        #expect(readme.contains("assert demo.answer() &lt; 43") && readme.contains("<table>") && readme.contains("<td>fast</td>"), "\(readme)")
        // Every version listed, newest first, each linking to its own page.
        let newer = try #require(project.range(of: "<h2><a href=\"/alice/web/demo-lib/2.0/\">2.0</a></h2>"))
        let older = try #require(project.range(of: "<h2><a href=\"/alice/web/demo-lib/1.0/\">1.0</a></h2>"))
        #expect(newer.lowerBound < older.lowerBound)
        // On the index itself, the command names the index built on it.
        let own = try await page("/alice/dev/demo-lib/")
        #expect(own.contains("pip install demo-lib==2.0 -i ") && own.contains("/alice/web/+simple/</code>") && !own.contains("/alice/dev/+simple/</code>"))
    }

    @Test("a release page: that version's description, metadata and files; devpi-client still gets its JSON")
    func releasePage() async throws {
        let release = try await page("/alice/web/demo-lib/1.0/")
        #expect(release.contains("<h1>demo-lib 1.0</h1>") && release.contains("href=\"/alice/web/demo-lib/\">every version</a>"))
        #expect(Self.readmeSection(release) == "<pre>The first release.</pre>")
        #expect(release.contains("demo_lib-1.0-py3-none-any.whl") && !release.contains("demo_lib-2.0-py3-none-any.whl"))
        #expect(release.contains("pip install demo-lib==1.0 -i "))
        let rst = try await page("/alice/dev/helper/1.0/")
        #expect(Self.readmeSection(rst).contains("&lt;b&gt;not bold&lt;/b&gt;"), "reStructuredText is escaped text")
        let json = try await HTTP.send(.GET, server.baseURL + "/alice/web/demo-lib/1.0/", headers: [("Accept", "application/json")])
        #expect(json.status == 200 && json.json["type"] as? String == "versiondata")
        #expect(try await HTTP.send(.GET, server.baseURL + "/alice/web/demo-lib/9.9/", headers: Self.html).status == 404)
    }

    @Test("another spelling of a release's version or name redirects to the release's one page: spellings make no cache entries")
    func canonicalReleasePage() async throws {
        for spelling in ["/alice/web/demo-lib/0001.0/", "/alice/web/Demo_Lib/1.0/", "/alice/web/demo-lib/1.00/", "/alice/web/demo-lib/v1.0/"] {
            let reply = try await HTTP.send(.GET, server.baseURL + spelling, headers: Self.html)
            #expect(reply.status == 301 && reply.headers["Location"].first == "/alice/web/demo-lib/1.0/", "\(spelling): \(reply.status) \(reply.headers)")
        }
        #expect(try await page("/alice/web/demo-lib/1.0/").contains("<h1>demo-lib 1.0</h1>"))
    }

    @Test("a hostile description: no script, event handler, javascript: link, frame or style reaches the page")
    func hostileDescription() async throws {
        let project = try await page("/alice/web/demo-lib/")
        let readme = Self.readmeSection(project)
        // Text may say anything (escaped); no tag may carry it. Every `<` left is a tag: text's are escaped.
        let tags = readme.matches(of: /<[^>]*>/).map { String($0.output).lowercased() }
        #expect(tags.count > 10 && tags.contains("<h2>"), "\(tags)")
        for tag in tags {
            for banned in ["<script", "onerror", "onclick", "javascript:", "ascript:", "<iframe", "style="] {
                #expect(!tag.contains(banned), "\(banned) in \(tag)")
            }
        }
        #expect(readme.contains("&lt;script&gt;alert(&quot;readme&quot;)&lt;/script&gt;") || readme.contains("&lt;script&gt;alert(\"readme\")"), "shown as text: \(readme)")
        #expect(!project.lowercased().contains("<script"), "nowhere on the page")
    }

    @Test("a metadata URL holding a quote and a combining mark stays inside its attribute")
    func combiningQuote() async throws {
        let page = try await page("/alice/dev/quoted/")
        #expect(page.contains("href=\"https://demo.example/&quot;\u{301} onmouseover=&quot;alert(1)\""), "\(page)")
        let tags = page.matches(of: /<[^>]*>/).map { String($0.output) }
        #expect(!tags.contains { $0.contains("\u{301} onmouseover=\"") }, "\(tags.filter { $0.contains("onmouseover") })")
    }

    @Test("a description the renderer cannot finish within its CPU time is shown as text; one of 1 MB renders; the server lives on")
    func rendererLimits() async throws {
        let slow = try await page("/alice/dev/slow/")
        #expect(slow.contains("The description is shown as it was uploaded (the renderer stopped") && slow.contains("<pre>![[]()![[]()"),
                "\(slow.prefix(2_000))")
        let long = Self.readmeSection(try await page("/alice/dev/long/"))
        #expect(long.contains("<h2>Section 1</h2>") && long.contains("<h2>Section 2000</h2>") && !long.contains("is cut at"), "\(long.suffix(500))")
        let health = try await HTTP.send(.GET, server.baseURL + "/+health")
        #expect(health.status == 200)
        #expect(try await page("/alice/web/demo-lib/").contains("<h2>Usage</h2>"))
    }

    @Test("in a real browser: screenshots of a project page and a release page; the DOM runs nothing from the description",
          .enabled(if: Chromium.available, "needs Debian's chromium (make test installs it)"))
    func browser() async throws {
        let chromium = Chromium(profile: folder.path("chromium"))
        for (name, path, expected) in [("project-description", "/alice/web/demo-lib/", "Usage"), ("release", "/alice/web/demo-lib/1.0/", "The first release.")] {
            let bytes = try await chromium.screenshot(server.baseURL + path, name: name)
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 5_000)
            let (status, dom) = try await chromium.dom(server.baseURL + path)
            #expect(status == 0 && dom.contains(expected), "\(name): \(dom.prefix(500))")
            #expect(!dom.contains("<script") && !dom.contains("onerror") && !dom.contains("<iframe"), "\(name): \(dom)")
        }
    }
}
