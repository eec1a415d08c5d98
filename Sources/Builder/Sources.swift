import Foundation
import PythonPackaging
import Upstream
import Whitelist

/// Resolves whitelist entries upstream and downloads their sdists through the hash-checked cache.
/// Each project's page is asked for once per run.
public actor SourceFetcher {
    let client: UpstreamClient
    let cache: DownloadCache
    private var pages: [String: Task<(page: ProjectPage, index: URL), any Error>] = [:]

    public init(client: UpstreamClient, cache: DownloadCache) {
        self.client = client
        self.cache = cache
    }

    private func page(_ project: String) async throws -> (page: ProjectPage, index: URL) {
        if let task = pages[project] { return try await task.value }
        let client = self.client
        let task = Task { try await client.page(of: project) }
        pages[project] = task
        return try await task.value
    }

    /// The versions an entry builds: its listed ones, or the newest matching releases upstream
    /// offers with an sdist.
    public func versions(of entry: PackageEntry) async throws -> [Version] {
        if case .exact(let versions) = entry.selection { return versions }
        let (page, _) = try await page(entry.name.original)
        return entry.selection.versions(offered: UpstreamClient.versions(in: page, sdistOnly: true))
    }

    /// The sdist of `project` `version`, downloaded (or found) in the cache, and its sha256.
    public func sdist(project: String, version: String) async throws -> (path: URL, sha256: String) {
        let (page, index) = try await page(project)
        let file = try UpstreamClient.sdist(in: page, name: project, version: try Version(version), index: index)
        let path = try await client.download(file, into: cache)
        return (path, file.sha256 ?? path.deletingLastPathComponent().lastPathComponent)
    }
}
