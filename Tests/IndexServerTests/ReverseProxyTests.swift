import Foundation
import TestSupport
import Testing

/// The shipped nginx site (`deploy/nginx-wheelwright.conf`) in front of the real server, with
/// TLS and the index under `/pypi/`: twine uploads, pip and uv install, and the pages show the
/// outside URL. Only the site's ports, upstream and certificate are changed for the test.
@Suite(.serialized, .timeLimit(.minutes(5)))
final class ReverseProxyTests {
    let folder: TemporaryFolder
    let httpsPort: Int
    let server: TestServer
    let nginx: Process
    var outside: String { "https://127.0.0.1:\(httpsPort)/pypi" }
    /// The CA the clients trust (the proxy's certificate is in cert.pem).
    var certificate: String { folder.path("ca.pem") }
    /// The clients trust the test CA alone (the machine may name its own bundle in these, and
    /// requests lets REQUESTS_CA_BUNDLE win over twine's --cert).
    var trust: [String: String] {
        ["REQUESTS_CA_BUNDLE": certificate, "SSL_CERT_FILE": certificate, "CURL_CA_BUNDLE": certificate, "SSL_CERT_DIR": folder.path("none")]
    }

    init() async throws {
        folder = try TemporaryFolder()
        httpsPort = try freePort()
        let httpPort = try freePort()
        server = try TestServer(arguments: ["--outside-url", "https://127.0.0.1:\(httpsPort)/pypi", "--trusted-proxy", "127.0.0.1"])
        // A test CA and the proxy's certificate, as a company's internal CA would issue it.
        try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: folder.path("leaf.ext"), atomically: true, encoding: .utf8)
        for step in [["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=wheelwright test CA",
                      "-keyout", folder.path("ca.key"), "-out", folder.path("ca.pem")],
                     ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", folder.path("key.pem"), "-out", folder.path("leaf.csr")],
                     ["x509", "-req", "-in", folder.path("leaf.csr"), "-CA", folder.path("ca.pem"), "-CAkey", folder.path("ca.key"), "-CAcreateserial",
                      "-days", "1", "-extfile", folder.path("leaf.ext"), "-out", folder.path("cert.pem")]] {
            let made = try await runTool("/usr/bin/openssl", step)
            guard made.status == 0 else { throw TestFailure("openssl: \(made.output)") }
        }

        var site = try String(contentsOf: Repository.root.appendingPathComponent("deploy/nginx-wheelwright.conf"), encoding: .utf8)
        let serverPort = server.baseURL.split(separator: ":").last.map(String.init) ?? ""
        for (shipped, local) in [("server 127.0.0.1:4040;", "server 127.0.0.1:\(serverPort);"),
                                 ("    listen [::]:80;\n", ""), ("    listen [::]:443 ssl http2;\n", ""),
                                 ("listen 80;", "listen 127.0.0.1:\(httpPort);"), ("listen 443 ssl http2;", "listen 127.0.0.1:\(httpsPort) ssl http2;"),
                                 ("/etc/ssl/certs/packages.example.com.pem", folder.path("cert.pem")),
                                 ("/etc/ssl/private/packages.example.com.key", folder.path("key.pem"))] {
            guard site.contains(shipped) else { throw TestFailure("the shipped nginx site no longer has '\(shipped)': update this test") }
            site = site.replacingOccurrences(of: shipped, with: local)
        }
        try site.write(toFile: folder.path("site.conf"), atomically: true, encoding: .utf8)
        // What Debian's /etc/nginx/nginx.conf gives a site, in the test's own folder.
        let main = """
            user root; daemon off; worker_processes 1; pid \(folder.path("nginx.pid")); error_log \(folder.path("error.log"));
            events { worker_connections 256; }
            http {
                access_log \(folder.path("access.log"));
                client_body_temp_path \(folder.path("body")); proxy_temp_path \(folder.path("proxy"));
                fastcgi_temp_path \(folder.path("fastcgi")); uwsgi_temp_path \(folder.path("uwsgi")); scgi_temp_path \(folder.path("scgi"));
                include \(folder.path("site.conf"));
            }
            """
        try main.write(toFile: folder.path("nginx.conf"), atomically: true, encoding: .utf8)
        nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = ["-c", folder.path("nginx.conf"), "-p", folder.url.path]
        nginx.standardError = FileHandle.nullDevice
        try nginx.run()
        for _ in 0..<100 {
            if try await runTool("/usr/bin/curl", ["-s", "-o", "/dev/null", "--cacert", certificate, "\(outside)/+health"]).status == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("nginx did not answer: \((try? String(contentsOfFile: folder.path("error.log"), encoding: .utf8)) ?? "")")
    }

    deinit {
        nginx.terminate()
        nginx.waitUntilExit()
    }

    func curl(_ arguments: [String]) async throws -> String {
        try await runToolSeparately("/usr/bin/curl", ["-s", "--cacert", certificate] + arguments, environment: trust).output
    }

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
