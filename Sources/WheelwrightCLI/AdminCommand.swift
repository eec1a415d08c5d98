import ArgumentParser
import Foundation
import IndexStore

#if canImport(Glibc)
import Glibc
#endif

extension Wheelwright {
    /// What the operator does on the machine that holds the data directory, without a login.
    struct AdminCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "admin", abstract: "Operate on a data directory directly, on its machine.", subcommands: [ResetPassword.self]
        )

        struct ResetPassword: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "reset-password",
                abstract: "Set a user's password without logging in: a lost root password, or a user imported from devpi.",
                discussion: """
                    Reads the new password from the terminal (asked twice, not echoed) or, when standard input is \
                    not a terminal, its first line — never from the command line, where `ps` would show it. Ends \
                    the user's devpi sessions. Safe while `wheelwright serve` runs on the same data directory.
                    """
            )

            @Argument(help: "The user.") var user: String

            @Option(help: "The data directory (what wheelwright serve --data uses).")
            var data: String = Wheelwright.defaultDataDirectory

            func run() throws {
                let service = try IndexService(directory: URL(fileURLWithPath: data))
                try service.resetPassword(of: user, to: try Self.readPassword(for: user))
                print("the password of \(user) in \(data) is set")
            }

            static func readPassword(for user: String) throws -> String {
                guard isatty(STDIN_FILENO) == 1 else {
                    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                        throw ValidationError("no password on standard input: pipe one line, e.g. from a file of mode 0600")
                    }
                    return line
                }
                guard let first = getpass("New password for \(user): ").map({ String(cString: $0) }), !first.isEmpty,
                      let second = getpass("Again: ").map({ String(cString: $0) }) else {
                    throw ValidationError("no password given")
                }
                guard first == second else { throw ValidationError("the two passwords differ; nothing changed") }
                return first
            }
        }
    }
}
