import ArgumentParser
import Builder
import Foundation
import Runners
import SiteConfiguration
import YAMLFiles

/// Where targets are defined and environments kept.
struct EnvironmentOptions: ParsableArguments {
    @Option(help: "The folder of target definitions.")
    var containers = "containers"

    @Option(help: "The data directory (rootfs/, support/, host/).")
    var data: String = Wheelwright.defaultDataDirectory

    var environments: Environments { Environments(data: URL(fileURLWithPath: data)) }

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
