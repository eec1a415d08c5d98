import ArgumentParser
import Builder
import Foundation
import IndexClient

/// How a command reaches a server: `--server`, and `--user`/`--password` or `--token`, each
/// also from the environment.
struct ServerOptions: ParsableArguments {
    @Option(help: "The index server (env WHEELWRIGHT_SERVER; default \(BuildRunSettings.defaultServer)).")
    var server: String?

    @Option(help: "User name (env WHEELWRIGHT_USER).")
    var user: String = ProcessInfo.processInfo.environment["WHEELWRIGHT_USER"] ?? ""

    @Option(help: "Password (env WHEELWRIGHT_PASSWORD).")
    var password: String = ProcessInfo.processInfo.environment["WHEELWRIGHT_PASSWORD"] ?? ""

    @Option(help: "API token, instead of user and password (env WHEELWRIGHT_TOKEN).")
    var token: String = ProcessInfo.processInfo.environment["WHEELWRIGHT_TOKEN"] ?? ""

    /// The flag, else the environment, else `configured` (the config file's), else the default.
    func address(configured: String? = nil) -> String {
        server ?? ProcessInfo.processInfo.environment["WHEELWRIGHT_SERVER"] ?? configured ?? BuildRunSettings.defaultServer
    }

    func client(configured: String? = nil) -> IndexClient {
        IndexClient(server: address(configured: configured), user: user, password: password, token: token)
    }
}
