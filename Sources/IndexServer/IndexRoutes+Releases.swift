import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging

/// devpi's JSON of a project and of a release, which devpi-client lists, removes and pushes by:
/// each version's metadata and links to its files, through the index's bases.
extension IndexRoutes {
    func projectJSON(_ index: IndexID, normalized: String) throws -> Response {
        let files = try service.files(of: normalized, in: try resolutionOrder(of: index))
        guard !files.isEmpty else { throw StoreError.notFound("no project \(normalized) in \(index) or its bases") }
        let versions = Dictionary(grouping: files, by: \.version).mapValues { versionData(normalized, $0) }
        return Self.json(Envelope(type: "projectconfig", result: versions))
    }

    func versionJSON(_ index: IndexID, normalized: String, version: String) throws -> Response {
        let canonical = (try? Version(version).description) ?? version
        let files = try service.files(of: normalized, in: try resolutionOrder(of: index)).filter { $0.version == canonical }
        guard !files.isEmpty else { throw StoreError.notFound("no version \(version) of \(normalized) in \(index) or its bases") }
        return Self.json(Envelope(type: "versiondata", result: versionData(normalized, files)))
    }

    /// One release's files, which share a project and version.
    private func versionData(_ name: String, _ files: [StoredFile]) -> VersionData {
        let sorted = files.sorted { $0.filename < $1.filename }
        return VersionData(
            name: name, version: sorted.first?.version ?? "", requiresPython: sorted.compactMap(\.requiresPython).first,
            links: sorted.map { ReleaseLink(href: SimplePages.url(of: $0), sha256: $0.sha256, yanked: $0.yanked) }
        )
    }
}
