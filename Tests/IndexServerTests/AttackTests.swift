import Foundation
import IndexServer
import NIOHTTP1
import TestSupport
import Testing

/// The index attacked as an outsider, a plain user and a token holder would attack it, over
/// HTTP: the application in this process (`LocalIndex`), or the real server process where a
/// case needs one (its memory, thousands of connections, a full disk, its flags). Each test is
/// one class of hole, and asserts the safe outcome.
@Suite("Attacks on the index")
struct AttackTests {
    let server: LocalIndex
    let folder: TemporaryFolder
    let alice = TestServer.alice
    let root = HTTP.basic("root", TestServer.rootPassword)

    init() async throws {
        var limits = ServerLimits()
        limits.maximumConnections = 128
        server = try await LocalIndex(limits: limits)
        folder = try TemporaryFolder()
        try await server.addAlice(indices: [("dev", [:]), ("prod", [:]), ("stage", ["volatile": true])])
    }

    func wheel(_ name: String = "demo", _ version: String = "1.0", payload: String = "", summary: String = "") async throws -> [UInt8] {
        let path = try await makeDistribution(in: folder, name, version, payload: payload, summary: summary)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func upload(_ filename: String, _ content: [UInt8], fields: [(String, String)] = [], buildLog: [UInt8]? = nil,
                index: String = "alice/dev", auth: String? = nil, to target: (any IndexUnderTest)? = nil) async throws -> HTTP.Reply {
        let form = HTTP.uploadForm(filename: filename, content: content, fields: fields, buildLog: buildLog)
        return try await HTTP.send(.POST, "\((target ?? server).baseURL)/\(index)/",
                                   headers: [("Authorization", auth ?? alice), ("Content-Type", form.contentType)], body: form.body)
    }

    func expectAlive(_ target: (any IndexUnderTest)? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let target = target ?? server
        #expect(target.isServing, "the server must still serve", sourceLocation: sourceLocation)
        let health = try await HTTP.send(.GET, "\(target.baseURL)/+health")
        #expect(health.status == 200, sourceLocation: sourceLocation)
    }

    static func provenance(_ extra: String = "") -> String {
        #"{"target": "debian-12", "python": "3.11", "runner": "rootfs (bubblewrap)", "sdist": "demo-1.0.tar.gz", "sdist_sha256": "\#(String(repeating: "a", count: 64))", "seconds": 2, "builder": "wheelwright", "built_at": "2026-11-30T00:00:00Z", "platform_tag": "any"\#(extra)}"#
    }

    // MARK: 1. Blob references

    @Test("a client cannot name a blob: log_sha256 and other server-derived or unknown keys are refused; the log is the one uploaded")
    func provenanceCannotNameFiles() async throws {
        let content = try await wheel()
        for (extra, key) in [(#", "log_sha256": "../catalog.sqlite-wal""#, "log_sha256"), (#", "log_sha256": "../../../../etc/shadow""#, "log_sha256"),
                             (#", "log_size": 5"#, "log_size"), (#", "uploader": "root""#, "uploader"), (#", "colour": "red""#, "colour")] {
            let reply = try await upload("demo-1.0-py3-none-any.whl", content, fields: [("provenance", Self.provenance(extra))])
            #expect(reply.status == 400 && reply.text.contains("provenance.\(key)"), "\(reply.status) \(reply.text)")
        }
        let badHash = Self.provenance().replacingOccurrences(of: String(repeating: "a", count: 64), with: "../../etc/passwd")
        let refused = try await upload("demo-1.0-py3-none-any.whl", content, fields: [("provenance", badHash)])
        #expect(refused.status == 400 && refused.text.contains("provenance.sdist_sha256"))
        let wrongType = Self.provenance().replacingOccurrences(of: #""seconds": 2"#, with: #""seconds": "2""#)
        #expect(try await upload("demo-1.0-py3-none-any.whl", content, fields: [("provenance", wrongType)]).status == 400)

        let stored = try await upload("demo-1.0-py3-none-any.whl", content, fields: [("provenance", Self.provenance())], buildLog: Array("the real log\n".utf8))
        #expect(stored.status == 200, "\(stored.text)")
        let log = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+log/demo-1.0-py3-none-any.whl")
        #expect(log.status == 200 && log.text == "the real log\n")
        let files = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+files", headers: [("Accept", "application/json")])
        #expect(!files.text.contains("log_sha256") && !files.text.contains("catalog"))
    }

    @Test("a provenance cannot claim an SBOM the wheel does not hold (the page would link it); a quarantined project's build log and SBOM are not served")
    func sbomClaimsAndQuarantinedLogs() async throws {
        let content = try await wheel()
        let claimed = try await upload("demo-1.0-py3-none-any.whl", content, fields: [("provenance", Self.provenance(#", "sbom_sha256": "\#(String(repeating: "b", count: 64))""#))])
        #expect(claimed.status == 400 && claimed.text.contains("provenance.sbom_sha256"), "\(claimed.status) \(claimed.text)")
        #expect(try await upload("demo-1.0-py3-none-any.whl", content, fields: [("provenance", Self.provenance())], buildLog: Array("log\n".utf8)).status == 200)
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+sbom/demo-1.0-py3-none-any.whl").status == 404)
        let quarantine = try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/+status/demo", auth: alice, ["status": "quarantined", "reason": "x"])
        #expect(quarantine.status == 200, "\(quarantine.text)")
        let log = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+log/demo-1.0-py3-none-any.whl")
        #expect(log.status == 404 && log.text.contains("quarantined"), "\(log.status) \(log.text)")
        // A form another site's page could post with a browser's remembered login is not a status change.
        let form = try await HTTP.send(.POST, "\(server.baseURL)/alice/dev/+status/demo", headers: [("Authorization", alice), ("Content-Type", "text/plain")],
                                       body: Array(#"{"status": "active", "reason": "x"}"#.utf8))
        #expect(form.status == 400 && form.text.contains("application/json"), "\(form.status) \(form.text)")
        for reason in ["right\u{202E}txt.exe", "two\u{2028}lines", "zero\u{200B}width", "tab\there"] {
            let reply = try await HTTP.json(.POST, "\(server.baseURL)/alice/dev/+status/demo", auth: alice, ["status": "active", "reason": reason])
            #expect(reply.status == 400 && reply.text.contains("reason"), "\(reason.unicodeScalars.map(\.value)): \(reply.status) \(reply.text)")
        }
    }

    // MARK: 2. Nothing traps

    @Test("numbers from queries and headers are bounded: the overflowing page number is a 400 and the server stays up")
    func overflowingNumbers() async throws {
        for query in ["page=9223372036854775807", "page=-1", "page=0", "page=1e9", "page=%FF", "page=99999999999999999999999"] {
            let reply = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/?\(query)", headers: [("Accept", "text/html")])
            #expect(reply.status == 400 && (reply.text.contains("page") || reply.text.contains("query")), "\(query): \(reply.status) \(reply.text)")
        }
        _ = try await upload("demo-1.0-py3-none-any.whl", try await wheel())
        let simple = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/demo/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        let url = try #require(((simple.json["files"] as? [[String: Any]])?.first?["url"] as? String))
        for range in ["bytes=-9223372036854775808", "bytes=9223372036854775807-", "bytes=0-9223372036854775807", "bytes=--1",
                      "bytes=18446744073709551616-1", "bytes=5-1", "bytes= 1-2"] {
            let reply = try await HTTP.send(.GET, "\(server.baseURL)\(url)", headers: [("Range", range)])
            #expect([200, 206].contains(reply.status), "\(range): \(reply.status)")
        }
        try await expectAlive()
    }

    @Test("thousands of seeded random requests on every route: each is answered below 500, and the server stays up")
    func randomRequests() async throws {
        _ = try await upload("demo-1.0-py3-none-any.whl", try await wheel())
        var random = SeededRandom(seed: 20_261_130)
        let fragments = ["", "alice", "dev", "prod", "+simple", "demo", "+f", "+files", "+log", "+yank", "+tokens", "+builds", "+search",
                         "+static", "style.css", "+health", "+metrics", "legacy", "..", ".", "%2e%2e", "%00", "%ff", "Ä", "a b",
                         String(repeating: "x", count: 300), "demo-1.0-py3-none-any.whl", "1.0", "nobody", "ROOT", "%2F"]
        let queries = ["", "page=1", "page=9223372036854775807", "page=-5", "filter=%", "filter=_", "q=demo", "x=%zz", "page=&page=2",
                       String(repeating: "a=1&", count: 100), "filter=" + String(repeating: "z", count: 3000)]
        let accepts = ["text/html", "application/json", "application/vnd.pypi.simple.v1+json", "*/*;q=nan", "text/html;q=inf", ""]
        let methods: [HTTPMethod] = [.GET, .HEAD, .POST, .PUT, .PATCH, .DELETE, .OPTIONS]
        let bodies: [[UInt8]] = [[], Array("{}".utf8), Array("{\"password\": 1}".utf8), Array("[1,2]".utf8), Array("{\"bases\": [\"../x\"]}".utf8),
                                 Array("{\"volatile\": \"maybe\"}".utf8), (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }]
        let auths = ["", alice, "Basic !!!", "Basic " + Data("__token__:ww_1_2".utf8).base64EncodedString(), "Bearer x"]
        var statuses: [Int: Int] = [:]
        for case_ in 0..<3000 {
            let depth = random.next(upTo: 6)
            let path = "/" + (0..<depth).map { _ in fragments[random.next(upTo: fragments.count)] }.joined(separator: "/")
                + (random.next(upTo: 2) == 0 ? "/" : "")
            let query = queries[random.next(upTo: queries.count)]
            let method = methods[random.next(upTo: methods.count)]
            var headers = [("Accept", accepts[random.next(upTo: accepts.count)])]
            let auth = auths[random.next(upTo: auths.count)]
            if !auth.isEmpty { headers.append(("Authorization", auth)) }
            if random.next(upTo: 4) == 0 { headers.append(("Range", ["bytes=0-", "bytes=-1", "bytes=abc", "bytes=1-0"][random.next(upTo: 4)])) }
            let body = method == .GET || method == .HEAD ? nil : bodies[random.next(upTo: bodies.count)]
            if body != nil { headers.append(("Content-Type", random.next(upTo: 2) == 0 ? "application/json" : "multipart/form-data; boundary=x")) }
            let url = server.baseURL + path.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "Ä", with: "%C3%84") + (query.isEmpty ? "" : "?" + query)
            let reply = try await HTTP.send(method, url, headers: headers, body: body)
            statuses[reply.status, default: 0] += 1
            #expect(reply.status < 500, "case \(case_): \(method) \(url) answered \(reply.status): \(reply.text.prefix(200))")
            if reply.status >= 500 { break }
        }
        try await expectAlive()
        #expect(statuses.keys.contains(200) && statuses.keys.contains(404) && statuses.keys.contains(400) && statuses.keys.contains(405))
    }

    // MARK: 3. Non-volatile under any spelling

    @Test("spelling variants of a stored file with other bytes are 409; non-canonical versions and bad tags are refused naming the right one")
    func filenameVariants() async throws {
        #expect(try await upload("foo_bar-1.0-py2.py3-none-any.whl", try await wheel("foo_bar", "1.0", payload: "first")).status == 200)
        for variant in ["Foo_Bar-1.0-py2.py3-none-any.whl", "foo.bar-1.0-py2.py3-none-any.whl", "FOO_BAR-1.0-py2.py3-none-any.whl",
                        "foo_bar-1.0.0-py2.py3-none-any.whl", "foo_bar-1.0-py3.py2-none-any.whl"] {
            let reply = try await upload(variant, try await wheel("foo_bar", "1.0", payload: "other \(variant)"))
            #expect(reply.status == 409 && reply.text.contains("foo_bar-1.0-py2.py3-none-any.whl"), "\(variant): \(reply.status) \(reply.text)")
        }
        for (variant, canonical) in [("foo_bar-01.0-py3-none-any.whl", "foo_bar-1.0-py3-none-any.whl"), ("foo_bar-v1.0-py3-none-any.whl", "foo_bar-1.0-py3-none-any.whl"),
                                     ("foo_bar-1.0-py3-none-ANY.whl", "foo_bar-1.0-py3-none-any.whl"), ("foo_bar-1.0-py3.py3-none-any.whl", "foo_bar-1.0-py3-none-any.whl")] {
            let reply = try await upload(variant, try await wheel("foo_bar", "1.0", payload: variant))
            #expect(reply.status == 400 && reply.text.contains("upload it as '\(canonical)'"), "\(variant): \(reply.status) \(reply.text)")
        }
        for bad in ["foo_bar-1.0-py3-none-any<x>.whl", "foo_bar-1.0-py3-none-linux x86.whl", "foo_bar-1.0-py3-none-any\"q.whl"] {
            let reply = try await upload(bad, try await wheel("foo_bar", "1.0", payload: bad))
            #expect(reply.status == 400, "\(bad): \(reply.status) \(reply.text)")
        }
        let page = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/foo-bar/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        #expect((page.json["files"] as? [Any])?.count == 1, "one file on the page: \(page.text)")
        // On a volatile index the new spelling replaces the old file rather than standing beside it.
        _ = try await upload("foo_bar-1.0-py3-none-any.whl", try await wheel("foo_bar", "1.0", payload: "a"), index: "alice/stage")
        #expect(try await upload("Foo.Bar-1.0-py3-none-any.whl", try await wheel("foo_bar", "1.0", payload: "b"), index: "alice/stage").status == 200)
        let stage = try await HTTP.send(.GET, "\(server.baseURL)/alice/stage/+simple/foo-bar/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        #expect((stage.json["files"] as? [Any])?.count == 1)
    }

    // MARK: 4. Tokens and management

    func token(_ auth: String, indices: [String]? = nil) async throws -> (id: String, token: String) {
        let reply = try await HTTP.json(.POST, "\(server.baseURL)/+tokens", auth: auth, indices.map { ["indices": $0] } ?? [:])
        let result = try #require(reply.json["result"] as? [String: Any], "\(reply.status) \(reply.text)")
        return (result["id"] as? String ?? "", result["token"] as? String ?? "")
    }

    @Test("a scoped token does only what its scope names; tokens cannot mint tokens or revoke others; revoked is 401")
    func tokenScopes() async throws {
        let scoped = try await token(alice, indices: ["alice/dev"])
        let other = try await token(alice)
        let scopedAuth = HTTP.basic("__token__", scoped.token)
        let unscopedAuth = HTTP.basic("__token__", other.token)
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/alice/prod", auth: scopedAuth, ["acl_upload": ["bob"]]).status == 403)
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/alice/new", auth: scopedAuth, [:]).status == 403)
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/alice", auth: scopedAuth, ["password": "taken-over"]).status == 403)
        #expect(try await HTTP.json(.POST, "\(server.baseURL)/+tokens", auth: scopedAuth, [:]).status == 403)
        #expect(try await HTTP.json(.POST, "\(server.baseURL)/+tokens", auth: unscopedAuth, [:]).status == 403)
        #expect(try await HTTP.send(.DELETE, "\(server.baseURL)/+tokens/\(other.id)", headers: [("Authorization", scopedAuth)]).status == 403)
        #expect(try await upload("demo-1.0-py3-none-any.whl", try await wheel(), index: "alice/prod", auth: scopedAuth).status == 403)
        #expect(try await upload("demo-1.0-py3-none-any.whl", try await wheel(), index: "alice/dev", auth: scopedAuth).status == 200)
        let rootScoped = try await token(root, indices: ["alice/dev"])
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/root/elsewhere", auth: HTTP.basic("__token__", rootScoped.token), [:]).status == 403)
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/mallory", auth: HTTP.basic("__token__", rootScoped.token), ["password": "x"]).status == 403)
        // A token revokes itself; a revoked token is a 401 everywhere.
        #expect(try await HTTP.send(.DELETE, "\(server.baseURL)/+tokens/\(scoped.id)", headers: [("Authorization", scopedAuth)]).status == 200)
        #expect(try await upload("demo-2.0-py3-none-any.whl", try await wheel("demo", "2.0"), index: "alice/dev", auth: scopedAuth).status == 401)
        // The unscoped token is the user for management, within what the user may do.
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/alice/prod", auth: unscopedAuth, ["acl_upload": ["root"]]).status == 200)
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/root/mine", auth: unscopedAuth, [:]).status == 403)
    }

    // MARK: 5. Memory

    func residentKB(of server: TestServer) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(server.process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    @Test("the page cache keys only what changes a page; oversized metadata and build reports are refused; reports need a builder")
    func memory() async throws {
        // Its own process: the memory measured is the server's alone.
        let server = try await TestServer(arguments: ["--max-connections", "128"])
        try await server.addAlice(indices: [("dev", [:])])
        let huge = try await upload("big-1.0-py3-none-any.whl", try await wheel("big", "1.0", summary: String(repeating: "s", count: 100_000)), to: server)
        #expect(huge.status == 413 && huge.text.contains("Summary"), "\(huge.status) \(huge.text)")
        #expect(try await upload("demo-1.0-py3-none-any.whl", try await wheel(summary: String(repeating: "s", count: 60_000)), to: server).status == 200)
        let before = residentKB(of: server)
        for number in 0..<300 {
            for path in ["/alice/dev/demo/?x=\(number)", "/alice/dev/Demo/?y=\(number)", "/alice/dev/?filter=\(number % 7)&junk=\(number)",
                         "/alice/dev/+simple/demo/?z=\(number)"] {
                let reply = try await HTTP.send(.GET, server.baseURL + path, headers: [("Accept", "text/html")])
                #expect(reply.status == 200 || reply.status == 301, "\(path): \(reply.status)")
            }
        }
        let grown = residentKB(of: server) - before
        #expect(grown < 30_000, "RSS grew by \(grown) kB over 1,200 distinct URLs")

        let report = Array(#"{"run_id": null, "started_at": "2026-11-30T01:30:00Z", "seconds": 1, "results": [], "skipped": []}"#.utf8)
        let plain = try await HTTP.send(.POST, "\(server.baseURL)/+builds", headers: [("Authorization", alice), ("Content-Type", "application/json")], body: report)
        #expect(plain.status == 403)
        let oversized = Array("{\"x\": \"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 9 << 20) + Array("\"}".utf8)
        // The server answers 413 as soon as the limit is passed; it may close the connection
        // before the client has written the rest, which the client sees as a closed channel.
        do {
            let tooBig = try await HTTP.send(.POST, "\(server.baseURL)/+builds", headers: [("Authorization", root), ("Content-Type", "application/json")], body: oversized)
            #expect(tooBig.status == 413)
        } catch {
            #expect("\(error)".contains("closed"), "\(error)")
        }
        #expect(try await HTTP.send(.POST, "\(server.baseURL)/+builds", headers: [("Authorization", root), ("Content-Type", "application/json")], body: report).status == 201)
        try await expectAlive(server)
    }

    // MARK: 6. Connections

    func hold(_ count: Int, on server: TestServer, from source: String, seconds: Int, partialBody: Bool = false) throws -> (Process, Pipe, Pipe) {
        let port = String(server.baseURL.split(separator: ":").last ?? "")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.tool("python"))
        process.arguments = [Repository.root.appendingPathComponent("Tests/Support/hold_connections.py").path, "127.0.0.1", port,
                             String(count), source, String(seconds)] + (partialBody ? ["--partial-body"] : [])
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        return (process, output, input)
    }

    /// The next line `pipe` gives, read on a Dispatch thread (the read blocks).
    func line(_ pipe: Pipe) async -> String {
        await offCooperativePool {
            var text = ""
            while !text.hasSuffix("\n") {
                let byte = pipe.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty { break }
                text += String(decoding: byte, as: UTF8.self)
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test("thousands of idle connections: /+health still answers; silent connections and unfinished bodies are closed by the idle timeout")
    func connections() async throws {
        // Its own server, with a short idle timeout to wait for.
        let server = try await TestServer(arguments: ["--max-connections", "128", "--idle-timeout", "2"])
        try await server.addAlice(indices: [("dev", [:])])
        let (flood, floodOutput, floodInput) = try hold(3000, on: server, from: "127.0.0.2", seconds: 30)
        #expect(await line(floodOutput).hasPrefix("open "))
        for _ in 0..<5 {
            // At the cap, the server closes its longest-idle connection for each new one; on a
            // loaded machine that can be this request's before it is sent (the client then sees
            // the channel closed), so a request may be sent again, once.
            let health: HTTP.Reply
            do {
                health = try await HTTP.send(.GET, "\(server.baseURL)/+health")
            } catch {
                health = try await HTTP.send(.GET, "\(server.baseURL)/+health")
            }
            #expect(health.status == 200)
        }
        floodInput.fileHandleForWriting.closeFile()
        await offCooperativePool { flood.waitUntilExit() }

        let (silent, silentOutput, _) = try hold(20, on: server, from: "127.0.0.3", seconds: 5)
        #expect(await line(silentOutput) == "open 20")
        #expect(await line(silentOutput) == "closed-by-server 20", "a connection that sends nothing is closed after the idle timeout")
        await offCooperativePool { silent.waitUntilExit() }
        let (partial, partialOutput, _) = try hold(10, on: server, from: "127.0.0.4", seconds: 5, partialBody: true)
        #expect(await line(partialOutput) == "open 10")
        #expect(await line(partialOutput) == "closed-by-server 10", "a body shorter than its Content-Length is not waited for forever")
        await offCooperativePool { partial.waitUntilExit() }
        #expect(server.isServing)
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/+health").status == 200)
    }

    @Test("downloads by sendfile: answers to requests pipelined behind a file come whole and in order, `Connection: close` gets the whole file, a client that stops reading is cut off after the idle timeout")
    func downloads() async throws {
        // The suite's server for what a loaded machine must not fail (its idle timeout is 30 s),
        // one with a 2 s idle timeout for the stalled reader.
        var limits = ServerLimits()
        limits.idleTimeout = .seconds(2)
        let strict = try await LocalIndex(limits: limits)
        try await strict.addAlice(indices: [("dev", [:])])
        // A 16 MB build log: more than the socket buffers of both ends hold.
        let log: [UInt8] = (0..<(16 << 20)).map { (index: Int) -> UInt8 in
            let mixed: Int = (index &* 7_919) >> 3
            return UInt8(0x20 + mixed % 95)
        }
        let logFile = folder.path("big.log")
        try Data(log).write(to: URL(fileURLWithPath: logFile))
        let digest = try await runTool(Repository.tool("python"), ["-c", "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())", logFile])
            .output.trimmingCharacters(in: .whitespacesAndNewlines)
        let wheel = try await wheel()
        for target in [server, strict] as [LocalIndex] {
            #expect(try await upload("demo-1.0-py3-none-any.whl", wheel, fields: [("provenance", Self.provenance())], buildLog: log, to: target).status == 200)
        }
        let port = String(server.baseURL.split(separator: ":").last ?? "")
        let strictPort = String(strict.baseURL.split(separator: ":").last ?? "")
        let script = Repository.root.appendingPathComponent("Tests/Support/raw_downloads.py").path
        let path = "/alice/dev/+log/demo-1.0-py3-none-any.whl"
        let whole = "200 \(log.count) \(digest)"

        // A cached page (answered before the router) among the router's answers and files keeps its place.
        let page = "/alice/dev/+simple/demo/"
        let pageReply = try await HTTP.send(.GET, server.baseURL + page)
        let pageDigest = try await runToolSeparately(Repository.tool("python"), ["-c", "import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())"],
                                           input: pageReply.text).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let pageLine = "200 \(pageReply.body.count) \(pageDigest)"
        let pipelined = try await runTool(Repository.tool("python"), [script, "pipelined", "127.0.0.1", port, path, page, "/+api", page, path, page])
        let answers = pipelined.output.split(separator: "\n").map(String.init)
        #expect(answers.count == 6 && answers[0] == whole && answers[1] == pageLine && answers[2].hasPrefix("200 ") && answers[3] == pageLine
                && answers[4] == whole && answers[5] == pageLine, "\(pipelined.output)")
        #expect(try await runTool(Repository.tool("python"), [script, "close", "127.0.0.1", port, path]).output.trimmingCharacters(in: .whitespacesAndNewlines) == whole)
        #expect(try await runTool(Repository.tool("python"), [script, "close", "127.0.0.1", port, page]).output.trimmingCharacters(in: .whitespacesAndNewlines) == pageLine,
                "a cached page asked for with Connection: close ends the connection")

        // Nothing read for 6 s: cut off within two looks of 2 s.
        let stalled = try await runTool(Repository.tool("python"), [script, "stall", "127.0.0.1", strictPort, path, "6"]).output.split(separator: " ")
        #expect(stalled.count == 2 && stalled[1].hasPrefix("eof") && (Int(stalled[0]) ?? .max) < log.count, "\(stalled)")
        #expect(try await HTTP.send(.GET, "\(server.baseURL)\(path)").body.count == log.count)
        try await expectAlive(strict)
    }

    // MARK: 7. Authentication

    @Test("guessing is throttled per address (429, Retry-After) while the real user logs in; user names are case-insensitive")
    func authentication() async throws {
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/carol", auth: root, ["password": "carol-secret"]).status == 201)
        // 128 guesses at carol's password from one address, in parallel with curl.
        let port = String(server.baseURL.split(separator: ":").last ?? "")
        let guessers = (0..<16).map { number -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/bash")
            process.arguments = ["-c", "for i in $(seq 1 8); do curl -s -o /dev/null -w '%{http_code}\\n' --interface 127.0.0.5 -u carol:guess\(number)-$i -X PUT -H 'Content-Type: application/json' -d '{}' http://127.0.0.1:\(port)/carol/guess\(number) & done; wait"]
            let output = Pipe()
            process.standardOutput = output
            try? process.run()
            return process
        }
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        let real = try await HTTP.json(.PUT, "\(server.baseURL)/carol/real", auth: HTTP.basic("carol", "carol-secret"), [:])
        let took = ContinuousClock.now - started
        #expect(real.status == 201, "the real user logs in during the attack: \(real.status) \(real.text)")
        var codes: [String: Int] = [:]
        for process in guessers {
            let output = process.standardOutput as! Pipe
            let text = await offCooperativePool {
                process.waitUntilExit()
                return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            }
            for code in text.split(separator: "\n") { codes[String(code), default: 0] += 1 }
        }
        #expect(codes["429", default: 0] > 64, "most guesses are throttled: \(codes)")
        #expect(codes["201", default: 0] == 0)
        // More guesses, a burst of 12 at a time: each fails until the address has used up its
        // failures, then 429 with Retry-After. (Bursts, not one guess after another: on a loaded
        // machine ten sequential guesses can outlast the throttle's one-minute window.)
        var answers: [String] = []
        for round in 0..<5 where !answers.contains(where: { $0.hasPrefix("429 ") }) {
            let burst = try await runTool("/usr/bin/bash", ["-c", "for i in $(seq 1 12); do curl -s -o /dev/null -w '%{http_code} %header{retry-after}\\n' --interface 127.0.0.5 -u carol:again\(round)-$i -X PUT http://127.0.0.1:\(port)/carol/x & done; wait"])
            answers += burst.output.split(separator: "\n").map(String.init)
        }
        #expect(answers.contains { $0.hasPrefix("429 ") && Int($0.dropFirst(4)) ?? 0 > 0 }, "429 with a Retry-After in seconds: \(answers)")
        #expect(!answers.contains { $0.hasPrefix("201") })
        print("real login during 128 guesses took \(took); guesses answered \(codes)")

        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/Alice", auth: root, ["password": "x"]).status == 409, "Alice is alice")
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/alice/cased", auth: HTTP.basic("ALICE", "alice-secret"), [:]).status == 201)
        #expect(try await HTTP.send(.GET, "\(server.baseURL)/Alice/cased/+simple/").status == 200, "the index of Alice is alice's")
    }

    /// PUT /carol/NAME as `user:password` from the loopback address `from`, with curl; the status line.
    func put(_ name: String, as credentials: String, from address: String, headers: [String] = []) async throws -> String {
        let port = String(server.baseURL.split(separator: ":").last ?? "")
        let reply = try await runTool("/usr/bin/curl", ["-s", "-i", "--interface", address, "-u", credentials, "-X", "PUT",
                                                        "-H", "Content-Type: application/json", "-d", "{}"] + headers.flatMap { ["-H", $0] }
                                                       + ["http://127.0.0.1:\(port)/carol/\(name)"]).output
        return reply.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }

    @Test("a throttled address is refused the same way with the right password while the real user's login is remembered: no guessing oracle")
    func throttleIsNoOracle() async throws {
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/carol", auth: root, ["password": "carol-secret"]).status == 201)
        // The real user logs in (from 127.0.0.1): the login is remembered for a minute.
        #expect(try await put("real", as: "carol:carol-secret", from: "127.0.0.1") == "HTTP/1.1 201 Created")
        // Wrong guesses until the address is refused (10 in a minute), then the right password, then
        // a wrong one again. On a loaded machine the minute can slide past the oldest guess around
        // the right attempt; only a cycle whose guesses on both sides were refused judges it.
        var judged = false
        for cycle in 0..<3 where !judged {
            var answers: [String] = []
            for attempt in 0..<40 where answers.last?.hasPrefix("HTTP/1.1 429") != true {
                answers.append(try await put("guess\(cycle)-\(attempt)", as: "carol:guess\(attempt)", from: "127.0.0.6"))
            }
            #expect(answers.last?.hasPrefix("HTTP/1.1 429") == true, "\(answers)")
            let right = try await put("right\(cycle)", as: "carol:carol-secret", from: "127.0.0.6")
            let after = try await put("after\(cycle)", as: "carol:after", from: "127.0.0.6")
            guard after.hasPrefix("HTTP/1.1 429") else { continue }
            judged = true
            #expect(right == answers.last, "the right password from a throttled address: \(right), a wrong one: \(answers.last ?? "")")
        }
        #expect(judged, "no cycle held the address throttled around the right attempt")
        #expect(try await put("still", as: "carol:carol-secret", from: "127.0.0.1") == "HTTP/1.1 201 Created", "the real user is not locked out")
    }

    @Test("ten concurrent first logins with the right password from one address all pass: one derivation, not ten throttled")
    func concurrentFirstLogins() async throws {
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/carol", auth: root, ["password": "carol-secret"]).status == 201)
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for number in 0..<10 { group.addTask { try await self.put("parallel\(number)", as: "carol:carol-secret", from: "127.0.0.7") } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(answers.allSatisfy { $0 == "HTTP/1.1 201 Created" }, "\(answers)")
    }

    @Test("bad session keys for made-up users never count against a user; failed passwords never lock out a token from the same address")
    func throttleTables() async throws {
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/carol", auth: root, ["password": "carol-secret"]).status == 201)
        // Session keys naming carol from many addresses: not one counts against carol.
        for number in 0..<40 {
            _ = try await put("session\(number)", as: "carol:x", from: "127.0.1.\(number + 1)",
                              headers: ["X-Devpi-Auth: " + Data("carol:bogus\(number)".utf8).base64EncodedString()])
        }
        #expect(try await put("after-sessions", as: "carol:carol-secret", from: "127.0.0.8") == "HTTP/1.1 201 Created")
        // Ten failed passwords from one address, then carol's token from there.
        let carol = HTTP.basic("carol", "carol-secret")
        let token = try await token(carol).token
        var refused = false
        for attempt in 0..<40 where !refused {
            refused = try await put("fail\(attempt)", as: "carol:wrong\(attempt)", from: "127.0.0.9").hasPrefix("HTTP/1.1 429")
        }
        #expect(refused, "ten failed passwords refuse the address")
        #expect(try await put("token-after", as: "__token__:\(token)", from: "127.0.0.9") == "HTTP/1.1 201 Created",
                "a token is not throttled by password failures")
    }

    @Test("an X-Forwarded-For a trusted proxy passes that cannot be read is a 400, never the proxy's address")
    func unreadableForwardedFor() async throws {
        let behind = try await LocalIndex(trustedProxies: ["127.0.0.1"])
        let long = String(repeating: "203.0.113.7, ", count: 400)
        for header in [long, "203.0.113.7, not-an-address"] {
            let reply = try await HTTP.send(.GET, "\(behind.baseURL)/+api", headers: [("X-Forwarded-For", header)])
            #expect(reply.status == 400 && reply.text.contains("X-Forwarded-For"), "\(reply.status) \(reply.text.prefix(300))")
        }
        // Failed logins sent that way are refused before they are checked: the proxy's own address is not locked out.
        for attempt in 0..<12 {
            let guess = try await HTTP.send(.PUT, "\(behind.baseURL)/root/x\(attempt)", headers: [
                ("Authorization", HTTP.basic("root", "wrong\(attempt)")), ("Content-Type", "application/json"), ("X-Forwarded-For", long),
            ], body: Array("{}".utf8))
            #expect(guess.status == 400)
        }
        #expect(try await HTTP.json(.PUT, "\(behind.baseURL)/root/fine", auth: HTTP.basic("root", TestServer.rootPassword), [:]).status == 201)
    }

    // MARK: 8. Integrity on read

    @Test("a damaged or missing blob is a 500, never wrong bytes; wheelwright fsck finds both and exits 1")
    func integrity() async throws {
        for (name, payload) in [("damaged", "original"), ("missing", "gone")] {
            _ = try await upload("\(name)-1.0-py3-none-any.whl", try await wheel(name, "1.0", payload: payload))
        }
        func blob(_ project: String) async throws -> (url: String, path: URL) {
            let page = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/\(project)/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
            let file = try #require((page.json["files"] as? [[String: Any]])?.first)
            let sha256 = try #require((file["hashes"] as? [String: String])?["sha256"])
            return (file["url"] as? String ?? "", server.data.appendingPathComponent("blobs/\(sha256.prefix(2))/\(sha256.dropFirst(2))"))
        }
        let damaged = try await blob("damaged")
        var bytes = try Data(contentsOf: damaged.path)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: damaged.path)
        let served = try await HTTP.send(.GET, server.baseURL + damaged.url)
        #expect(served.status == 500 && served.headers["Cache-Control"].isEmpty && served.headers["ETag"].isEmpty)
        let missing = try await blob("missing")
        try FileManager.default.removeItem(at: missing.path)
        #expect(try await HTTP.send(.GET, server.baseURL + missing.url).status == 500)
        let fsck = try await runTool(Repository.wheelwright, ["fsck", "--data", server.data.path])
        #expect(fsck.status == 1, "\(fsck.output)")
        #expect(fsck.output.contains("damaged-1.0-py3-none-any.whl") && fsck.output.contains("missing-1.0-py3-none-any.whl"), "\(fsck.output)")
        try await expectAlive()
    }

    @Test("fsck says what blobs nothing refers to are and how to reclaim them; fsck --collect removes those an hour old while the server runs")
    func unreferencedBlobs() async throws {
        #expect(try await upload("demo-1.0-py3-none-any.whl", try await wheel(), index: "alice/stage").status == 200)
        let removed = try await HTTP.send(.DELETE, "\(server.baseURL)/alice/stage/demo/1.0", headers: [("Authorization", alice)])
        #expect(removed.status == 200, "\(removed.status) \(removed.text)")
        let fsck = try await runTool(Repository.wheelwright, ["fsck", "--data", server.data.path])
        #expect(fsck.status == 0 && fsck.output.contains("note: 1 blob in blobs/ belongs to no file of the catalog: files deleted from a volatile index")
                && fsck.output.contains("wheelwright fsck --collect") && fsck.output.hasSuffix("checked 0 files: all whole\n"), "\(fsck.output)")
        let young = try await runTool(Repository.wheelwright, ["fsck", "--collect", "--data", server.data.path])
        #expect(young.output.contains("removed 0 unreferenced blobs"), "an upload's blob is never an hour old before its row: \(young.output)")
        #expect(try await runTool("/usr/bin/find", [server.data.appendingPathComponent("blobs").path, "-type", "f", "-exec", "touch", "-d", "2 hours ago", "{}", "+"]).status == 0)
        let collected = try await runTool(Repository.wheelwright, ["fsck", "--collect", "--data", server.data.path])
        #expect(collected.status == 0 && collected.output.contains("removed 1 unreferenced blob and"), "\(collected.output)")
        let after = try await runTool(Repository.wheelwright, ["fsck", "--data", server.data.path])
        #expect(!after.output.contains("note:") && after.status == 0, "\(after.output)")
        try await expectAlive()
    }

    // MARK: 9. The rest

    @Test("settings are checked key by key; base cycles are named; long queries refused; headers on every response; HEAD and 405")
    func theRest() async throws {
        let unknown = try await HTTP.json(.PUT, "\(server.baseURL)/alice/x", auth: alice, ["volatil": true])
        #expect(unknown.status == 400 && unknown.text.contains("volatil"))
        let typed = try await HTTP.json(.PUT, "\(server.baseURL)/alice/x", auth: alice, ["volatile": "yes"])
        #expect(typed.status == 400 && typed.text.contains("volatile"))
        #expect(try await HTTP.json(.PUT, "\(server.baseURL)/alice/x", auth: alice, ["volatile": "True"]).status == 201)
        #expect(try await HTTP.json(.PATCH, "\(server.baseURL)/alice/dev", auth: alice, ["bases": ["alice/prod"]]).status == 200)
        let cycle = try await HTTP.json(.PATCH, "\(server.baseURL)/alice/prod", auth: alice, ["bases": ["alice/dev"]])
        #expect(cycle.status == 400 && cycle.text.contains("alice/prod → alice/dev → alice/prod"), "\(cycle.text)")
        let long = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/?filter=" + String(repeating: "a", count: 60_000), headers: [("Accept", "text/html")])
        #expect(long.status == 400 && long.text.contains("query"))
        _ = try await upload("demo-1.0-py3-none-any.whl", try await wheel())
        for path in ["/", "/alice/dev/", "/alice/dev/+simple/", "/alice/dev/+simple/demo/", "/alice/dev/demo/", "/+health", "/nowhere/x/y/z"] {
            let page = try await HTTP.send(.GET, server.baseURL + path, headers: [("Accept", "text/html")])
            #expect(page.headers["X-Content-Type-Options"] == ["nosniff"], "\(path)")
            if page.headers["Content-Type"].first?.hasPrefix("text/html") == true {
                #expect(page.headers["Content-Security-Policy"].first?.contains("default-src 'none'") == true, "\(path)")
                #expect(page.headers["X-Frame-Options"] == ["DENY"], "\(path)")
            }
            let head = try await HTTP.send(.HEAD, server.baseURL + path, headers: [("Accept", "text/html")])
            #expect(head.status == page.status && head.body.isEmpty, "HEAD \(path)")
        }
        let delete = try await HTTP.send(.DELETE, "\(server.baseURL)/alice/dev/+simple/")
        #expect(delete.status == 405 && delete.headers["Allow"].first?.contains("GET") == true)
        #expect(try await HTTP.send(.POST, "\(server.baseURL)/+health").status == 405)
    }

    @Test("an encoded NUL or control character in a path is a 400, never a shorter name's file")
    func controlCharactersInPaths() async throws {
        _ = try await upload("demo-1.0-py3-none-any.whl", try await wheel())
        let page = try await HTTP.send(.GET, "\(server.baseURL)/alice/dev/+simple/demo/", headers: [("Accept", "application/vnd.pypi.simple.v1+json")])
        let link = try #require((page.json["files"] as? [[String: Any]])?.first?["url"] as? String)
        let url = server.baseURL + (link.split(separator: "#").first.map(String.init) ?? link)
        #expect(try await HTTP.send(.GET, url).status == 200, "\(url)")
        for suffix in ["%00", "%00.evil", "%0a", "%1b", "%7f"] {
            let reply = try await HTTP.send(.GET, url + suffix)
            #expect(reply.status == 400 && reply.text.contains("control character"), "\(suffix): \(reply.status)")
        }
        try await expectAlive()
    }

    @Test("the data directory and an export are private to their owner whatever the umask: 0700 folders, a 0600 catalog")
    func privateModes() async throws {
        func mode(_ path: String) throws -> Int {
            try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(server.data.path) == 0o700 && mode(server.data.appendingPathComponent("catalog.sqlite").path) == 0o600)
        let export = folder.path("export")
        let exported = try await runToolSeparately("/bin/sh", ["-c", "umask 000; exec \"$0\" export \"$1\" --data \"$2\"", Repository.wheelwright,
                                                               export, server.data.path])
        #expect(exported.status == 0, "\(exported.errors)")
        let (folderMode, catalogMode) = (try mode(export), try mode(export + "/catalog.sqlite"))
        #expect(folderMode == 0o700 && catalogMode == 0o600, "\(String(folderMode, radix: 8)) \(String(catalogMode, radix: 8))")
    }

    @Test("a full disk is a 507 with a message, leaves nothing half-written, and the server goes on")
    func fullDisk() async throws {
        let mount = folder.url.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        guard try await runTool("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", mount.path]).status == 0 else {
            Issue.record("cannot mount a small tmpfs (the tests run as root)")
            return
        }
        defer { Task { _ = try? await runTool("/usr/bin/umount", ["-l", mount.path]) } }
        let small = try await TestServer(data: mount.appendingPathComponent("data"))
        try await small.addAlice(indices: [("dev", [:])])
        let filler = mount.appendingPathComponent("filler")
        _ = try await runTool("/usr/bin/dd", ["if=/dev/zero", "of=\(filler.path)", "bs=4k"])
        let form = HTTP.uploadForm(filename: "demo-1.0-py3-none-any.whl", content: try await wheel(payload: String(repeating: "p", count: 100_000)))
        let reply = try await HTTP.send(.POST, "\(small.baseURL)/alice/dev/", headers: [("Authorization", alice), ("Content-Type", form.contentType)], body: form.body)
        #expect(reply.status == 507 && reply.text.contains("disk is full"), "\(reply.status) \(reply.text)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: small.data.appendingPathComponent("tmp").path)
        #expect(leftovers.isEmpty)
        #expect(try await HTTP.send(.GET, "\(small.baseURL)/+health").status == 200)
        try FileManager.default.removeItem(at: filler)
        let again = try await HTTP.send(.POST, "\(small.baseURL)/alice/dev/", headers: [("Authorization", alice), ("Content-Type", form.contentType)], body: form.body)
        #expect(again.status == 200, "once space is freed the same upload is stored: \(again.status) \(again.text)")
        small.stop()
    }
}

/// A small deterministic generator (SplitMix64), so that a failing random case can be replayed.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(upTo bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        return Int(value % UInt64(bound))
    }
}
