import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The talk's sequence on wheelwright and on a real devpi-server 6.20 side by side, through
/// devpi-client: upload to a staging index, push to production, then `devpi getjson` of the
/// release and of the project compared field by field; and what the release page tells of it.
@Suite("devpi parity")
final class DevpiParityTests {
    let folder: TemporaryFolder
    let server: LocalIndex

    init() async throws {
        folder = try TemporaryFolder()
        server = try await LocalIndex()
        try await server.addAlice(indices: [("staging", ["volatile": true]), ("prod", ["volatile": false]),
                                            ("consumer", ["volatile": false, "bases": ["alice/prod"]])])
    }

    /// devpi-client against `url` with its own client folder, run in `directory`; tox and
    /// sphinx-build from the test venv, as a developer's devpi finds them on PATH.
    func devpi(_ url: String, _ arguments: [String], in directory: String? = nil) async throws -> (status: Int32, output: String) {
        let run = try await runToolSeparately(Repository.tool("devpi"), arguments, environment: [
            "DEVPI_CLIENTDIR": folder.path("client-\(abs(url.hashValue))"), "HOME": folder.url.path,
            "PATH": Repository.root.appendingPathComponent(".venv/bin").path + ":/usr/bin:/bin",
        ], directory: directory)
        return (run.status, run.output + run.errors)
    }

    func getjson(_ url: String, _ path: String) async throws -> [String: Any] {
        let answer = try await devpi(url, ["getjson", path])
        guard answer.status == 0, let object = try JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [String: Any],
              let result = object["result"] as? [String: Any] else { throw TestFailure("getjson \(path) on \(url): \(answer.output)") }
        return result
    }

    /// The log entries of a release's first link, without their times (checked apart).
    func log(_ release: [String: Any]) -> [[String: String]] {
        let links = release["+links"] as? [[String: Any]] ?? []
        let entries = links.first { $0["rel"] as? String == "releasefile" }?["log"] as? [[String: Any]] ?? []
        return entries.map { entry in
            #expect((entry["when"] as? [Int])?.count == 6, "\(entry)")
            return entry.compactMapValues { $0 as? String }
        }
    }

