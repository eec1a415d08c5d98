import ArgumentParser
import Foundation
import SiteConfiguration
import Upstream

/// Where the commands that read upstream indices look: `--upstream` (repeatable), else
/// `WHEELWRIGHT_UPSTREAM` (comma-separated), else PyPI.
struct UpstreamOptions: ParsableArguments {
    @Option(help: "An upstream simple index, tried in order (repeatable; env WHEELWRIGHT_UPSTREAM, comma-separated).")
    var upstream: [String] = []

    @Option(help: "Where Rust extensions' crates are vendored from: sparse+https://… (a company mirror) or a local registry folder (default: the config file's crate-registry:, else crates.io).")
    var crateRegistry: String?

    func validate() throws {
        if let crateRegistry, case .failure(let error) = CrateRegistry.parse(absolute(crateRegistry)) { throw ValidationError("--crate-registry: \(error)") }
    }

    /// `--crate-registry`, a folder made absolute against the working folder.
    var crateRegistryFlag: String? { crateRegistry.map(absolute) }

    private func absolute(_ text: String) -> String {
        text.hasPrefix("sparse+") || text.hasPrefix("/") ? text : URL(fileURLWithPath: text).standardizedFileURL.path
    }

    /// The flags, else the environment's; nil when neither names one.
    var named: [String]? {
        if !upstream.isEmpty { return upstream }
        guard let environment = ProcessInfo.processInfo.environment["WHEELWRIGHT_UPSTREAM"], !environment.isEmpty else { return nil }
        return environment.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    var urls: [URL] {
        let urls = (named ?? []).compactMap { URL(string: $0) }
        return urls.isEmpty ? [UpstreamClient.pypi] : urls
    }
}
