import Foundation
import Hummingbird
import IndexAPI
import IndexStore
import Mustache
import PythonPackaging

/// The pages for people: the indices, an index's projects, a project's files, the build runs,
/// and search. Server-side HTML from the compiled templates; every value escaped by them.
struct WebPages: Sendable {
    let service: IndexService
    let library: MustacheLibrary
    /// Projects on one page of an index.
    static let pageSize = 100
    /// The highest page number a request may ask for (so that the offset cannot overflow).
    static let maximumPage = 1_000_000

    /// Where clients reach this index (`--outside-url`): the commands the pages show, and the
    /// path prefix of every link.
    let outsideURL: OutsideURL

    init(service: IndexService, outsideURL: OutsideURL) {
        self.service = service
        self.outsideURL = outsideURL
        library = WebTemplates.library
    }

    /// True when the client asks for HTML before JSON (a browser; pip and devpi ask otherwise).
    static func prefersHTML(_ accept: String?) -> Bool {
        guard let accept, let html = accept.range(of: "text/html") else { return false }
        guard let json = accept.range(of: "application/json") else { return true }
        return html.lowerBound < json.lowerBound
    }

    func root() throws -> String {
        let statistics = try service.indexStatistics()
        let indices = try service.indices()
        let users = Dictionary(grouping: indices, by: { $0.path.user }).sorted { $0.key < $1.key }.map { user, own in
            PageContext.User(name: user, indices: own.sorted { $0.path.description < $1.path.description }.map { index in
                let numbers = statistics[index.path]
                return PageContext.IndexRow(
                    path: index.path.description, bases: index.settings.bases.map(\.description).joined(separator: ", ").ifEmpty("—"),
                    volatile: index.settings.volatile, projects: numbers?.projects ?? 0, files: numbers?.files ?? 0,
                    last: Self.time(numbers?.lastUpload))
            })
        }
        return render("root", PageContext.Root(frame: frame("Indices"), users: users))
    }

    /// One page of an index's projects; `filter` is normalized, `page` within 1...maximumPage.
    func index(_ index: IndexID, filter: String, page: Int) throws -> String {
        guard let settings = try service.settings(of: index) else { throw StoreError.notFound("index \(index) does not exist") }
        let order = try service.resolutionOrder(of: index)
        let (projects, total) = try service.projectSummaries(in: order, containing: filter, limit: Self.pageSize, offset: (page - 1) * Self.pageSize)
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        func link(_ number: Int) -> String {
            "?" + (filter.isEmpty ? "" : "filter=\(filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&") + "page=\(number)"
        }
        return render("index", PageContext.Index(
            frame: frame(index.description), path: index.description, filter: filter, filtering: !filter.isEmpty,
            total: total, page: page, pages: pages, bases: settings.bases.map(\.description).joined(separator: ", ").ifEmpty("none"),
            simple: "\(outsideURL.url)/\(index)/+simple/",
            projects: projects.map { project in
                let newest = project.versions.compactMap { try? Version($0) }.max()?.description ?? project.versions.first ?? ""
                return PageContext.ProjectRow(name: project.name, path: index.description, newest: newest, files: project.files,
                                              last: Self.time(project.lastUpload))
            },
            previous: page > 1 ? link(page - 1) : nil, next: page < pages ? link(page + 1) : nil
        ))
    }

    /// A project's page; `name` is normalized.
    func project(_ index: IndexID, name: String) throws -> String {
        let order = try service.resolutionOrder(of: index)
        let files = try service.files(of: name, in: order)
        guard !files.isEmpty else { throw StoreError.notFound("no project \(name) in \(index)") }
        // Newest first by PEP 440; a version that does not parse sorts last.
        let grouped = Dictionary(grouping: files, by: \.version)
        let byVersion = grouped.map { (version: $0.key, parsed: try? Version($0.key), files: $0.value) }
            .sorted { lhs, rhs in
                switch (lhs.parsed, rhs.parsed) {
                case let (a?, b?): a > b
                case (_?, nil): true
                case (nil, _?): false
                case (nil, nil): lhs.version > rhs.version
                }
            }
        let newest = byVersion.first?.files.first
        let summary = newest.flatMap { try? service.coreMetadata(of: $0.filename, in: $0.index) }
            .flatMap { try? CoreMetadata(parsing: String(decoding: $0, as: UTF8.self)) }?["Summary"] ?? ""
        let versions = byVersion.map { entry in
            PageContext.VersionGroup(version: entry.version, files: entry.files.sorted { $0.filename < $1.filename }.map(fileRow))
        }
        return render("project", PageContext.Project(frame: frame(name), name: name, path: index.description, summary: summary, versions: versions))
    }

