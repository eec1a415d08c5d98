import ArgumentParser
import Foundation
import IndexAPI
import IndexClient

extension Wheelwright {
    /// The release workflow: promote what was tried in a volatile staging index into a
    /// non-volatile production index, as `devpi push` does.
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a release from one index into another (devpi's push): staging → production.",
            discussion: """
                The release's files (the source index's own) are added to the target by reference, under the \
                target's rules: files already there with the same bytes are no change; other bytes under the same \
                name on a non-volatile target are refused (exit 1, nothing copied). Needs upload rights on the target.
                """
        )

        @Argument(help: "NAME==VERSION")
        var release: String

        @Argument(help: "The source index, USER/INDEX.")
        var source: String

        @Argument(help: "The target index, USER/INDEX.")
        var target: String

        @OptionGroup var server: ServerOptions

        func validate() throws {
            let parts = release.components(separatedBy: "==")
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("expected NAME==VERSION, got '\(release)'") }
            for index in [source, target] where index.split(separator: "/").count != 2 {
                throw ValidationError("expected USER/INDEX, got '\(index)'")
            }
        }

        func run() async throws {
            let parts = release.components(separatedBy: "==")
            for entry in try await server.client().push(parts[0], version: parts[1], from: source, to: target) {
                print(([String(entry.status)] + entry.words).joined(separator: " "))
            }
        }
    }
}
