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
    public static func mainMappingErrors() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigFileError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(2)
        } catch {
            exit(withError: error)
        }
    }
}
