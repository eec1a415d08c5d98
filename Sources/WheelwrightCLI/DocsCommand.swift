import ArgumentParser
import Foundation
import IndexClient

extension Wheelwright {
    struct DocsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "docs", abstract: "A release's documentation on an index.", subcommands: [Upload.self]
        )

        struct Upload: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Upload a zip of built HTML as a release's documentation (devpi's upload --with-docs).",
                discussion: "Served at /USER/INDEX/NAME/VERSION/+doc/ and /USER/INDEX/NAME/latest/+doc/. The same zip again is no change; another on a non-volatile index is refused (409)."
            )
            @OptionGroup var server: ServerOptions
            @Argument(help: "USER/INDEX") var index: String
            @Argument(help: "The project's name.") var name: String
            @Argument(help: "The release's version.") var version: String
            @Argument(help: "The zip of built HTML (index.html at its top).") var zip: String

            func validate() throws {
                guard index.split(separator: "/").count == 2 else { throw ValidationError("expected USER/INDEX, got '\(index)'") }
            }

            func run() async throws {
                guard let bytes = FileManager.default.contents(atPath: zip) else { throw ValidationError("cannot read \(zip)") }
                try await server.client().upload(DocsUpload(name: name, version: version, zip: [UInt8](bytes)), to: index)
                print("uploaded the documentation of \(name) \(version) to \(index)")
            }
        }
    }
}
