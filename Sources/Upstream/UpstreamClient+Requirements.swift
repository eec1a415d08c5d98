import Archives
import Foundation
import PythonPackaging

extension UpstreamClient {
    /// What a release requires (`Requires-Dist`), read from a wheel's metadata where the index
    /// serves it (PEP 658), else from a wheel of the release, else from the sdist's PKG-INFO, which
    /// counts only when it declares its requirements (metadata 2.2 or later, not dynamic). Cached by the sdist's
    /// sha256 under `<cache>/requires/`: a release's bytes, hence its requirements, never change.
    public func requirements(of version: Version, sdist: RemoteFile, page: ProjectPage, cache: DownloadCache) async throws -> [Requirement] {
        let cached = sdist.sha256.map { cache.root.appendingPathComponent("requires").appendingPathComponent("\($0).txt") }
        if let cached, let text = try? String(contentsOf: cached, encoding: .utf8) {
            return try Self.parseRequirements(text.split(separator: "\n").map(String.init), of: sdist.filename)
        }
        let lines = try await requiresDist(of: version, sdist: sdist, page: page, cache: cache)
        let requirements = try Self.parseRequirements(lines, of: sdist.filename)
        if let cached {
            try? FileManager.default.createDirectory(at: cached.deletingLastPathComponent(), withIntermediateDirectories: true)
            let partial = cached.appendingPathExtension("partial-\(UUID().uuidString)")
            // Written whole, then renamed: a reader sees the old answer or the new one, never half.
            if (try? Data(lines.joined(separator: "\n").utf8).write(to: partial)) != nil, rename(partial.path, cached.path) != 0 {
                try? FileManager.default.removeItem(at: partial)
            }
        }
        return requirements
    }

    /// What building a release needs (its sdist's `[build-system].requires`, or PEP 517's
    /// default), read from the sdist downloaded hash-checked into the cache. Each is a plain
    /// requirement: anything else refuses the release as hostile input.
    public func buildRequirements(of sdist: RemoteFile, cache: DownloadCache) async throws -> [Requirement] {
        let path = try await download(sdist, into: cache)
        return try WheelhouseBuilder.buildSystem(ofSdist: path.path, filename: sdist.filename).requires.map(\.requirement)
    }

    private func requiresDist(of version: Version, sdist: RemoteFile, page: ProjectPage, cache: DownloadCache) async throws -> [String] {
        let wheels = page.files.filter { !$0.isYanked && (try? WheelFilename($0.filename))?.version == version }
        for wheel in wheels where wheel.hasCoreMetadata {
            if let metadata = try await coreMetadata(of: wheel) { return metadata.values("Requires-Dist") }
        }
        // Many older uploads have no PEP 658 file: a wheel's own METADATA is as good (the
        // smallest one, downloaded hash-checked into the cache).
        if let wheel = wheels.min(by: { ($0.size ?? .max) < ($1.size ?? .max) }) {
            let path = try await download(wheel, into: cache)
            let member = try DistributionMetadata.wheelMetadata(path.path)
            return try CoreMetadata(parsing: String(decoding: member.bytes, as: UTF8.self)).values("Requires-Dist")
        }
        let path = try await download(sdist, into: cache)
        let member = try DistributionMetadata.sdistMetadata(path.path, format: ArchiveFormat(filename: sdist.filename))
        let metadata = try CoreMetadata(parsing: String(decoding: member.bytes, as: UTF8.self))
        let declared = try (try? Version(metadata.metadataVersion)).map { $0 >= (try Version("2.2")) } ?? false
        guard declared, !metadata.dynamic.contains(where: { $0.lowercased() == "requires-dist" }) else {
            throw UpstreamError.malformedPage(sdist.filename, reason: "its PKG-INFO (metadata \(metadata.metadataVersion)) does not declare its requirements and upstream has no wheel of it to read them from; check them by hand")
        }
        return metadata.values("Requires-Dist")
    }

    static func parseRequirements(_ lines: [String], of filename: String) throws -> [Requirement] {
        try lines.filter { !$0.isEmpty }.map { line in
            do {
                return try Requirement(line)
            } catch {
                throw UpstreamError.malformedPage(filename, reason: "its Requires-Dist '\(line)' is not PEP 508: \(error)")
            }
        }
    }
}
