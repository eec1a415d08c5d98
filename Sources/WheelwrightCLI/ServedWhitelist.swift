import Builder
import Foundation
import IndexServer
import SiteConfiguration
import Whitelist
import Workspace
import YAMLFiles

/// The company whitelist a server's gated mirrors show: the files and folders the config file's
/// `whitelists:` names (absolute: resolved against the config file's folder), the targets under
/// its `containers:`, and its `cooldown:`.
struct ServedWhitelist: WhitelistSource {
    let paths: [String]
    let containers: String?
    let cooldown: Cooldown

    /// Every whitelist file's and target definition's path, size and modification time.
    func fingerprint() -> String {
        var parts: [String] = []
        func note(_ path: String) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            parts.append("\(path)|\(size)|\(modified)")
        }
        for path in paths {
            note(path)
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() { note((path as NSString).appendingPathComponent(name)) }
        }
        if let containers {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: containers)) ?? []).sorted() {
                note((containers as NSString).appendingPathComponent("\(name)/target.yaml"))
            }
        }
        return parts.joined(separator: "\n")
    }

    func load() throws -> WhitelistAdmission {
        let (targets, targetDiagnostics) = try containers.map(ProjectFiles.targets(in:)) ?? ([], [])
        let report = Whitelist.read(try ProjectFiles.whitelistSources(paths), targets: targets).adding(targetDiagnostics)
        guard let whitelist = report.whitelist else { throw BuildRunError.whitelist(report.diagnostics.filter { $0.severity == .error }) }
        return WhitelistAdmission(whitelist, cooldown: cooldown)
    }
}
