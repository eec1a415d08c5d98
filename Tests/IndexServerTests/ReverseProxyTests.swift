import Foundation
import TestSupport
import Testing

/// The shipped nginx site (`deploy/nginx-wheelwright.conf`) in front of the real server, with
/// TLS and the index under `/pypi/`: twine uploads, pip and uv install, and the pages show the
/// outside URL. Only the site's ports, upstream and certificate are changed for the test.
@Suite(.serialized, .timeLimit(.minutes(5)))
final class ReverseProxyTests {
    let server: TestServer
    let nginx: TestNginx
    var folder: TemporaryFolder { nginx.folder }
    var outside: String { nginx.outside }
    var certificate: String { nginx.certificate }
    var trust: [String: String] { nginx.trust }

    init() async throws {
        let httpsPort = try freePort()
        server = try await TestServer(arguments: ["--outside-url", "https://127.0.0.1:\(httpsPort)/pypi", "--trusted-proxy", "127.0.0.1"])
        let serverPort = server.baseURL.split(separator: ":").last.map(String.init) ?? ""
        nginx = try await TestNginx(httpsPort: httpsPort, substitutions: [("server 127.0.0.1:4040;", "server 127.0.0.1:\(serverPort);")])
    }

    func curl(_ arguments: [String]) async throws -> String { try await nginx.curl(arguments) }

    @Test("through nginx under /pypi/ with TLS: twine uploads, pip and uv install, pages and redirects carry the outside URL")
    func proxied() async throws {
        try await server.addAlice(indices: [("dev", ["volatile": false])])
        let wheel = try await makeDistribution(in: folder, "proxied", "1.0")
        let upload = try await runTool(Repository.tool("twine"), ["upload", "--disable-progress-bar", "--repository-url", "\(outside)/alice/dev/",
                                                                   "--cert", certificate, "-u", "alice", wheel],
                                       environment: trust.merging(["TWINE_PASSWORD": "alice-secret"]) { $1 })
        #expect(upload.status == 0, "\(upload.output)")
        let big = try await makeDistribution(in: folder, "proxied-big", "1.0", payloadSize: 24 << 20)
        let bigUpload = try await runTool(Repository.tool("twine"), ["upload", "--disable-progress-bar", "--repository-url", "\(outside)/alice/dev/",
                                                                      "--cert", certificate, "-u", "alice", big],
                                          environment: trust.merging(["TWINE_PASSWORD": "alice-secret"]) { $1 })
        #expect(bigUpload.status == 0, "a 24 MB upload through the proxy: \(bigUpload.output)")

        let pip = try await runTool(Repository.tool("pip"), ["install", "--target", folder.path("pip"), "--no-deps", "--index-url",
                                                             "\(outside)/alice/dev/+simple/", "--cert", certificate, "proxied"], environment: trust)
        #expect(pip.status == 0 && FileManager.default.fileExists(atPath: folder.path("pip/proxied")), "\(pip.output)")
        let uv = try await runTool(Repository.tool("uv"), ["pip", "install", "--target", folder.path("uv"), "--no-deps", "--index-url",
                                                           "\(outside)/alice/dev/+simple/", "proxied"],
                                   environment: trust.merging(["UV_NATIVE_TLS": "1", "UV_NO_CACHE": "1"]) { $1 })
        #expect(uv.status == 0 && FileManager.default.fileExists(atPath: folder.path("uv/proxied")), "\(uv.output)")

        // The simple API's file links, the pages' links and the pip command, all under the prefix.
        let simple = try await curl(["\(outside)/alice/dev/+simple/proxied/"])
        #expect(simple.contains("href=\"/pypi/alice/dev/+f/"), "\(simple)")
        let page = try await curl(["-H", "Accept: text/html", "\(outside)/alice/dev/"])
        #expect(page.contains("pip install -i \(outside)/alice/dev/+simple/ NAME"), "\(page)")
        #expect(page.contains("href=\"/pypi/alice/dev/proxied/\"") && page.contains("href=\"/pypi/+static/style.css\""), "\(page)")
        #expect(!page.contains("href=\"/alice") && !page.contains("href=\"/+"), "a link outside the prefix: \(page)")
        let project = try await curl(["-H", "Accept: text/html", "\(outside)/alice/dev/proxied/"])
        #expect(project.contains("href=\"/pypi/alice/dev/+f/") && !project.contains("href=\"/alice"), "\(project)")
        let style = try await runToolSeparately("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certificate, "\(outside)/+static/style.css"])
        #expect(style.output == "200")
        let redirect = try await curl(["-o", "/dev/null", "-w", "%{redirect_url}", "\(outside)/alice/dev/+simple/Proxied/"])
        #expect(redirect == "\(outside)/alice/dev/+simple/proxied/", "\(redirect)")
        // The request log has the user, and nginx's request id (32 hex digits) as the request's.
        let log = try String(contentsOf: server.log, encoding: .utf8)
        #expect(log.split(separator: "\n").contains { $0.hasSuffix("POST /alice/dev/") && $0.contains("user=alice") && $0.contains("status=200") && $0.firstMatch(of: #/request_id=[0-9a-f]{32} /#) != nil },
                "\(log)")
    }
}
