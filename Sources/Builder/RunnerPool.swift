import Basics
import Foundation
import IndexAPI
import PythonPackaging
import Runners
import SiteConfiguration
import Upstream

/// One runner per (target, system packages), prepared on first use.
actor RunnerPool {
    let environments: Environments
    let kind: RunnerKind
    private var runners: [String: Task<any Runner, any Error>] = [:]

    init(environments: Environments, kind: RunnerKind) { (self.environments, self.kind) = (environments, kind) }

    func runner(for target: TargetDefinition, systemPackages: [String]) async throws -> any Runner {
        let recipe = Environments.Recipe(target: target, systemPackages: systemPackages)
        if let existing = runners[recipe.name] { return try await existing.value }
        let (environments, kind) = (self.environments, self.kind)
        let task = Task { try await environments.runner(kind, for: recipe) }
        runners[recipe.name] = task
        return try await task.value
    }
}
