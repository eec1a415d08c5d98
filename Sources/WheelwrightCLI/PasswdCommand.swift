import ArgumentParser
import IndexAPI
import IndexClient

extension Wheelwright {
    /// devpi's `passwd`: a user's new password, through the server.
    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a password: your own (--user), or another user's as root.",
            discussion: """
                The new password is asked twice on a terminal, or read from the first line of standard input; the \
                current credentials come from --password-file or WHEELWRIGHT_PASSWORD. The user's devpi sessions end.
                """
        )
        @OptionGroup var server: ServerOptions
        @Argument(help: "Whose password (default: --user).") var name: String?

        func run() async throws {
            let client = try server.client()
            guard let whose = name ?? (client.user.isEmpty ? nil : client.user) else {
                throw ValidationError("name the user, or log in as them with --user")
            }
            let password = try PasswordInput.read(for: whose)
            try await client.updateUser(whose, UserRequest(password: password))
            print("the password of \(whose) is changed")
        }
    }
}
