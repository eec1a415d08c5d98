import Foundation
import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging

/// What builders report and read: build runs, an index's file list and a file's build log.
extension IndexRoutes {
    /// `POST /+builds`: a run's report, typed (anything else is a 400), for root or a builder.
    func reportBuild(_ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        try await service.authorize(identity, .reportBuild)
        let buffer = try await request.body.collect(upTo: limits.maximumReportBytes)
        let posted: PostedRunReport
        do {
            posted = try JSONDecoder().decode(PostedRunReport.self, from: Data(buffer.readableBytesView))
        } catch {
            throw StoreError.badRequest("a build report is the JSON wheelwright build writes (report.json with logs): \(error)")
        }
        let id = try await service.addBuildRun(posted, by: identity)
        return Self.json(Envelope(type: "buildrun", result: BuildRunCreated(id: id, url: "\(pathPrefix)/+builds/#run-\(id)")), status: .created)
    }

    /// `PUT /+leases/NAME` `{"owner", "seconds"}` takes or renews a build lease (409 naming the
    /// holder when another has it); `DELETE /+leases/NAME?owner=…` ends it.
    func lease(_ name: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        if request.method == .delete {
            guard let owner = try RequestQuery(request.uri.query)["owner"] else { throw StoreError.badRequest("owner: the lease holder, in the query") }
            try await service.releaseLease(name, owner: owner, by: identity)
            return Self.json(Envelope(type: "lease", result: ["released": name]))
        }
        let body = try await JSONBody.read(request, allowed: Set(BuildLease.Request.keys))
        guard let owner = try body.string("owner"), let seconds = try body.integer("seconds", in: 10...3600) else {
            throw StoreError.badRequest("a lease request is {\"owner\": \"host pid N\", \"seconds\": 10 to 3600}")
        }
        return Self.json(Envelope(type: "lease", result: try await service.acquireLease(name, owner: owner, seconds: seconds, by: identity)))
    }

    /// The latest reported run's counts for `/+metrics`: the nightly build's figures in the
    /// index's own scrape, as the build posted them.
    func buildMetrics() async throws -> String {
        guard let last = try await service.runTotals(limit: 1).first else { return "" }
        var lines = ["# HELP wheelwright_reported_run_items Items of the latest reported build run, by result.",
                     "# TYPE wheelwright_reported_run_items gauge"]
        for (result, count) in [("built", last.built), ("failed", last.failed), ("skipped", last.skipped), ("cancelled", last.cancelled)] {
            lines.append("wheelwright_reported_run_items{result=\"\(result)\"} \(count)")
        }
        lines += ["# HELP wheelwright_reported_run_seconds The latest reported build run's duration.",
                  "# TYPE wheelwright_reported_run_seconds gauge", "wheelwright_reported_run_seconds \(last.seconds)",
                  "# HELP wheelwright_reported_run_timestamp_seconds When the latest build run was reported.",
                  "# TYPE wheelwright_reported_run_timestamp_seconds gauge", "wheelwright_reported_run_timestamp_seconds \(last.reportedAt)"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every file of the index itself (not its bases) with its provenance: what a builder's
    /// plan asks once per index instead of once per project.
    func fileList(_ index: IndexID) async throws -> Response {
        let files = try await service.files(in: index).map { file in
            FileEntry(filename: file.filename, project: file.project, version: file.version, sha256: file.sha256,
                      size: file.size, yanked: file.yanked, provenance: file.provenance)
        }
        return Self.json(Envelope(type: "list:files", result: files))
    }

    /// The build log attached to a file, as text.
    func buildLog(_ index: IndexID, filename: String, _ request: Request) async throws -> Response {
        guard let stored = try await service.file(filename, in: index), let log = stored.buildLog else {
            throw StoreError.notFound("no build log for \(filename) in \(index)")
        }
        try await refuseIfQuarantined(stored.project, in: stored.index, requested: "the build log of \(filename)")
        return try blobResponse(log, contentType: "text/plain; charset=utf-8", request)
    }
}
