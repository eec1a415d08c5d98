import Foundation

/// Debian's nginx running the shipped site (`deploy/nginx-wheelwright.conf`) for a test, with
/// TLS from a test CA and the index under `/pypi/`. Only listen addresses, the certificate and
/// what the caller names are changed; a test fails when the shipped text it changes is gone.
public final class TestNginx: @unchecked Sendable {
    public let folder: TemporaryFolder
    public let httpsPort: Int
    private let process: Process
    public var outside: String { "https://127.0.0.1:\(httpsPort)/pypi" }
    /// The CA the clients trust (the proxy's certificate is in cert.pem).
    public var certificate: String { folder.path("ca.pem") }
    /// The clients trust the test CA alone (the machine may name its own bundle in these, and
    /// requests lets REQUESTS_CA_BUNDLE win over twine's --cert).
    public var trust: [String: String] {
        ["REQUESTS_CA_BUNDLE": certificate, "SSL_CERT_FILE": certificate, "CURL_CA_BUNDLE": certificate, "SSL_CERT_DIR": folder.path("none")]
    }
    public var accessLog: String { folder.path("access.log") }
    public var errorLog: String { folder.path("error.log") }

    /// `httpsPort` must be reserved by the caller (the servers behind need the outside URL first).
    public init(httpsPort: Int, substitutions: [(shipped: String, local: String)]) async throws {
        folder = try TemporaryFolder()
        self.httpsPort = httpsPort
        let httpPort = try freePort()
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
        for (shipped, local) in substitutions + [
            ("    listen [::]:80;\n", ""), ("    listen [::]:443 ssl http2;\n", ""),
            ("listen 80;", "listen 127.0.0.1:\(httpPort);"), ("listen 443 ssl http2;", "listen 127.0.0.1:\(httpsPort) ssl http2;"),
            ("/etc/ssl/certs/packages.example.com.pem", folder.path("cert.pem")),
            ("/etc/ssl/private/packages.example.com.key", folder.path("key.pem")),
        ] {
            guard site.contains(shipped) else { throw TestFailure("the shipped nginx site no longer has '\(shipped)': update this test") }
            site = site.replacingOccurrences(of: shipped, with: local)
        }
        try site.write(toFile: folder.path("site.conf"), atomically: true, encoding: .utf8)
        // What Debian's /etc/nginx/nginx.conf gives a site, in the test's own folder.
        let main = """
            user root; daemon off; worker_processes 1; pid \(folder.path("nginx.pid")); error_log \(folder.path("error.log"));
            events { worker_connections 1024; }
            http {
                access_log \(folder.path("access.log"));
                client_body_temp_path \(folder.path("body")); proxy_temp_path \(folder.path("proxy"));
                fastcgi_temp_path \(folder.path("fastcgi")); uwsgi_temp_path \(folder.path("uwsgi")); scgi_temp_path \(folder.path("scgi"));
                include \(folder.path("site.conf"));
            }
            """
        try main.write(toFile: folder.path("nginx.conf"), atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-c", folder.path("nginx.conf"), "-p", folder.url.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if try await runTool("/usr/bin/curl", ["-s", "-o", "/dev/null", "--cacert", certificate, "\(outside)/+health"]).status == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("nginx did not answer: \((try? String(contentsOfFile: folder.path("error.log"), encoding: .utf8)) ?? "")")
    }

    /// `curl -s` through the proxy, trusting the test CA.
    public func curl(_ arguments: [String]) async throws -> String {
        try await runToolSeparately("/usr/bin/curl", ["-s", "--cacert", certificate] + arguments, environment: trust).output
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}
