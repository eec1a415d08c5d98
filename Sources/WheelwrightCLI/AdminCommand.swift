import ArgumentParser
import Foundation
import IndexStore
import Workspace

extension Wheelwright {
    /// What the operator does on the machine that holds the data directory, without a login.
    struct AdminCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "admin", abstract: "Operate on a data directory directly, on its machine.", subcommands: [ResetPassword.self]
        )

        struct ResetPassword: AsyncParsableCommand {
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
            var data: String = DefaultFolders.index

            @OptionGroup var catalogOptions: CatalogOptions

            func run() async throws {
                let service = try await IndexService(directory: try catalogOptions.existingIndexFolder(data), database: try catalogOptions.database())
                try await service.resetPassword(of: user, to: try PasswordInput.read(for: user))
                print("the password of \(user) in \(data) is set")
            }
        }
    }
}
