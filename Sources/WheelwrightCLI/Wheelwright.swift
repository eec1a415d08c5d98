import ArgumentParser
import Basics
import Foundation
import Workspace

/// The `wheelwright` command tree. Each subcommand reads its inputs, calls the libraries and
/// prints; the rules live in the libraries.
public struct Wheelwright: AsyncParsableCommand {
    public static let version = WheelwrightVersion.current

    public static let configuration = CommandConfiguration(
        commandName: "wheelwright",
        abstract: "Build wheels for a company's whitelisted Python packages and serve them from a non-volatile index.",
        version: version,
        subcommands: [WhitelistCommand.self, Fetch.self, Wheelhouse.self, RunnerCommand.self, PlanCommand.self, Build.self, Audit.self, Serve.self, Fsck.self, UserCommand.self, IndexCommand.self, TokenCommand.self, Yank.self, DocsCommand.self, Status.self, Push.self, ImportDevpi.self, Export.self, Import.self, AdminCommand.self, Passwd.self, RenderDescription.self, Why.self]
    )

    public init() {}

    /// Runs the command the arguments name. A config file with errors exits 2 from every
    /// command, as a whitelist with errors does: a file must be fixed, nothing was done.
    /// A value refused once the arguments parsed (a password file others may read, no password
    /// on stdin) is its message and where to read about the command, exit 64: not the whole
    /// tree's usage, which ArgumentParser would print for an error the command's `run` throws.
    public static func mainMappingErrors() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigFileError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(2)
        } catch let error as ValidationError {
            let path = commandPath(of: type(of: command), in: CommandLine.arguments.dropFirst())
            FileHandle.standardError.write(Data("Error: \(error.message)\nSee 'wheelwright \(path) --help'.\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }

    /// The subcommand names the arguments gave up to `command`'s (`whitelist add`).
    static func commandPath(of command: any ParsableCommand.Type, in arguments: ArraySlice<String>) -> String {
        let name = command._commandName
        let leading = arguments.prefix { !$0.hasPrefix("-") }
        guard let end = leading.firstIndex(of: name) else { return name }
        return leading[...end].joined(separator: " ")
    }
}
