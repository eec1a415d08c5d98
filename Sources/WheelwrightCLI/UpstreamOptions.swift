import ArgumentParser
import Foundation
import Upstream
import Workspace

/// Where the commands that read upstream indices look: `--upstream` (repeatable), else
/// `WHEELWRIGHT_UPSTREAM` (comma-separated), else the config file's `upstream:`, else PyPI.
struct UpstreamOptions: ParsableArguments {
    @Option(help: "An upstream simple index, tried in order (repeatable; env WHEELWRIGHT_UPSTREAM, comma-separated).")
    var upstream: [String] = []

    /// The flags, else the environment's; nil when neither names one.
    var named: [String]? { SettingSources.process.list(upstream, variable: "WHEELWRIGHT_UPSTREAM") }

    /// The flags, else the environment's, else the config file's `upstream:`; else PyPI.
    func urls(configured: [String]?) -> [URL] {
        let urls = (named ?? configured ?? []).compactMap { URL(string: $0) }
        return urls.isEmpty ? [UpstreamClient.pypi] : urls
    }
}