    private func fileRow(_ file: StoredFile) -> PageContext.FileRow {
        var python = "source", platform = "any", kind = "sdist"
        if let wheel = try? WheelFilename(file.filename) {
            kind = "wheel"
            python = wheel.tagSet.interpreters.joined(separator: ".")
            platform = wheel.tagSet.platforms.joined(separator: ".")
        }
        let provenance = file.provenance?.fields.map { PageContext.Field(key: $0.key, value: $0.value) } ?? []
        return PageContext.FileRow(
            filename: file.filename, url: SimplePages.url(of: file, prefix: outsideURL.pathPrefix), size: Self.size(file.size), kind: kind, python: python,
            platform: platform, target: (file.provenance?.target ?? "").ifEmpty("—"), uploaded: Self.time(file.uploadTime),
            uploader: file.uploader, sha256: file.sha256, shortSHA: String(file.sha256.prefix(12)), yanked: file.yanked,
            reason: file.yankReason.flatMap { $0.isEmpty ? nil : $0 },
            log: file.buildLog == nil ? nil : "\(outsideURL.pathPrefix)/\(file.index)/+log/\(file.filename)",
            provenance: provenance, hasProvenance: !provenance.isEmpty
        )
    }

    func builds() throws -> String {
        let runs = try service.buildRuns(limit: 50).map { run in
            // Stored only after it decoded at POST; a row from before that is shown as empty.
            let posted = try? JSONDecoder().decode(PostedRunReport.self, from: Data(run.report.utf8))
            let report = posted?.report
            let results = report?.results ?? []
            let skippedBefore = report?.skipped.count ?? 0
            func count(_ status: ItemResult.Status) -> Int { results.count { $0.status == status } }
            let failures = results.filter { $0.status == .failed || $0.status == .cancelled }.map { result in
                PageContext.Failure(item: result.item.id, reason: result.reason ?? "",
                                    log: posted?.logs[result.item.id] == nil ? nil : "\(outsideURL.pathPrefix)/+builds/\(run.id)/\(result.item.id).log")
            }
            return PageContext.Run(
                id: run.id, when: Self.time(run.reportedAt), reporter: run.reporter,
                runID: report?.runID.flatMap { $0.isEmpty ? nil : $0 }, seconds: String(format: "%.1f", report?.seconds ?? 0),
                planned: results.count + skippedBefore, built: count(.built), skipped: count(.skipped) + skippedBefore,
                failed: count(.failed), anyFailed: count(.failed) > 0, cancelled: count(.cancelled) > 0 ? count(.cancelled) : nil,
                failures: failures, hasFailures: !failures.isEmpty
            )
        }
        return render("builds", PageContext.Builds(frame: frame("Build runs"), runs: runs))
    }

    /// The log a run attached for one of its failed items.
    func buildLog(run: String, item: String) throws -> Response {
        guard let number = Int64(run), item.hasSuffix(".log"),
              let stored = try service.buildRun(number),
              let posted = try? JSONDecoder().decode(PostedRunReport.self, from: Data(stored.report.utf8)),
              let log = posted.logs[String(item.dropLast(4))] else {
            throw StoreError.notFound("no log \(item) in build run \(run)")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: log)))
    }

    /// Projects whose normalized name contains `text` (normalized).
    func search(_ text: String) throws -> String {
        let results = text.isEmpty ? [] : try service.search(text, limit: 500).map {
            PageContext.SearchResult(project: $0.project, index: $0.index.description)
        }
        return render("search", PageContext.Search(frame: frame("Search", query: text.isEmpty ? nil : text), results: results))
    }

    func stylesheet() -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: WebTemplates.stylesheet)))
    }

    /// The header and footer of a page titled `title`, with links under the path prefix.
    private func frame(_ title: String, query: String? = nil) -> PageContext.Frame {
        PageContext.Frame(title: title, query: query, prefix: outsideURL.pathPrefix)
    }

    private func render(_ template: String, _ context: Any) -> String {
        library.render(context, withTemplate: template) ?? ""
    }

    static let version = "0.1.0"

    static func time(_ seconds: Double?) -> String {
        guard let seconds else { return "—" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return formatter.string(from: Date(timeIntervalSince1970: seconds)) + " UTC"
    }

    static func size(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return String(format: "%.1f kB", Double(bytes) / 1024) }
        return String(format: "%.1f MB", Double(bytes) / Double(1 << 20))
    }
}

extension String {
    fileprivate func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