    @Test("upload to staging, push to prod: devpi getjson of the release and the project carries devpi-server's fields and link log (upload, push), field by field; the release page shows author, maintainer, classifiers, keywords and each file's history")
    func getjson() async throws {
        let devpiServer = try await DevpiServer(in: folder)
        defer { devpiServer.stop() }
        let wheel = try await makeDistribution(in: folder, "pawesome", "1.2.3", summary: "A pawesome library", metadataLines: [
            "Author: Tech Team", "Author-email: tech@example.com", "Maintainer: Alice", "Maintainer-email: alice@example.com",
            "Keywords: paws,awesome", "Classifier: Programming Language :: Python :: 3", "Classifier: License :: OSI Approved :: MIT License",
        ])
        let ours = server.baseURL, theirs = devpiServer.url
        #expect(try await devpi(theirs, ["use", theirs]).status == 0)
        #expect(try await devpi(theirs, ["login", "root", "--password", DevpiServer.rootPassword]).status == 0)
        #expect(try await devpi(theirs, ["user", "-c", "alice", "password=alice-secret"]).status == 0)
        #expect(try await devpi(ours, ["use", ours]).status == 0)
        for url in [ours, theirs] {
            #expect(try await devpi(url, ["login", "alice", "--password", "alice-secret"]).status == 0)
            if url == theirs {
                #expect(try await devpi(url, ["index", "-c", "staging", "volatile=True"]).status == 0)
                #expect(try await devpi(url, ["index", "-c", "prod", "volatile=False"]).status == 0)
            }
            #expect(try await devpi(url, ["use", "alice/staging"]).status == 0)
            let uploaded = try await devpi(url, ["upload", wheel])
            #expect(uploaded.status == 0, "\(url): \(uploaded.output)")
            let pushed = try await devpi(url, ["push", "pawesome==1.2.3", "alice/prod"])
            #expect(pushed.status == 0, "\(url): \(pushed.output)")
        }
        let mine = try await getjson(ours, "/alice/prod/pawesome/1.2.3")
        let peer = try await getjson(theirs, "/alice/prod/pawesome/1.2.3")
        for key in ["name", "version", "summary", "author", "author_email", "maintainer", "maintainer_email", "keywords"] {
            #expect(mine[key] as? String == peer[key] as? String, "\(key): ours \(String(describing: mine[key])), devpi's \(String(describing: peer[key]))")
        }
        #expect(mine["classifiers"] as? [String] == peer["classifiers"] as? [String], "ours \(String(describing: mine["classifiers"])), devpi's \(String(describing: peer["classifiers"]))")
        #expect(log(mine) == log(peer) && log(mine).map { $0["what"] } == ["upload", "push"], "ours \(log(mine)), devpi's \(log(peer))")
        let link = { (release: [String: Any]) in (release["+links"] as? [[String: Any]])?.first { $0["rel"] as? String == "releasefile" } }
        #expect(link(mine)?["hash_spec"] as? String == link(peer)?["hash_spec"] as? String)
        #expect(URL(string: link(mine)?["href"] as? String ?? "")?.lastPathComponent == URL(string: link(peer)?["href"] as? String ?? "")?.lastPathComponent)
        // The project: the same versions, each the same release data.
        let project = try await getjson(ours, "/alice/prod/pawesome"), peerProject = try await getjson(theirs, "/alice/prod/pawesome")
        #expect(Set(project.keys) == Set(peerProject.keys), "ours \(project.keys), devpi's \(peerProject.keys)")
        #expect(log(project["1.2.3"] as? [String: Any] ?? [:]) == log(peerProject["1.2.3"] as? [String: Any] ?? [:]))

        // The release page: who made it, how it is classified, and where each file came from.
        let page = try await HTTP.send(.GET, "\(ours)/alice/prod/pawesome/1.2.3/", headers: [("Accept", "text/html")]).text
        for expected in ["<dt>author</dt><dd>Tech Team &lt;<a href=\"mailto:tech@example.com\">tech@example.com</a>&gt;</dd>",
                         "<dt>maintainer</dt><dd>Alice", "<dt>keywords</dt><dd>paws,awesome</dd>", "<li>License :: OSI Approved :: MIT License</li>",
                         "<td class=\"history\">uploaded to alice/staging by alice at ", "<br>pushed from alice/staging to alice/prod by alice at "] {
            #expect(page.contains(expected), "\(expected): \(page)")
        }
        let consumer = try await HTTP.send(.GET, "\(ours)/alice/consumer/pawesome/", headers: [("Accept", "text/html")]).text
        #expect(consumer.contains("held by the base alice/prod"), "\(consumer)")

        // The talk's page, with documentation and a test result, in a real browser.
        let docs = folder.path("pawesome-1.2.3.doc.zip")
        let made = try await runTool("/usr/bin/python3", [Repository.root.appendingPathComponent("Tests/Support/make_docs_zip.py").path, docs, "good", "pawesome"])
        #expect(made.status == 0, "\(made.output)")
        #expect(try await devpi(ours, ["use", "alice/prod"]).status == 0)
        let withDocs = try await devpi(ours, ["upload", docs])
        #expect(withDocs.status == 0, "\(withDocs.output)")
        let file = try #require(link(mine)?["href"] as? String)
        let tox = #"{"host": "ci-7", "platform": "linux", "testenvs": {"py311": {"python": {"version": "3.11.2"}, "test": [{"command": ["pytest"], "output": "3 passed", "retcode": 0}]}}}"#
        let posted = try await HTTP.send(.POST, file, headers: [("Content-Type", "application/json"), ("Authorization", TestServer.alice)], body: Array(tox.utf8))
        #expect(posted.status == 200, "\(posted.text)")
        let shown = try await HTTP.send(.GET, "\(ours)/alice/prod/pawesome/1.2.3/", headers: [("Accept", "text/html")]).text
        #expect(shown.contains("Documentation") && shown.contains("py311 3.11.2 linux: passed</a>"), "\(shown)")
        if Chromium.available {
            let chromium = Chromium(profile: folder.path("chromium"))
            for (name, path) in [("talk-project", "/alice/prod/pawesome/"), ("talk-release", "/alice/prod/pawesome/1.2.3/"),
                                 ("talk-docs", "/alice/prod/pawesome/1.2.3/+doc/index.html"), ("talk-search", "/+search?q=pawesome+library")] {
                #expect(try await chromium.screenshot(ours + path, name: name).count > 5_000, "\(path)")
            }
        }
    }

