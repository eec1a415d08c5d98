import Foundation
import NIOHTTP1
import PythonPackaging
import TestSupport
import Testing
@testable import Upstream

/// `wheelwright fetch` and the upstream client against a local upstream: wheelwright's own
/// server, holding sdists with a tricky version history. No network.
@Suite("Upstream and wheelwright fetch")
struct FetchTests {
    let server: LocalIndex
    let folder: TemporaryFolder
    let alice = TestServer.alice

    init() async throws {
        server = try await LocalIndex()
        folder = try TemporaryFolder()
        try await server.addAlice(indices: [("up", [:])])
        let dists = try TemporaryFolder()
        var files: [String] = []
        for version in ["1.0", "1.1", "1.1+local.7", "2.0rc1", "2.0.post1", "1!0.5", "2.0.dev3"] {
            files.append(try await makeDistribution(in: dists, "tricky", version, sdist: true))
        }
        files.append(try await makeDistribution(in: dists, "tricky", "3.0", sdist: true))
        files.append(try await makeDistribution(in: dists, "wheelonly", "1.0"))
        // Its newest release needs a Python no target has.
        files.append(try await makeDistribution(in: dists, "modern", "1.0", sdist: true, requiresPython: ">=3.8"))
        files.append(try await makeDistribution(in: dists, "modern", "2.0", sdist: true, requiresPython: ">=3.99"))
        let upload = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar",
                                                                   "--repository-url", "\(server.baseURL)/alice/up/", "-u", "alice", "-p", "alice-secret"] + files)
        #expect(upload.status == 0, "\(upload.output)")
        // 3.0 is yanked: never chosen by `latest`.
        _ = try await HTTP.json(.POST, "\(server.baseURL)/alice/up/+yank/tricky-3.0.tar.gz", auth: alice, ["reason": "bad"])
    }

    var upstream: String { "\(server.baseURL)/alice/up/+simple/" }

    func whitelist(_ text: String) throws -> String {
        let path = folder.path("w-\(UUID().uuidString).yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func fetch(_ whitelistPath: String, _ extra: [String] = []) async throws -> (status: Int32, files: [[String: Any]], output: String) {
        let run = try await runTool(Repository.wheelwright, ["fetch", whitelistPath, "--containers", Repository.root.appendingPathComponent("containers").path,
                                                             "--upstream", upstream, "--cache", folder.path("cache"), "--json"] + extra)
        let json = (try? JSONSerialization.jsonObject(with: Data(run.output.utf8))) as? [String: Any]
        return (run.status, json?["files"] as? [[String: Any]] ?? [], run.output)
    }

    @Test("a backend that needs nothing (setuptools builds itself) gets an empty wheelhouse without running pip")
    func emptyWheelhouse() async throws {
        let folder = try TemporaryFolder()
        let builder = WheelhouseBuilder(cache: try DownloadCache(root: folder.url), python: "/nonexistent/python3")
        let wheelhouse = try await builder.wheelhouse(for: [], pythonVersion: "3.11", platforms: ["manylinux_2_36_x86_64"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: wheelhouse.path) == [".complete"])
        #expect(try await builder.wheelhouse(for: [], pythonVersion: "3.11", platforms: ["manylinux_2_36_x86_64"]).standardizedFileURL.path == wheelhouse.standardizedFileURL.path)
    }

    @Test("exact and latest selections; the second run is served from the cache")
    func selections() async throws {
        let path = try whitelist("""
            packages:
              - name: Tricky
                specifier: ">=1.0"
                latest: 2
                reason: r
                license: MIT
            """)
        let first = try await fetch(path)
        #expect(first.status == 0, "\(first.output)")
        // 3.0 is yanked, 2.0rc1 and 2.0.dev3 are pre-releases, 1!0.5 sorts above them all (epoch 1).
        #expect(first.files.map { $0["version"] as? String } == ["1!0.5", "2.0.post1"])
        #expect(first.files.allSatisfy { $0["status"] as? String == "fetched" })
        let second = try await fetch(path)
        #expect(second.files.allSatisfy { $0["status"] as? String == "cached" })
        for file in second.files {
            #expect(FileManager.default.fileExists(atPath: file["path"] as! String))
        }
    }

    @Test("errors a person can act on: only wheels, no such version, no such project; exit 1")
    func errors() async throws {
        let path = try whitelist("""
            packages:
              - {name: wheelonly, versions: ["1.0"], reason: r, license: MIT}
              - {name: tricky, versions: ["9.9"], reason: r, license: MIT}
              - {name: missing-project, versions: ["1.0"], reason: r, license: MIT}
            """)
        let run = try await fetch(path)
        #expect(run.status == 1)
        let errors = run.files.compactMap { $0["error"] as? String }
        #expect(errors.contains { $0.hasPrefix("no sdist for wheelonly==1.0 on \(server.baseURL)/alice/up/+simple/ (it has only wheels: wheelonly-1.0-py3-none-any.whl)") })
        #expect(errors.contains { $0 == "version 9.9 of tricky does not exist (newest: 3.0)" || $0.hasPrefix("version 9.9 of tricky does not exist") })
        #expect(errors.contains { $0.hasPrefix("project missing-project does not exist on") })
    }

    @Test("a file whose bytes do not match its published hash never enters the cache")
    func hashMismatch() async throws {
        let client = UpstreamClient(indices: [URL(string: upstream)!], retries: 0)
        let (page, index) = try await client.page(of: "tricky")
        let published = try UpstreamClient.sdist(in: page, name: "tricky", version: try Version("1.0"), index: index)
        // The index answers for its own bytes (a damaged blob is a 500, never served), so the
        // mismatch is made on the other side: a page that publishes a hash the bytes do not have.
        let sha256 = String(repeating: "ab", count: 32)
        let file = RemoteFile(filename: published.filename, url: published.url, sha256: sha256, requiresPython: nil,
                              yankReason: nil, size: nil, hasCoreMetadata: false)
        let cache = try DownloadCache(root: folder.url.appendingPathComponent("tamper-cache"))
        await #expect(throws: UpstreamError.self) { _ = try await client.download(file, into: cache) }
        do {
            _ = try await client.download(file, into: cache)
        } catch {
            #expect(error.description.hasPrefix("hash mismatch for tricky-1.0.tar.gz: expected sha256 \(sha256)"))
        }
        let cached = try FileManager.default.subpathsOfDirectory(atPath: cache.root.path).filter { $0.hasSuffix(".tar.gz") }
        #expect(cached.isEmpty)
        let partial = try FileManager.default.contentsOfDirectory(atPath: cache.root.appendingPathComponent("partial").path)
        #expect(partial.isEmpty)
    }

    @Test("whitelist add: newest final release, license and URL from PEP 658 metadata, comments kept, refusals")
    func whitelistAdd() async throws {
        let requests = try TemporaryFolder()
        let path = requests.path("company.yaml")
        let original = "# Company whitelist: keep this comment.\npackages:\n  - name: zzz-last  # and this one\n    versions: [\"1.0\"]\n    reason: r\n    license: MIT\n"
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        func add(_ requirement: String) async throws -> (status: Int32, output: String) {
            try await runTool(Repository.wheelwright, ["whitelist", "add", requirement, "--file", path, "--upstream", upstream,
                                                       "--containers", Repository.root.appendingPathComponent("containers").path,
                                                       "--requested-by", "alice", "--reason", "tests"])
        }
        let added = try await add("Tricky")
        #expect(added.status == 0, "\(added.output)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == """
            # Company whitelist: keep this comment.
            packages:
              - name: Tricky
                versions: ["1!0.5"]
                license: MIT
                url: https://example.com/source
                reason: tests
                requested-by: alice
              - name: zzz-last  # and this one
                versions: ["1.0"]
                reason: r
                license: MIT

            """)
        #expect(added.output.contains("+  - name: Tricky"))
        let again = try await add("tricky")
        #expect(again.status == 0 && again.output.contains("already in"))
        let pinned = try await add("tricky==1.1")
        #expect(pinned.status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("versions: [\"1!0.5\", \"1.1\"]"))
        let missing = try await add("tricky==9.9")
        #expect(missing.status != 0 && missing.output.contains("version 9.9 of tricky does not exist"))
        let wheelOnly = try await add("wheelonly")
        #expect(wheelOnly.status != 0 && wheelOnly.output.contains("wheelonly publishes only wheels: no release has an sdist (newest: 1.0 (1 wheel, no sdist)); wheelwright builds every wheel from an sdist"), "\(wheelOnly.output)")
        // Requires-Python: the newest release every interpreter of the entry's targets can build, and what was skipped.
        let modern = try await add("modern")
        #expect(modern.status == 0 && modern.output.contains("skipped modern 2.0: requires Python >=3.99; debian-12 has 3.11, debian-13 has 3.13"), "\(modern.output)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("- name: modern\n    versions: [\"1.0\"]"))
        let impossible = try await add("modern==2.0")
        #expect(impossible.status != 0 && impossible.output.contains("modern 2.0 requires Python >=3.99; debian-12 has 3.11, debian-13 has 3.13: it could never be built"), "\(impossible.output)")
        // Listed in another file of the folder: the command that edits that file; run, it records who asked and why.
        let other = requests.path("other.yaml")
        let refused = try await runTool(Repository.wheelwright, ["whitelist", "add", "tricky==1.0", "--file", other, "--upstream", upstream,
                                                                 "--containers", Repository.root.appendingPathComponent("containers").path])
        #expect(refused.status != 0 && refused.output.contains("tricky is already listed at \(path):9:5, in another file than \(other); to add 1.0 to that entry, run:\n  wheelwright whitelist add tricky==1.0 --file \(path)"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: other))
        let versionAdded = try await add("tricky==1.0")
        #expect(versionAdded.status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("versions: [\"1!0.5\", \"1.1\", \"1.0\"]\n    # 1.1 requested by alice: tests\n    # 1.0 requested by alice: tests\n"))
    }

    @Test("HTML pages are understood too, with hashes, yanks and requires-python")
    func htmlPage() throws {
        let html = """
            <a href="../../+f/ab/cd/tricky-1.0.tar.gz#sha256=abcd" data-requires-python="&gt;=3.8">tricky-1.0.tar.gz</a>
            <a href="https://files.example/tricky-3.0.tar.gz" data-yanked="bad">tricky-3.0.tar.gz</a>
            """
        let page = ProjectPage.html(html, name: "tricky", pageURL: URL(string: "http://index.example/u/i/+simple/tricky/")!)
        #expect(page.files.map(\.filename) == ["tricky-1.0.tar.gz", "tricky-3.0.tar.gz"])
        #expect(page.files[0].url.absoluteString == "http://index.example/u/i/+f/ab/cd/tricky-1.0.tar.gz")
        #expect(page.files[0].sha256 == "abcd" && page.files[0].requiresPython == ">=3.8" && !page.files[0].isYanked)
        #expect(page.files[1].yankReason == "bad")
        #expect(UpstreamClient.versions(in: page).map(\.description) == ["1.0"])
    }
}
