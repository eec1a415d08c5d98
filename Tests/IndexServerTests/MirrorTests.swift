import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// Mirror indices through the real server, against a local upstream of two dozen projects
/// (PEP 691 and 503, hashes, upload times): the whitelist gate (pins, specifiers, denies,
/// cooldown) and an ungated mirror, pip, uv and devpi-client through a mirror and through an
/// index built on it, the upstream stopped, and an upstream that changes a file's bytes.
@Suite("Mirror indices")
final class MirrorTests {
    let folder: TemporaryFolder
    let files: TemporaryFolder
    let upstream: FolderUpstream
    let server: TestServer
    let whitelist: String
    let root = HTTP.basic("root", TestServer.rootPassword)

    /// Upstream: alpha 1.0 and 2.0 (wheel and sdist, a month old) and 3.0 (an hour old), beta,
    /// gamma, Legacy_Pkg (a wheel named the old way) and filler-00…19. The whitelist follows
    /// alpha's newest release (`latest: 1`), pins legacy-pkg, gamma and the fillers, denies gamma;
    /// the cooldown is 7 days. Mirrors: root/pypi (gated), root/open (`gate: none`), root/flaky
    /// (gated, pages never fresh); alice/dev is a stage with root/pypi as its base.
    init() async throws {
        folder = try TemporaryFolder()
        files = try TemporaryFolder()
        for version in ["1.0", "2.0", "3.0"] {
            _ = try await makeDistribution(in: files, "alpha", version)
            if version != "3.0" { _ = try await makeDistribution(in: files, "alpha", version, sdist: true) }
        }
        for name in ["beta", "gamma", "legacy-pkg"] + (0..<20).map({ String(format: "filler-%02d", $0) }) {
            _ = try await makeDistribution(in: files, name, "1.0")
        }
        try FileManager.default.moveItem(atPath: files.path("legacy_pkg-1.0-py3-none-any.whl"), toPath: files.path("Legacy_Pkg-1.0-py3-none-any.whl"))
        upstream = try FolderUpstream(folder: files.url)
        for name in try FileManager.default.contentsOfDirectory(atPath: files.url.path) where !name.hasPrefix("alpha-3.0") {
            try upstream.age(name, by: 30 * 86400)
        }
        let whitelists = folder.path("whitelists")
        try FileManager.default.createDirectory(atPath: whitelists, withIntermediateDirectories: true)
        whitelist = whitelists + "/company.yaml"
        try Self.whitelistText(extra: "").write(toFile: whitelist, atomically: true, encoding: .utf8)
        let config = folder.path("wheelwright.yaml")
        try "whitelists: [whitelists]\ncontainers: \(Repository.root.appendingPathComponent("containers").path)\ncooldown: 7d\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        server = try await TestServer(arguments: ["--config", config])
        for (index, settings) in [("root/pypi", [:]), ("root/open", ["gate": "none"]), ("root/flaky", ["mirror_cache_expiry": 0])] as [(String, [String: Any])] {
            let created = try await HTTP.json(.PUT, "\(server.baseURL)/\(index)", auth: root,
                                              settings.merging(["type": "mirror", "mirror_url": upstream.simpleURL]) { first, _ in first })
            guard created.status == 201 else { throw TestFailure("cannot create \(index): \(created.status) \(created.text)") }
        }
        try await server.addAlice(indices: [("dev", ["bases": ["root/pypi"]])])
    }

    static func whitelistText(extra: String) -> String {
        var text = "defaults:\n  targets: [debian-12]\n\npackages:\n"
        text += "  - name: alpha\n    specifier: \">=1\"\n    latest: 1\n    reason: test\n"
        text += "  - name: legacy-pkg\n    versions: [\"1.0\"]\n    reason: test\n"
        text += "  - name: gamma\n    versions: [\"1.0\"]\n    reason: test\n"
        for number in 0..<20 { text += "  - name: filler-\(String(format: "%02d", number))\n    versions: [\"1.0\"]\n    reason: test\n" }
        return text + extra + "\ndeny:\n  - name: gamma\n    reason: known bad\n"
    }

