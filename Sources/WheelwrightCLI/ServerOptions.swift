import ArgumentParser
import Builder
import Foundation
import IndexClient

/// How a command reaches a server: `--server`, and `--user` with a password or a token. A secret
/// never comes from the command line, where every user of the machine can read it (`ps`): it is
/// in a file of mode 0600 (`--password-file`, `--token-file`) or in the environment.
struct ServerOptions: ParsableArguments {
    @Option(help: "The index server (env WHEELWRIGHT_SERVER; default \(BuildRunSettings.defaultServer)).")
    var server: String?

    @Option(help: "User name (env WHEELWRIGHT_USER).")
    var user: String = ProcessInfo.processInfo.environment["WHEELWRIGHT_USER"] ?? ""

    @Option(help: "A file (mode 0600) whose first line is the user's password (else env WHEELWRIGHT_PASSWORD).")
    var passwordFile: String?

    @Option(help: "A file (mode 0600) whose first line is an API token, instead of user and password (else env WHEELWRIGHT_TOKEN).")
    var tokenFile: String?

    /// The flag, else the environment, else `configured` (the config file's), else the default.
    func address(configured: String? = nil) -> String {
        server ?? ProcessInfo.processInfo.environment["WHEELWRIGHT_SERVER"] ?? configured ?? BuildRunSettings.defaultServer
    }

    func client(configured: String? = nil) throws -> IndexClient {
        let environment = ProcessInfo.processInfo.environment
        let password = try passwordFile.map { try SecretFile.read($0, what: "--password-file") } ?? environment["WHEELWRIGHT_PASSWORD"] ?? ""
        let token = try tokenFile.map { try SecretFile.read($0, what: "--token-file") } ?? environment["WHEELWRIGHT_TOKEN"] ?? ""
        return IndexClient(server: address(configured: configured), user: user, password: password, token: token)
    }
}
