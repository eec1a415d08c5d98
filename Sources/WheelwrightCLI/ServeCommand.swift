import ArgumentParser
import Foundation
import IndexServer

extension Wheelwright {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the non-volatile package index (simple API, uploads, management).",
            discussion: """
                On first start the user root is created, with the password in WHEELWRIGHT_ROOT_PASSWORD \
                or a generated one that is printed once. Stops gracefully on SIGTERM or SIGINT.
                """
        )

        @Option(help: "The data directory (catalog.sqlite, blobs/, tmp/).")
        var data: String = Wheelwright.defaultDataDirectory

        @Option(help: "The address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on (0: any free port; the line 'listening on' says which).")
        var port = 4040

        @Option(help: "The largest upload accepted, in megabytes.")
        var maxUploadMB = 2048

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
            guard maxUploadMB > 0 else { throw ValidationError("--max-upload-mb must be positive") }
        }

        func run() async throws {
            var configuration = ServerConfiguration(host: host, port: port)
            configuration.limits.maximumUploadSize = Int64(maxUploadMB) << 20
            let rootPassword = ProcessInfo.processInfo.environment["WHEELWRIGHT_ROOT_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
            try await runServer(directory: URL(fileURLWithPath: data), configuration: configuration, rootPassword: rootPassword)
        }
    }

    /// `$XDG_DATA_HOME/wheelwright`, else `~/.local/share/wheelwright`.
    static var defaultDataDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/wheelwright" }
        return (environment["HOME"] ?? "/tmp") + "/.local/share/wheelwright"
    }
}
