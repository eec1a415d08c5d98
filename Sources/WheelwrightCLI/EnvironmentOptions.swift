import ArgumentParser
import Foundation
import Runners
import SiteConfiguration
import Workspace
import YAMLFiles

/// The config file, and where targets are defined and environments kept: flags over the file
/// over the defaults.
struct EnvironmentOptions: ParsableArguments {
    @OptionGroup var site: SiteOptions

    @Option(help: "The data directory: rootfs/, support/, host/, builds/ (default: the config file's data:, else $XDG_DATA_HOME/wheelwright).")
    var data: String?

    /// The config file's settings with these flags' folders over them.
    func resolved() throws -> Site {
        let file = try site.configuration()
        return Site(configuration: file, containers: site.containers(file),
                    data: URL(fileURLWithPath: data ?? file.data ?? DefaultFolders.data))
    }

    /// The folders a command works in, and the config file they came from.
    struct Site {
        let configuration: BuildConfiguration
        let containers: String
        let data: URL

        var environments: Environments { Environments(data: data) }

        func targets() throws -> [TargetDefinition] {
            let (targets, diagnostics) = try ProjectFiles.targets(in: containers)
            if let error = diagnostics.first(where: { $0.severity == .error }) { throw ValidationError(error.description) }
            return targets
        }

        func target(_ name: String) throws -> TargetDefinition {
            let targets = try targets()
            guard let target = targets.first(where: { $0.name == name }) else {
                throw ValidationError("no target '\(name)' in \(containers)/ (have: \(targets.map(\.name).joined(separator: ", ")))")
            }
            return target
        }
    }
}
