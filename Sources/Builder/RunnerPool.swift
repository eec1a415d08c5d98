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
    /// Hears each step of preparing an environment (debootstrap, packages), which may take minutes.
    let progress: @Sendable (String) -> Void
    private var runners: [String: Task<any Runner, any Error>] = [:]

    init(environments: Environments, kind: RunnerKind, progress: @escaping @Sendable (String) -> Void) {
        (self.environments, self.kind, self.progress) = (environments, kind, progress)
    }

    func runner(for target: TargetDefinition, systemPackages: [String]) async throws -> any Runner {
        let recipe = Environments.Recipe(target: target, systemPackages: systemPackages)
        if let existing = runners[recipe.name] { return try await existing.value }
        let (environments, kind, progress) = (self.environments, self.kind, self.progress)
        let task = Task { try await environments.runner(kind, for: recipe, progress: progress) }
        runners[recipe.name] = task
        return try await task.value
    }
}
