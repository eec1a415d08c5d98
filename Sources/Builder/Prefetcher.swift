import Basics
import Foundation
import IndexAPI
import PythonPackaging
import Runners
import SiteConfiguration
import Upstream

/// Downloads every release's sdist ahead of the builds, `width` at a time.
actor Prefetcher {
    private var tasks: [String: Task<(path: URL, sha256: String), any Error>] = [:]

    init(sources: SourceFetcher, releases: [BuildItem], width: Int) {
        let gate = Gate(width: width)
        for item in releases {
            tasks[item.release] = Task {
                await gate.enter()
                defer { Task { await gate.leave() } }
                return try await sources.sdist(project: item.project, version: item.version)
            }
        }
    }

    func sdist(for item: BuildItem) async throws -> (path: URL, sha256: String) {
        guard let task = tasks[item.release] else { throw BuilderError.configuration("\(item.release) was not planned") }
        return try await task.value
    }
}
