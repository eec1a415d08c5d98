import ArgumentParser
import Builder
import Foundation
import PythonPackaging
import Upstream
import Whitelist

extension Wheelwright.WhitelistCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Request a package: resolve it upstream and add it to a whitelist file.",
            discussion: """
                NAME alone takes the newest final release that has an sdist; NAME==VERSION that version; \
                NAME with a specifier (NAME>=2,<3) the newest release it admits. Records the license and \
                project URL from the package's metadata, inserts the entry in its sorted place keeping \
                the rest of the file byte for byte, lints the result and prints the change. Refuses \
                projects or versions that do not exist, have no sdist, or are denied.
                """
        )

        @Argument(help: "NAME, NAME==VERSION or NAME followed by a specifier.")
        var requirement: String

        @Option(help: "The whitelist file to edit.")
        var file = "whitelists/opensource.yaml"

        @Option(help: "Who asks for it.")
        var requestedBy: String?

        @Option(help: "Why the company needs it.")
        var reason: String?

        @Option(help: "Targets, comma-separated (default: the file's defaults).")
        var targets: String?

        @OptionGroup var upstream: UpstreamOptions

        @Option(help: "The folder of target definitions.")
        var containers = "containers"

        @Flag(help: "Allow pre-releases when choosing the newest version.")
        var prereleases = false

        func run() async throws {
            let request = try PackageRequest(parsing: requirement)
            let client = UpstreamClient(indices: upstream.urls)
            let (page, index) = try await client.page(of: request.name.original)
            let version = try request.choose(offered: UpstreamClient.versions(in: page, sdistOnly: true), prereleases: prereleases)
            let sdist = try UpstreamClient.sdist(in: page, name: request.name.original, version: version, index: index)
            let metadata = try await client.coreMetadata(of: version, sdist: sdist, page: page, cache: try DownloadCache(root: DownloadCache.defaultRoot))

            let folder = (file as NSString).deletingLastPathComponent
            let entry = WhitelistEditor.Request(
                name: request.name, version: version, license: metadata?.licenseSummary,
                url: PackageRequest.projectURL(metadata, name: request.name, indexHost: index.host),
                reason: reason, requestedBy: requestedBy,
                targets: targets.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            )
            let original = FileManager.default.fileExists(atPath: file) ? try String(contentsOfFile: file, encoding: .utf8) : ""
            let outcome = try WhitelistAddition.add(entry, to: file, original: original,
                                                    whitelist: try ProjectFiles.whitelistSources([folder.isEmpty ? "." : folder]),
                                                    targets: try ProjectFiles.targets(in: containers).targets)
            switch outcome {
            case .unchanged(let message):
                print(message)
            case let .changed(updated, diff, summary):
                try ProjectFiles.replace(file, with: updated)
                print(diff)
                print("added \(request.name) \(version) to \(file); lint: \(summary)")
            }
        }
    }
}