    /// A project as a developer has it: a package, its tox.ini and Sphinx docs.
    func talkProject() throws -> String {
        let root = folder.path("demo-talk")
        let files = [
            "pyproject.toml": """
                [build-system]
                requires = ["setuptools>=61"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "demo-talk"
                version = "1.0"
                description = "The talk's project"
                authors = [{name = "Tech Team", email = "tech@example.com"}]
                keywords = ["talk", "demo"]

                """,
            "demo_talk/__init__.py": "VALUE = 'good'\n",
            "MANIFEST.in": "include tox.ini pyproject.toml\n",
            "tox.ini": "[tox]\nenv_list = py\n\n[testenv]\ncommands = python -c \"import demo_talk; assert demo_talk.VALUE == 'good'\"\n",
            "docs/conf.py": "project = 'demo-talk'\nhtml_theme = 'basic'\n",
            "docs/index.rst": "demo-talk\n=========\n\nThe talk's documentation.\n",
        ]
        for (path, text) in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    /// A release's links of `rel`.
    func links(_ release: [String: Any], _ rel: String) -> [[String: Any]] {
        (release["+links"] as? [[String: Any]] ?? []).filter { $0["rel"] as? String == rel }
    }

    @Test("the talk's sequence with documentation and tests: devpi upload --with-docs to staging, devpi test (tox, its build backend from a base), devpi push to prod; devpi getjson's links (release file, doczip, toxresult) and their logs equal devpi-server's")
    func documentedAndTested() async throws {
        let devpiServer = try await DevpiServer(in: folder)
        defer { devpiServer.stop() }
        let project = try talkProject()
        let ours = server.baseURL, theirs = devpiServer.url
        #expect(try await devpi(theirs, ["use", theirs]).status == 0)
        #expect(try await devpi(theirs, ["login", "root", "--password", DevpiServer.rootPassword]).status == 0)
        #expect(try await devpi(theirs, ["user", "-c", "alice", "password=alice-secret"]).status == 0)
        #expect(try await devpi(ours, ["use", ours]).status == 0)
        // Debian's setuptools and wheel: what tox's build of the sdist installs from the index's base.
        let backend = try FileManager.default.contentsOfDirectory(atPath: "/usr/share/python-wheels")
            .filter { $0.hasPrefix("setuptools-") || $0.hasPrefix("wheel-") }.map { "/usr/share/python-wheels/\($0)" }
        for url in [ours, theirs] {
            #expect(try await devpi(url, ["login", "alice", "--password", "alice-secret"]).status == 0)
            #expect(try await devpi(url, ["index", "-c", "tools", "volatile=False"]).status == 0)
            #expect(try await devpi(url, ["index", "-c", "talk", "bases=alice/tools", "volatile=True"]).status == 0)
            if url == theirs { #expect(try await devpi(url, ["index", "-c", "prod", "volatile=False"]).status == 0) }
            #expect(try await devpi(url, ["use", "alice/tools"]).status == 0)
            let tools = try await devpi(url, ["upload"] + backend)
            #expect(tools.status == 0, "\(url): \(tools.output)")
            #expect(try await devpi(url, ["use", "alice/talk"]).status == 0)
            let uploaded = try await devpi(url, ["upload", "--with-docs", "--no-isolation", "--sdist"], in: project)
            #expect(uploaded.status == 0 && uploaded.output.contains("doc_upload of demo-talk-1.0.doc.zip"), "\(url): \(uploaded.output)")
            let tested = try await devpi(url, ["test", "demo-talk"])
            #expect(tested.status == 0 && tested.output.contains("posting tox result data"), "\(url): \(tested.output)")
            let pushed = try await devpi(url, ["push", "demo-talk==1.0", "alice/prod"])
            #expect(pushed.status == 0, "\(url): \(pushed.output)")
        }
        for path in ["/alice/talk/demo-talk/1.0", "/alice/prod/demo-talk/1.0"] {
            let mine = try await getjson(ours, path), peer = try await getjson(theirs, path)
            let describe = "\(path): ours \(mine["+links"] ?? []), devpi's \(peer["+links"] ?? [])"
            for rel in ["releasefile", "doczip", "toxresult"] {
                let (a, b) = (links(mine, rel), links(peer, rel))
                #expect(a.count == b.count && a.count == 1, "\(rel) \(describe)")
                guard let ourLink = a.first, let peerLink = b.first else { continue }
                #expect(Set(ourLink.keys) == Set(peerLink.keys), "\(rel) keys \(describe)")
                let name = { (link: [String: Any], key: String) in URL(string: link[key] as? String ?? "")?.lastPathComponent }
                if rel != "toxresult" { #expect(name(ourLink, "href") == name(peerLink, "href"), "\(rel) href \(describe)") }
                #expect(name(ourLink, "for_href") == name(peerLink, "for_href"), "\(rel) for_href \(describe)")
                let log = { (link: [String: Any]) in (link["log"] as? [[String: Any]] ?? []).map { $0.compactMapValues { $0 as? String } } }
                #expect(log(ourLink) == log(peerLink), "\(rel) log \(describe)")
            }
            for key in ["name", "version", "summary", "author_email", "keywords"] {
                #expect(mine[key] as? String == peer[key] as? String, "\(key): ours \(String(describing: mine[key])), devpi's \(String(describing: peer[key]))")
            }
        }
        // The docs as built by Sphinx, served from prod; `devpi list -t` shows the result on both.
        let docs = try await HTTP.send(.GET, "\(ours)/alice/prod/demo-talk/1.0/+doc/index.html")
        #expect(docs.status == 200 && (docs.text.contains("The talk’s documentation") || docs.text.contains("The talk's documentation")), "\(docs.text)")
        for url in [ours, theirs] {
            #expect(try await devpi(url, ["use", "alice/prod"]).status == 0)
            let listed = try await devpi(url, ["list", "-t", "demo-talk"])
            #expect(listed.status == 0 && listed.output.contains("tests passed"), "\(url): \(listed.output)")
        }
    }
}
