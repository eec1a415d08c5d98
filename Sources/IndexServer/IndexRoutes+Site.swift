import Foundation
import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging

/// What builders and people read: build runs, search, the stylesheet, an index's file list
/// and a file's build log.
extension IndexRoutes {
    /// `/+builds/` (GET a page, POST a run's report), `/+builds/RUN/ITEM.log`, `/+search`, `/+static/style.css`.
    func site(_ components: [String], _ request: Request, context: IndexRequestContext) async throws -> Response {
        switch (components.count, components[0]) {
        case (1, "+builds"):
            try Self.allow(request.method, [.get, .head, .post])
            guard request.method == .post else { return try htmlPage(request, key: "builds") { try web.builds() } }
            let identity = try await authenticate(request, context: context)
            try service.authorize(identity, .reportBuild)
            let buffer = try await request.body.collect(upTo: limits.maximumReportBytes)
            let posted: PostedRunReport
            do {
                posted = try JSONDecoder().decode(PostedRunReport.self, from: Data(buffer.readableBytesView))
            } catch {
                throw StoreError.badRequest("a build report is the JSON wheelwright build writes (report.json with logs): \(error)")
            }
            let id = try service.catalog.addBuildRun(reporter: identity.user, report: SimplePages.json(posted))
            return Self.json(Envelope(type: "buildrun", result: BuildRunCreated(id: id, url: "/+builds/#run-\(id)")), status: .created)
        case (3, "+builds"):
            try Self.allow(request.method, [.get, .head])
            return try web.buildLog(run: components[1], item: components[2])
        case (1, "+search"):
            try Self.allow(request.method, [.get, .head])
            let text = ProjectName.normalize(try RequestQuery(request.uri.query)["q"] ?? "")
            return try htmlPage(request, key: "search|\(text)") { try web.search(text) }
        case (2, "+static") where components[1] == "style.css":
            try Self.allow(request.method, [.get, .head])
            return web.stylesheet()
        default:
            throw StoreError.notFound("no such resource: \(request.uri.path)")
        }
    }

    /// Every file of the index itself (not its bases) with its provenance: what a builder's
    /// plan asks once per index instead of once per project.
    func fileList(_ index: IndexID) throws -> Response {
        guard try service.catalog.settings(of: index) != nil else { throw StoreError.notFound("no index \(index)") }
        let files = try service.catalog.files(in: index).map { file in
            FileEntry(filename: file.filename, project: file.project, version: file.version, sha256: file.sha256,
                      size: file.size, yanked: file.yanked, provenance: file.provenance)
        }
        return Self.json(Envelope(type: "list:files", result: files))
    }

    /// The build log attached to a file, as text.
    func buildLog(_ index: IndexID, filename: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        guard let stored = try service.catalog.file(index, filename), let log = stored.buildLog else {
            throw StoreError.notFound("no build log for \(filename) in \(index)")
        }
        let path = try service.blobs.checkedPath(log).path
        let body = request.method == .head || log.size == 0 ? ResponseBody() : try await FileIO().loadFile(path: path, context: context)
        return Response(status: .ok, headers: [
            .contentType: "text/plain; charset=utf-8", .contentLength: String(log.size),
            .cacheControl: "max-age=31536000, immutable", .eTag: "\"\(log.digest)\"",
        ], body: body)
    }
}
