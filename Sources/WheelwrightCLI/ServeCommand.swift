import ArgumentParser
import Foundation
import IndexServer
import SiteConfiguration
import Workspace

extension Wheelwright {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the non-volatile package index (simple API, uploads, management).",
            discussion: """
                On first start the user root is created, with the password in WHEELWRIGHT_ROOT_PASSWORD \
                or a generated one that is printed once. Stops gracefully on SIGTERM or SIGINT.
                """
        )

        @Option(help: "The data directory (catalog.sqlite, blobs/, tmp/); with --catalog, the blob folder every replica shares.")
        var data: String = DefaultFolders.index

        @OptionGroup(title: "Replicas: a catalog on PostgreSQL")
        var catalogOptions: CatalogOptions

        @Option(help: "The address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on (0: any free port; the line 'listening on' says which).")
        var port = 4040

        @Option(help: "The largest upload accepted, in megabytes.")
        var maxUploadMB = 2048

        @Option(help: "The URL clients reach the index at behind a proxy, perhaps under a path (https://host/pypi): every link and the pip command pages show; default http://HOST:PORT.")
        var outsideURL: String?

        @Option(name: .customLong("trusted-proxy"), help: "A reverse proxy's IP address whose X-Forwarded-For and X-Request-Id are believed (repeatable).")
        var trustedProxies: [String] = []

        @Option(help: "Open connections at most; beyond, the longest-idle one is closed, or the new one gets 503.")
        var maxConnections = 2048

        @Option(help: "Seconds a connection may send nothing (before a request, between requests, inside a body) before it is closed.")
        var idleTimeout = 30

        @Option(help: "Megabytes of rendered pages kept in memory.")
        var pageCacheMB = 64

        @Option(help: "The config file whose whitelists:, containers: and cooldown: gated mirrors show (else env WHEELWRIGHT_CONFIG; never the working folder's). Its whitelist files are read again when they change.")
        var config: String?

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
            guard (1...1_048_576).contains(maxUploadMB) else { throw ValidationError("--max-upload-mb must be 1 to 1048576") }
            guard (16...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be 16 to 1000000") }
            guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1 to 3600 seconds") }
            guard (0...65536).contains(pageCacheMB) else { throw ValidationError("--page-cache-mb must be 0 to 65536") }
            if let outsideURL, OutsideURL(outsideURL) == nil {
                throw ValidationError("--outside-url must be an http:// or https:// URL with a host and at most a plain path (https://packages.example.com/pypi), found '\(outsideURL)'")
            }
            if let bad = trustedProxies.first(where: { ClientAddress.canonical($0) == nil }) {
                throw ValidationError("--trusted-proxy takes an IP address (127.0.0.1, ::1), found '\(bad)'")
            }
        }

        func run() async throws {
            var configuration = ServerConfiguration(host: host, port: port)
            configuration.descriptionRenderer = "/proc/self/exe"
            configuration.outsideURL = outsideURL.flatMap(OutsideURL.init)
            configuration.trustedProxies = Set(trustedProxies.compactMap(ClientAddress.canonical))
            configuration.limits.maximumUploadSize = Int64(maxUploadMB) << 20
            configuration.limits.maximumConnections = maxConnections
            configuration.limits.idleTimeout = .seconds(idleTimeout)
            configuration.limits.pageCacheBytes = pageCacheMB << 20
            // Named only: a service takes no path from its working folder.
            if let file = SettingSources.process.value(config, variable: "WHEELWRIGHT_CONFIG") {
                let site = try ConfigFile.load(flag: file)
                if let paths = site.whitelists {
                    configuration.whitelist = ServedWhitelist(paths: paths, containers: site.containers, cooldown: site.cooldown ?? .none)
                }
            }
            let rootPassword = SettingSources.process.variable("WHEELWRIGHT_ROOT_PASSWORD")
            try await runServer(directory: try catalogOptions.existingIndexFolder(data), database: try catalogOptions.database(), configuration: configuration,
                                rootPassword: rootPassword)
        }
    }
}
