import ArgumentParser
import Archives
import Builder
import Foundation

#if canImport(Glibc)
import Glibc
#endif
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
            let (name, specifier) = try Self.split(requirement)
            let upstreams = upstream.urls
            let client = UpstreamClient(indices: upstreams)
            let (page, index) = try await client.page(of: name.original)
            let version = try choose(from: page, name: name, specifier: specifier, index: index)
            let sdist = try UpstreamClient.sdist(in: page, name: name.original, version: version, index: index)

            let folder = (file as NSString).deletingLastPathComponent
            let (targetDefinitions, _) = try ProjectFiles.targets(in: containers)
            var sources = try ProjectFiles.whitelistSources([folder.isEmpty ? "." : folder])
            if let rule = Whitelist.read(sources, targets: targetDefinitions).whitelist?.denial(of: name, version: version) {
                throw Failure(description: "\(name) \(version) is denied at \(rule.location): \(rule.reason)")
            }

            let metadata = try await metadata(of: version, sdist: sdist, page: page, client: client)
            let request = WhitelistEditor.Request(
                name: name, version: version,
                license: metadata?.licenseSummary, url: Self.projectURL(metadata, name: name, index: index),
                reason: reason, requestedBy: requestedBy,
                targets: targets.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            )
            let original = FileManager.default.fileExists(atPath: file) ? try String(contentsOfFile: file, encoding: .utf8) : ""
            switch try WhitelistEditor.add(request, to: original, path: file) {
            case .unchanged(let message):
                print(message)
            case .changed(let updated):
                sources.removeAll { ($0.path as NSString).standardizingPath == (file as NSString).standardizingPath }
                sources.append(SourceFile(path: file, text: updated))
                let report = Whitelist.read(sources, targets: targetDefinitions)
                guard report.errorCount == 0 else {
                    for diagnostic in report.diagnostics where diagnostic.severity == .error { print(diagnostic) }
                    throw Failure(description: "the change would break the whitelist; \(file) is unchanged")
                }
                try Self.writeAtomically(updated, to: file)
                print(Self.diff(original, updated, path: file))
                print("added \(name) \(version) to \(file); lint: \(report.summary)")
            }
        }

        struct Failure: Error, CustomStringConvertible {
            let description: String
        }

        /// `six==1.17.0` → (six, ==1.17.0); `six` → (six, nil).
        static func split(_ requirement: String) throws -> (ProjectName, SpecifierSet?) {
            let text = requirement.trimmingCharacters(in: .whitespaces)
            let end = text.firstIndex { !($0.isLetter || $0.isNumber || "._-".contains($0)) } ?? text.endIndex
            let name = try ProjectName(text[..<end])
            let rest = text[end...].trimmingCharacters(in: .whitespaces)
            return (name, rest.isEmpty ? nil : try SpecifierSet(rest))
        }

        /// The version to add: the pinned one, or the newest (non-yanked, with an sdist) that the
        /// specifier admits, final releases only unless --prereleases.
        private func choose(from page: ProjectPage, name: ProjectName, specifier: SpecifierSet?, index: URL) throws -> Version {
            if let only = specifier?.specifiers.first, specifier?.specifiers.count == 1, only.op == .equal, !only.isWildcard, let version = only.version {
                return version
            }
            let offered = UpstreamClient.versions(in: page, sdistOnly: true)
            let admitted = (specifier ?? SpecifierSet([])).filter(offered, prereleases: prereleases ? true : false)
            guard let newest = admitted.first else {
                throw Failure(description: "no release of \(name) with an sdist matches '\(specifier?.description ?? "")' (newest: \(offered.first?.description ?? "none"))")
            }
            return newest
        }

        /// Core metadata from the index (PEP 658, any file of the version), else from the sdist's PKG-INFO.
        private func metadata(of version: Version, sdist: RemoteFile, page: ProjectPage, client: UpstreamClient) async throws -> CoreMetadata? {
            let candidates = page.files.filter { file in
                (try? WheelFilename(file.filename))?.version == version || file.filename == sdist.filename
            }
            for file in candidates where file.hasCoreMetadata {
                if let metadata = try? await client.coreMetadata(of: file) { return metadata }
            }
            let cache = try DownloadCache(root: DownloadCache.defaultRoot)
            let path = try await client.download(sdist, into: cache)
            let member = try DistributionMetadata.sdistMetadata(path.path, format: ArchiveFormat(filename: sdist.filename))
            return try? CoreMetadata(parsing: String(decoding: member.bytes, as: UTF8.self))
        }

        /// The project's page: its Source or Homepage URL, else PyPI's project page.
        static func projectURL(_ metadata: CoreMetadata?, name: ProjectName, index: URL) -> String? {
            let urls = metadata?.projectURLs ?? []
            for label in ["source", "homepage", "repository", "source code"] {
                if let match = urls.first(where: { $0.label.lowercased() == label }), match.url.hasPrefix("http") { return match.url }
            }
            if let home = metadata?.homePage, home.hasPrefix("http") { return home }
            if index.host == "pypi.org" { return "https://pypi.org/project/\(name.normalized)/" }
            return nil
        }

        /// Writes beside the file, then renames over it: a reader sees the old or the new file, whole.
        static func writeAtomically(_ text: String, to path: String) throws {
            let temporary = path + ".wheelwright-tmp"
            try text.write(toFile: temporary, atomically: false, encoding: .utf8)
            guard rename(temporary, path) == 0 else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw Failure(description: "cannot replace \(path): \(String(cString: strerror(errno)))")
            }
        }

        /// The changed lines, as `-`/`+` lines with their line numbers: the editor changes one place.
        static func diff(_ old: String, _ new: String, path: String) -> String {
            let a = old.split(separator: "\n", omittingEmptySubsequences: false)
            let b = new.split(separator: "\n", omittingEmptySubsequences: false)
            var prefix = 0
            while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
            var suffix = 0
            while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
            var lines = ["--- \(path)", "+++ \(path)", "@@ line \(prefix + 1) @@"]
            lines += a[prefix..<(a.count - suffix)].map { "-" + $0 }
            lines += b[prefix..<(b.count - suffix)].map { "+" + $0 }
            return lines.joined(separator: "\n")
        }
    }
}