    func page(_ path: String) async throws -> HTTP.Reply {
        try await HTTP.send(.GET, server.baseURL + path, headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
    }

    func filenames(_ reply: HTTP.Reply) -> [String] {
        ((reply.json["files"] as? [[String: Any]]) ?? []).compactMap { $0["filename"] as? String }.sorted()
    }

    func pip(_ requirement: String, index: String) async throws -> (status: Int32, output: String) {
        try await runTool(Repository.tool("pip"), ["download", "--no-cache-dir", "--no-deps", "--disable-pip-version-check", "--no-input",
                                                   "-d", folder.path("d-\(UUID().uuidString)"), "--index-url", "\(server.baseURL)/\(index)/+simple/", requirement],
                          environment: ["HOME": folder.path("home"), "PIP_FIND_LINKS": "", "PIP_CONFIG_FILE": "/dev/null"])
    }

    func serverLog() throws -> String { try String(contentsOf: server.log, encoding: .utf8) }

    @Test("a gated mirror shows what the whitelist admits (its newest followed release past the cooldown, pins, no denied release); anything else is a 404 saying how to request it; an ungated one shows all")
    func gatedView() async throws {
        let alpha = try await page("/root/pypi/+simple/alpha/")
        #expect(alpha.status == 200, "\(alpha.text)")
        #expect(filenames(alpha) == ["alpha-2.0-py3-none-any.whl", "alpha-2.0.tar.gz"], "\(alpha.text)")
        #expect((alpha.json["files"] as? [[String: Any]])?.allSatisfy { ($0["url"] as? String)?.hasPrefix("/root/pypi/+f/") == true } == true, "\(alpha.text)")
        let beta = try await HTTP.send(.GET, "\(server.baseURL)/root/pypi/+simple/beta/")
        #expect(beta.status == 404 && beta.text.contains("beta is not whitelisted: request it with wheelwright whitelist add beta"), "\(beta.text)")
        let gamma = try await page("/root/pypi/+simple/gamma/")
        #expect(gamma.status == 404 && gamma.text.contains("admits no release"), "\(gamma.text)")
        let list = try await HTTP.send(.GET, "\(server.baseURL)/root/pypi/+simple/")
        #expect(list.text.contains(">alpha<") && list.text.contains(">filler-19<") && !list.text.contains(">beta<"), "\(list.text)")
        // Ungated: every file upstream lists, the young release and the non-whitelisted project included.
        #expect(filenames(try await page("/root/open/+simple/alpha/")).count == 5)
        #expect(try await page("/root/open/+simple/beta/").status == 200)
        // A file the gate does not admit is not fetched through its URL either.
        let open = try await page("/root/open/+simple/alpha/")
        let young = (open.json["files"] as? [[String: Any]])?.first { ($0["filename"] as? String)?.hasPrefix("alpha-3.0") == true }?["url"] as? String
        let refused = try await HTTP.send(.GET, server.baseURL + (young ?? "").replacingOccurrences(of: "/root/open/", with: "/root/pypi/"))
        #expect(refused.status == 404 && refused.text.contains("not admitted by the company whitelist"), "\(refused.text)")
        // Nobody uploads to a mirror; only root makes one.
        let upload = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url",
                                                                  "\(server.baseURL)/root/pypi/", "-u", "root", "-p", TestServer.rootPassword,
                                                                  files.path("beta-1.0-py3-none-any.whl")])
        #expect(upload.status != 0 && upload.output.contains("is a mirror"), "\(upload.output)")
        let mine = try await HTTP.json(.PUT, "\(server.baseURL)/alice/mine", auth: TestServer.alice, ["type": "mirror", "mirror_url": upstream.simpleURL])
        #expect(mine.status == 403, "\(mine.text)")
        let bad = try await HTTP.json(.PUT, "\(server.baseURL)/root/bad", auth: root, ["type": "mirror", "mirror_url": "file:///etc/"])
        #expect(bad.status == 400 && bad.text.contains("mirror_url"), "\(bad.text)")
    }

    @Test("pip and uv install through the mirror and through a stage built on it; the first download is fetched and checked, later ones come from the blob store; upstream's old-style names are kept")
    func install() async throws {
        let direct = try await pip("alpha", index: "root/pypi")
        #expect(direct.status == 0 && direct.output.contains("alpha-2.0-py3-none-any.whl"), "\(direct.output)")
        #expect(try await pip("alpha==3.0", index: "root/pypi").status != 0)
        let throughBase = try await pip("alpha", index: "alice/dev")
        #expect(throughBase.status == 0, "\(throughBase.output)")
        let uv = try await runTool(Repository.tool("uv"), ["pip", "install", "--no-deps", "--python", "/usr/bin/python3", "--target", folder.path("uv-target"),
                                                           "--index-url", "\(server.baseURL)/alice/dev/+simple/", "alpha", "legacy-pkg"],
                                   environment: ["UV_CACHE_DIR": folder.path("uv-cache")])
        #expect(uv.status == 0, "\(uv.output)")
        #expect(try await upstream.counts()["/files/alpha-2.0-py3-none-any.whl"] == 1, "fetched once, then served from the store")
        // Once fetched, the file is the mirror's: listed with its core metadata (PEP 658) and on devpi's JSON.
        let held = try await page("/root/pypi/+simple/alpha/")
        let wheel = (held.json["files"] as? [[String: Any]])?.first { $0["filename"] as? String == "alpha-2.0-py3-none-any.whl" }
        #expect(wheel?["core-metadata"] != nil, "\(held.text)")
        let legacy = try await pip("legacy-pkg", index: "root/pypi")
        #expect(legacy.status == 0 && legacy.output.contains("Legacy_Pkg-1.0-py3-none-any.whl"), "\(legacy.output)")
    }

    @Test("with the upstream stopped, held files and kept pages still install; a page past its freshness is served stale and says so; a file never fetched is a 502 naming the upstream's failure")
    func upstreamStopped() async throws {
        #expect(try await pip("alpha", index: "root/flaky").status == 0)
        #expect(try await pip("alpha", index: "root/pypi").status == 0)
        upstream.stop()
        let fresh = try await page("/root/pypi/+simple/alpha/")
        #expect(fresh.status == 200 && fresh.headers["X-Wheelwright-Stale"].isEmpty, "\(fresh.text)")
        let stale = try await page("/root/flaky/+simple/alpha/")
        #expect(stale.status == 200 && stale.headers["Warning"].first?.hasPrefix("110") == true, "\(stale.headers)")
        #expect(stale.headers["X-Wheelwright-Stale"].first?.contains("upstream unreachable") == true, "\(stale.headers)")
        #expect(try await pip("alpha", index: "root/flaky").status == 0)
        #expect(try await pip("alpha", index: "alice/dev").status == 0)
        // After a restart nothing is kept in memory: the held files are still listed, stale.
        try await server.restart()
        let held = try await page("/root/flaky/+simple/alpha/")
        #expect(held.status == 200 && filenames(held) == ["alpha-2.0-py3-none-any.whl"] && !held.headers["X-Wheelwright-Stale"].isEmpty, "\(held.text)")
        #expect(try await pip("alpha", index: "root/flaky").status == 0)
        let never = try await page("/root/flaky/+simple/filler-03/")
        #expect(never.status == 502 && never.text.contains("upstream unreachable"), "\(never.text)")
    }

    @Test("an upstream file whose bytes change after the mirror took it is refused and logged: the held bytes stay what is served; bytes that do not match the listed SHA-256 are never stored")
    func changedBytes() async throws {
        #expect(try await pip("alpha", index: "root/flaky").status == 0)
        let before = try await page("/root/flaky/+simple/alpha/")
        let heldURL = (before.json["files"] as? [[String: Any]])?.first { $0["filename"] as? String == "alpha-2.0-py3-none-any.whl" }?["url"] as? String ?? ""
        // Upstream replaces the wheel (and, unfetched yet, the sdist) with other bytes.
        let cached = try await page("/root/pypi/+simple/alpha/")
        let sdistURL = (cached.json["files"] as? [[String: Any]])?.first { $0["filename"] as? String == "alpha-2.0.tar.gz" }?["url"] as? String ?? ""
        let original = [UInt8](try Data(contentsOf: files.url.appendingPathComponent("alpha-2.0-py3-none-any.whl")))
        let other = try TemporaryFolder()
        for sdist in [false, true] {
            let path = try await makeDistribution(in: other, "alpha", "2.0", sdist: sdist, payload: "changed")
            let name = (path as NSString).lastPathComponent
            try FileManager.default.removeItem(atPath: files.path(name))
            try FileManager.default.copyItem(atPath: path, toPath: files.path(name))
            try upstream.age(name, by: 30 * 86400)
        }
        let after = try await page("/root/flaky/+simple/alpha/")
        let listed = (after.json["files"] as? [[String: Any]])?.first { $0["filename"] as? String == "alpha-2.0-py3-none-any.whl" }?["url"] as? String
        #expect(listed == heldURL, "the held file is listed, not upstream's new one: \(after.text)")
        let served = try await HTTP.send(.GET, server.baseURL + heldURL)
        #expect(served.status == 200 && served.body == original)
        #expect(try serverLog().contains("the upstream changed a file the mirror holds"))
        // root/pypi still lists the sdist's old SHA-256: its download now brings other bytes.
        let mismatch = try await HTTP.send(.GET, server.baseURL + sdistURL)
        #expect(mismatch.status == 502 && mismatch.text.contains("refused, not stored"), "\(mismatch.text)")
        #expect(try serverLog().contains("refused an upstream file whose bytes do not match its listed SHA-256"))
        #expect(try await HTTP.send(.GET, server.baseURL + sdistURL).status == 502, "nothing was stored")
    }

    @Test("a hostile upstream page: names that are not this project's distributions, other characters, other schemes, negative sizes, no digest, one name with two digests are never offered; upstream's yank reaches a held file")
    func hostileUpstream() async throws {
        let pages = files.url.appendingPathComponent("_pages")
        try FileManager.default.createDirectory(at: pages, withIntermediateDirectories: true)
        let digest = String(repeating: "ab", count: 32)
        func entry(_ name: String, url: String = "/files/filler_02-1.0-py3-none-any.whl", sha256: String? = digest, size: Int = 10) -> [String: Any] {
            var listed: [String: Any] = ["filename": name, "url": url, "size": size]
            if let sha256 { listed["hashes"] = ["sha256": sha256] }
            return listed
        }
        let hostile = [entry("../../etc/passwd"), entry("filler_02-2.0-py3-none-any.whl#x"), entry("filler_02-3.0%2F-py3-none-any.whl"),
                       entry("alpha-9.0-py3-none-any.whl"), entry("filler_02-4.0-py3-none-any.whl", url: "file:///etc/passwd"),
                       entry("filler_02-5.0-py3-none-any.whl", size: -1), entry("filler_02-6.0-py3-none-any.whl", sha256: nil),
                       entry("filler_02-7.0-py3-none-any.whl", url: "http+unix://%2Fvar%2Frun%2Fdocker.sock/x")]
        try JSONSerialization.data(withJSONObject: ["extra": hostile]).write(to: pages.appendingPathComponent("filler-02.json"))
        let listed = try await page("/root/open/+simple/filler-02/")
        #expect(filenames(listed) == ["filler_02-1.0-py3-none-any.whl"], "\(listed.text)")
        #expect(!listed.text.contains("passwd") && !listed.text.contains("docker"), "\(listed.text)")
        // One name, two digests: neither is offered.
        try JSONSerialization.data(withJSONObject: ["extra": [entry("filler_01-1.0-py3-none-any.whl")]]).write(to: pages.appendingPathComponent("filler-01.json"))
        #expect(filenames(try await page("/root/open/+simple/filler-01/")).isEmpty)
        // A yank upstream reaches the file the mirror holds.
        #expect(try await pip("filler-00", index: "root/flaky").status == 0)
        try JSONSerialization.data(withJSONObject: ["yanked": ["filler_00-1.0-py3-none-any.whl": "broken"]]).write(to: pages.appendingPathComponent("filler-00.json"))
        let yanked = try await page("/root/flaky/+simple/filler-00/")
        #expect((yanked.json["files"] as? [[String: Any]])?.first?["yanked"] as? String == "broken", "\(yanked.text)")
    }

    @Test("a project a stage of the order holds is never taken from a mirror (no dependency confusion); a name the whitelist does not list costs no upstream request; a mirror's files are not pushed")
    func shadowing() async throws {
        let created = try await HTTP.json(.PUT, "\(server.baseURL)/alice/internal", auth: TestServer.alice, ["bases": ["root/open"]])
        #expect(created.status == 201, "\(created.text)")
        let own = try await makeDistribution(in: folder, "beta", "0.5")
        let upload = try await runTool(Repository.tool("twine"), ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url",
                                                                  "\(server.baseURL)/alice/internal/", "-u", "alice", "-p", "alice-secret", own])
        #expect(upload.status == 0, "\(upload.output)")
        #expect(filenames(try await page("/alice/internal/+simple/beta/")) == ["beta-0.5-py3-none-any.whl"])
        #expect(filenames(try await page("/root/open/+simple/beta/")) == ["beta-1.0-py3-none-any.whl"])
        #expect(try await page("/root/pypi/+simple/not-listed/").status == 404)
        #expect(try await upstream.counts()["/simple/not-listed/"] == nil)
        #expect(try await pip("alpha", index: "root/pypi").status == 0)
        let push = try await HTTP.json(.POST, "\(server.baseURL)/root/pypi/", auth: TestServer.alice, ["name": "alpha", "version": "2.0", "targetindex": "alice/dev"])
        #expect(push.status == 403 && push.text.contains("is a mirror"), "\(push.text)")
    }

    @Test("the gate follows the whitelist files as they change; a whitelist that stops reading leaves the last good one in force")
    func whitelistReload() async throws {
        #expect(try await page("/root/pypi/+simple/beta/").status == 404)
        try Self.whitelistText(extra: "  - name: beta\n    versions: [\"1.0\"]\n    reason: requested\n").write(toFile: whitelist, atomically: true, encoding: .utf8)
        var status = 0
        for _ in 0..<40 where status != 200 {
            try await Task.sleep(for: .milliseconds(250))
            status = try await page("/root/pypi/+simple/beta/").status
        }
        #expect(status == 200)
        try "packages:\n  - name: [broken\n".write(toFile: whitelist, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .seconds(3))
        #expect(try await page("/root/pypi/+simple/beta/").status == 200)
        #expect(try serverLog().contains("the whitelist does not read; the last good one stays in force"))
    }

    @Test("devpi-client: a mirror made with type=mirror mirror_url=, its settings shown; use and list through it")
    func devpiClient() async throws {
        func devpi(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            try await runTool(Repository.tool("devpi"), arguments, environment: ["DEVPI_CLIENTDIR": folder.path("devpi"), "HOME": folder.url.path])
        }
        #expect(try await devpi(["use", server.baseURL]).status == 0)
        #expect(try await devpi(["login", "root", "--password", TestServer.rootPassword]).status == 0)
        let created = try await devpi(["index", "-c", "mirror2", "type=mirror", "mirror_url=\(upstream.simpleURL)", "gate=none"])
        #expect(created.status == 0 && created.output.contains("type=mirror"), "\(created.output)")
        let shown = try await devpi(["getjson", "/root/mirror2"])
        #expect(shown.output.contains("\"mirror_url\": \"\(upstream.simpleURL)\"") && shown.output.contains("\"gate\": \"none\""), "\(shown.output)")
        #expect(try await devpi(["use", "root/pypi"]).status == 0)
        #expect(try await pip("alpha", index: "root/pypi").status == 0)
        let list = try await devpi(["list", "alpha"])
        #expect(list.status == 0 && list.output.contains("alpha-2.0"), "\(list.output)")
    }
}
