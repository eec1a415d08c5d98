import Archives
import Foundation
import PythonPackaging

extension UpstreamClient {
    /// A release's core metadata: from the index (PEP 658) for any of its files that offers it,
    /// else from the sdist's PKG-INFO (downloaded through the cache). Nil when neither parses.
    public func coreMetadata(of version: Version, sdist: RemoteFile, page: ProjectPage, cache: DownloadCache) async throws -> CoreMetadata? {
        let candidates = page.files.filter { file in
            (try? WheelFilename(file.filename))?.version == version || file.filename == sdist.filename
        }
        for file in candidates where file.hasCoreMetadata {
            if let metadata = try? await coreMetadata(of: file) { return metadata }
        }
        let path = try await download(sdist, into: cache)
        let member = try DistributionMetadata.sdistMetadata(path.path, format: ArchiveFormat(filename: sdist.filename))
        return try? CoreMetadata(parsing: String(decoding: member.bytes, as: UTF8.self))
    }
}
