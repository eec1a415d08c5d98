import ArgumentParser
import Builder
import Foundation
import IndexClient
import SiteConfiguration
import Workspace

/// How a command reaches a server: `--server`, and `--user` with a password or a token; each
/// from the flag, else the environment, else the config file (`WHEELWRIGHT_CONFIG` or
/// `./wheelwright.yaml`: `server`, `user`, `password-file`, `token-file`). A secret never comes
/// from the command line, where every user of the machine can read it (`ps`): it is in a file of
/// mode 0600 or in the environment.
struct ServerOptions: ParsableArguments {
    @Option(help: "The index server (env WHEELWRIGHT_SERVER; default \(BuildRunSettings.defaultServer)).")
    var server: String?

    @Option(help: "User name (env WHEELWRIGHT_USER).")
    var user: String?

    @Option(help: "A file (mode 0600) whose first line is the user's password (else env WHEELWRIGHT_PASSWORD).")
    var passwordFile: String?

    @Option(help: "A file (mode 0600) whose first line is an API token, instead of user and password (else env WHEELWRIGHT_TOKEN).")
    var tokenFile: String?

    /// The flag, else the environment, else `configured` (the config file's), else the default.
    func address(configured: String? = nil) -> String {
        SettingSources.process.value(server, variable: "WHEELWRIGHT_SERVER", file: configured) ?? BuildRunSettings.defaultServer
    }

    /// The user named by the flag, the environment or the config file; nil when none does.
    func userName(configured: BuildConfiguration) -> String? {
        let named = SettingSources.process.value(user, variable: "WHEELWRIGHT_USER", file: configured.user)
        return named?.isEmpty == false ? named : nil
    }

    /// A client with these options over `configured` (by default the config file the environment
    /// names, if any).
    func client(configured: BuildConfiguration? = nil) throws -> IndexClient {
        let file = try configured ?? ConfigFile.load(flag: nil)
        let sources = SettingSources.process
        let password = try (passwordFile.map { try SecretFile.read($0, what: "--password-file") } ?? sources.variable("WHEELWRIGHT_PASSWORD"))
            ?? file.passwordFile.map { try SecretFile.read($0, what: "the config file's password-file") } ?? ""
        let token = try (tokenFile.map { try SecretFile.read($0, what: "--token-file") } ?? sources.variable("WHEELWRIGHT_TOKEN"))
            ?? file.tokenFile.map { try SecretFile.read($0, what: "the config file's token-file") } ?? ""
        return IndexClient(server: address(configured: file.server), user: userName(configured: file) ?? "", password: password, token: token)
    }
}
