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

    public init(client: UpstreamClient, cache: DownloadCache) { (self.client, self.cache) = (client, cache) }

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

    /// The `Requires-Python` upstream publishes for the sdist of `project` `version`; nil when it
    /// publishes none (or has no such sdist: the fetch will say so).
    public func requiresPython(project: String, version: Version) async throws -> RequiresPython? {
        UpstreamClient.sdistRequiresPython(in: try await page(project).page)[version]
    }

    /// When upstream says the sdist of `project` `version` was uploaded (PEP 700); nil when it
    /// does not say (an HTML page) or has no such sdist.
    public func uploadTime(project: String, version: Version) async throws -> Date? {
        let (page, index) = try await page(project)
        // The time of the very file a build fetches.
        return try? UpstreamClient.sdist(in: page, name: project, version: version, index: index).uploadTime
    }

    /// Where the sdist of `project` `version` comes from: its URL, the simple index that lists
    /// it, and its upload time (PEP 700) when the index says.
    public func origin(project: String, version: Version) async throws -> (url: URL, index: URL, uploadTime: Date?) {
        let (page, index) = try await page(project)
        let file = try UpstreamClient.sdist(in: page, name: project, version: version, index: index)
        return (file.url, index, file.uploadTime)
    }

    /// The sdist of `project` `version`, downloaded (or found) in the cache, and its sha256.
    public func sdist(project: String, version: String) async throws -> (path: URL, sha256: String) {
        let found = try await fetch(project: project, version: try Version(version))
        return (found.path, found.sha256)
    }

    /// Upstream's file `filename` of `project` (a prebuilt wheel) in the cache, and the SHA-256
    /// of its bytes as the cache computed it while writing them (the name of its folder).
    public func wheel(project: String, filename: String) async throws -> (path: URL, sha256: String) {
        let (page, _) = try await page(project)
        guard let file = page.files.first(where: { $0.filename == filename }) else {
            throw BuilderError.prebuilt("upstream's page of \(project) has no \(filename): pin a file it serves")
        }
        let path = try await client.download(file, into: cache)
        return (path, path.deletingLastPathComponent().lastPathComponent)
    }

    /// The sdist of `project` `version` in the cache, and whether it was there before this call.
    public func fetch(project: String, version: Version) async throws -> (path: URL, sha256: String, filename: String, wasCached: Bool) {
        let (page, index) = try await page(project)
        let file = try UpstreamClient.sdist(in: page, name: project, version: version, index: index)
        let wasCached = file.sha256.flatMap { cache.file(sha256: $0, filename: file.filename) } != nil
        let path = try await client.download(file, into: cache)
        return (path, file.sha256 ?? path.deletingLastPathComponent().lastPathComponent, file.filename, wasCached)
    }
}
