import Basics
import Foundation
import Descriptions
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

    func root(visible: (IndexID) -> Bool) async throws -> String {
        let statistics = try await service.indexStatistics()
        let indices = try await service.indices().filter { visible($0.path) }
        var users: [PageContext.User] = []
        for (user, own) in Dictionary(grouping: indices, by: { $0.path.user }).sorted(by: { $0.key < $1.key }) {
            var rows: [PageContext.IndexRow] = []
            for index in own.sorted(by: { $0.path.description < $1.path.description }) {
                await rows.append(try row(index, own: statistics[index.path] ?? .empty))
            }
            users.append(PageContext.User(name: user, indices: rows))
        }
        return render("root", PageContext.Root(frame: frame("Indices"), users: users))
    }

    /// An index's line on `/`. An aggregation index serves its bases' projects too: they are
    /// counted as its pages list them.
    private func row(_ index: (path: IndexID, settings: IndexSettings), own: IndexStatistics) async throws -> PageContext.IndexRow {
        let bases = index.settings.bases
        let served = await bases.isEmpty ? own : try service.statistics(across: service.resolutionOrder(of: index.path))
        return PageContext.IndexRow(
            path: index.path.description, bases: bases.map(\.description).joined(separator: ", ").ifEmpty("—"),
            volatile: index.settings.volatile, isPrivate: !index.settings.isPublic, mirror: Self.mirrorLine(index.settings), projects: Self.count(served.projects, own: own.projects),
            files: Self.count(served.files, own: own.files), last: Self.time(served.lastUpload))
    }

    /// `mirror of https://pypi.org/simple/, gated by the company whitelist (files fetched on first request)`.
    static func mirrorLine(_ settings: IndexSettings) -> String? {
        guard let url = settings.mirrorURL else { return nil }
        let gate = settings.gate == MirrorGate.none ? "ungated: everything upstream has" : "gated by the company whitelist"
        return "mirror of \(url), \(gate); files are fetched on first request and kept"
    }

    /// `1 project`, `2 projects`.
    static func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }

    /// `412 (400 via bases)`: what an index serves, and how much of it comes from its bases.
    static func count(_ served: Int, own: Int) -> String {
        switch served - own {
        case ...0: "\(served)"
        case served: "\(served) (via bases)"
        case let inherited: "\(served) (\(inherited) via bases)"
        }
    }

    /// One page of an index's projects; `filter` is normalized, `page` within 1...maximumPage.
    func index(_ index: IndexID, filter: String, page: Int) async throws -> String {
        guard let settings = try await service.settings(of: index) else { throw StoreError.notFound("index \(index) does not exist") }
        let order = try await service.resolutionOrder(of: index)
        let (projects, total) = try await service.projectSummaries(in: order, containing: filter, limit: Self.pageSize, offset: (page - 1) * Self.pageSize)
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        func link(_ number: Int) -> String {
            "?" + (filter.isEmpty ? "" : "filter=\(filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&") + "page=\(number)"
        }
        return render("index", PageContext.Index(
            frame: frame(index.description, crumbs: Self.crumbs(index)), path: index.description, filter: filter, filtering: !filter.isEmpty,
            projectCount: Self.counted(total, "project"), page: page, pages: pages, bases: settings.bases.map(\.description).joined(separator: ", ").ifEmpty("none"),
            simple: "\(outsideURL.url)/\(index)/+simple/", mirror: Self.mirrorLine(settings),
            readers: settings.isPublic ? nil : ([index.user] + settings.aclRead.filter { $0 != index.user }).joined(separator: ", "),
            projects: try await projects.asyncMap { project in
                let newest = project.versions.compactMap { try? Version($0) }.max()?.description ?? project.versions.first ?? ""
                let status = try await service.standing(of: project.name, in: index).setting?.status.rawValue
                return PageContext.ProjectRow(name: project.name, path: index.description, newest: newest, files: project.files,
                                              last: Self.time(project.lastUpload), status: status)
            },
            previous: page > 1 ? link(page - 1) : nil, next: page < pages ? link(page + 1) : nil
        ))
    }

    /// A project's page (`version` nil: its newest release first, then every version's files)
    /// or one release's page, read from the store: everything but the description's HTML, which
    /// `DescriptionRenderer` makes next. `name` is normalized; `order` is the index's resolution
    /// order, as the read gate's snapshot has it (the order the page is kept as reading).
    func release(_ index: IndexID, order: [IndexID], name: String, version: String?) async throws -> ReleaseSource {
        let (standing, files) = try await service.servedProject(name, order: order, historyLimit: Catalog.historyShown)
        guard !files.isEmpty else {
            return ReleaseSource(index: index, name: name, version: "", single: false, metadata: nil, docs: nil, provenance: nil, versions: [],
                                 requirements: [], installs: [], standing: standing)
        }
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
        let shown: (version: String, parsed: Version?, files: [StoredFile])
        if let version {
            let canonical = (try? Version(version).description) ?? version
            guard let found = byVersion.first(where: { $0.version == canonical }) else {
                throw StoreError.notFound("no version \(version) of \(name) in \(index) or its bases")
            }
            shown = found
        } else {
            shown = byVersion[0]
        }
        // The release's metadata from a wheel (what pip reads) before an sdist; its provenance from a built wheel.
        let newest = shown.files.sorted { ($0.filename.hasSuffix(".whl") ? 0 : 1, $0.filename) < ($1.filename.hasSuffix(".whl") ? 0 : 1, $1.filename) }
        let metadata = try await service.firstMetadata(of: newest)
        let results = Dictionary(grouping: try await service.toxResults(of: name, in: order), by: \.fileKey)
        let runs = try await service.publishingRuns(of: name)
        let versions = (version == nil ? byVersion : [shown]).map { entry in
            PageContext.VersionGroup(version: entry.version, url: "\(outsideURL.pathPrefix)/\(index)/\(name)/\(entry.version)/",
                                     files: entry.files.sorted { $0.filename < $1.filename }.map { file in
                                         fileRow(file, results: results[StoredToxResult.key(of: file)] ?? [],
                                                 history: history(of: file, shownIn: index, run: runs["\(file.index)/\(file.filename)"]))
                                     })
        }
        let documented = try await service.docs(of: name, version: shown.version, in: order) != nil
        return ReleaseSource(index: index, name: name, version: shown.version, single: version != nil, metadata: metadata,
                             docs: documented ? "\(outsideURL.pathPrefix)/\(index)/\(name)/\(shown.version)/+doc/" : nil,
                             provenance: shown.files.lazy.compactMap(\.provenance).first, versions: versions,
                             requirements: try await requirementLinks(metadata?.requiresDist ?? [], in: order, index: index),
                             installs: try await installCommands(name: name, version: shown.version, index: index), standing: standing)
    }

    /// What a release page shows, read before its description is rendered.
    struct ReleaseSource: Sendable {
        let index: IndexID
        let name, version: String
        /// A release's own page rather than the project's.
        let single: Bool
        let metadata: CoreMetadata?
        /// The release's documentation page, when it has documentation.
        let docs: String?
        let provenance: Provenance?
        let versions: [PageContext.VersionGroup]
        let requirements: [PageContext.Requirement]
        let installs: [String]
        let standing: ProjectStanding

        var description: String { metadata?.longDescription ?? "" }
        var descriptionType: String? { metadata?["Description-Content-Type"] }
    }

    /// The page of `source`, with its description already rendered and sanitized.
    func releasePage(_ source: ReleaseSource, description: String) -> String {
        let history = source.standing.history.reversed().map { change in
            PageContext.StatusChange(status: change.status.rawValue, index: change.index.description, user: change.user,
                                     when: Self.time(change.time), reason: change.reason)
        }
        let status = source.standing.setting.map { setting in
            PageContext.Status(status: setting.status.rawValue, index: setting.index.description, user: setting.user,
                               when: Self.time(setting.time), reason: setting.reason, quarantined: !setting.status.servesFiles)
        }
        guard !source.versions.isEmpty else {
            return render("project", PageContext.Project(frame: frame(source.name, crumbs: Self.crumbs(source.index, project: source.name)), name: source.name, path: source.index.description, single: false,
                                                          details: nil, versions: [], status: status, history: history, hasHistory: !history.isEmpty))
        }
        let metadata = source.metadata
        var links: [PageContext.Link] = []
        if let docs = source.docs { links.append(PageContext.Link(label: "Documentation", url: docs, text: docs)) }
        if let home = metadata?.homePage, !home.isEmpty { links.append(Self.link("Homepage", home)) }
        for (label, url) in metadata?.projectURLs ?? [] { links.append(Self.link(label.isEmpty ? url : label, url)) }
        let people = [("author", "Author", "Author-email"), ("maintainer", "Maintainer", "Maintainer-email")].compactMap { role, name, email in
            Self.person(role, name: metadata?[name], email: metadata?[email])
        }
        let keywords = metadata?["Keywords"].flatMap { $0.isEmpty ? nil : $0 }
        let platform = (metadata?.values("Platform") ?? []).filter { !$0.isEmpty && $0 != "UNKNOWN" }.joined(separator: ", ")
        let details = PageContext.Details(
            version: source.version, summary: metadata?.summary ?? "", license: metadata.flatMap(ReleaseLicense.shown),
            requiresPython: metadata?["Requires-Python"], people: people, classifiers: metadata?.classifiers ?? [],
            hasClassifiers: !(metadata?.classifiers ?? []).isEmpty,
            keywords: keywords, platform: platform.isEmpty ? nil : platform, links: links, hasLinks: !links.isEmpty,
            requirements: source.requirements, hasRequirements: !source.requirements.isEmpty,
            requestedBy: source.provenance?.requestedBy, requestReason: source.provenance?.requestReason,
            installs: source.installs, description: description
        )
        let title = source.single ? "\(source.name) \(source.version)" : source.name
        let crumbs = Self.crumbs(source.index, project: source.name, version: source.single ? source.version : nil)
        return render("project", PageContext.Project(frame: frame(title, crumbs: crumbs), name: source.name, path: source.index.description,
                                                      single: source.single, details: details, versions: source.versions,
                                                      status: status, history: history, hasHistory: !history.isEmpty))
    }

    /// An author or maintainer: the name, else the address's name part (`Jane <jane@x>`), with
    /// the address when it looks like one; nil when the metadata names nobody.
    static func person(_ role: String, name: String?, email: String?) -> PageContext.Person? {
        let address = email.flatMap { text -> String? in
            let inner = text.split(separator: "<").last.map { $0.split(separator: ">").first.map(String.init) ?? "" } ?? text
            let trimmed = inner.trimmingCharacters(in: .whitespaces)
            return trimmed.contains("@") && !trimmed.contains(" ") ? trimmed : nil
        }
        let shown = name.flatMap { $0.isEmpty || $0 == "UNKNOWN" ? nil : $0 }
            ?? email.flatMap { $0.split(separator: "<").first.map { $0.trimmingCharacters(in: .whitespaces) } }.flatMap { $0.isEmpty || $0.contains("@") ? nil : $0 }
        guard shown != nil || address != nil else { return nil }
        return PageContext.Person(role: role, name: shown ?? address ?? "", email: address)
    }

    /// A link a page may make clickable: http(s) only; anything else is shown as text.
    static func link(_ label: String, _ url: String) -> PageContext.Link {
        let lowered = url.lowercased()
        let web = lowered.hasPrefix("https://") || lowered.hasPrefix("http://")
        return PageContext.Link(label: label, url: web ? url : nil, text: url)
    }

    /// The most requirements a page lists.
    static let maximumRequirements = 200

    /// Each `Requires-Dist`, linked to its project's page on this index when the index serves it.
    private func requirementLinks(_ requirements: [String], in order: [IndexID], index: IndexID) async throws -> [PageContext.Requirement] {
        try await requirements.prefix(Self.maximumRequirements).asyncMap { text in
            guard let requirement = try? Requirement(text) else { return PageContext.Requirement(text: text, url: nil) }
            let name = ProjectName.normalize(requirement.name)
            let served = !(try await service.files(of: name, in: order)).isEmpty
            return PageContext.Requirement(text: text, url: served ? "\(outsideURL.pathPrefix)/\(index)/\(name)/" : nil)
        }
    }

    /// `pip install NAME==VERSION -i …/+simple/` for each index built on this one (a platform
    /// index over its builds), else for this one.
    private func installCommands(name: String, version: String, index: IndexID) async throws -> [String] {
        let consumers = try await service.indices().filter { $0.settings.bases.contains(index) }.map(\.path).sorted { $0.description < $1.description }
        return (consumers.isEmpty ? [index] : consumers).map { "pip install \(name)==\(version) -i \(outsideURL.url)/\($0)/+simple/" }
    }

    /// The most test environments a file's row shows.
    static let maximumTestRows = 12

    /// A file's row; `results` are its test results, oldest first: each (host, platform,
    /// environment) is shown as its newest result says, as devpi-web does.
    private func fileRow(_ file: StoredFile, results: [StoredToxResult], history: [PageContext.HistoryLine]) -> PageContext.FileRow {
        var python = "source", platform = "any", kind = "sdist"
        if let wheel = try? WheelFilename(file.filename) {
            kind = "wheel"
            python = wheel.tagSet.interpreters.joined(separator: ".")
            platform = wheel.tagSet.platforms.joined(separator: ".")
        }
        let provenance = file.provenance?.fields.map { PageContext.Field(key: $0.key, value: $0.value) } ?? []
        return PageContext.FileRow(
            filename: file.filename, url: SimplePages.url(of: file, prefix: outsideURL.pathPrefix), size: Self.size(file.size), kind: kind, python: python,
            platform: platform, target: (file.provenance?.target ?? "").ifEmpty("—"), sha256: file.sha256, shortSHA: String(file.sha256.prefix(12)), yanked: file.yanked,
            reason: file.yankReason.flatMap { $0.isEmpty ? nil : $0 },
            log: file.buildLog == nil ? nil : "\(outsideURL.pathPrefix)/\(file.index)/+log/\(file.filename)",
            sbom: file.provenance?.sbomSHA256 == nil ? nil : "\(outsideURL.pathPrefix)/\(file.index)/+sbom/\(file.filename)",
            provenance: provenance, hasProvenance: !provenance.isEmpty,
            tests: Self.newest(results).prefix(Self.maximumTestRows).map { result, environment in
                PageContext.TestResult(environment: environment.name, python: environment.python ?? "", platform: result.platform, host: result.host,
                                       outcome: environment.outcome.rawValue, log: "\(outsideURL.pathPrefix)/\(result.index)/\(result.relativeURL)/log",
                                       when: Self.time(result.uploadTime), passed: environment.outcome.passed)
            },
            history: history
        )
    }

    /// Where `file` came from, as its row on `page`'s pages says it: the run that built it from
    /// which sdist, its upload and each push, and the base that holds it when that is not `page`.
    private func history(of file: StoredFile, shownIn page: IndexID, run: Int64?) -> [PageContext.HistoryLine] {
        var lines: [PageContext.HistoryLine] = []
        if let provenance = file.provenance, provenance.builder == "wheelwright" {
            let by = run.map { "the nightly run \($0)" } ?? "wheelwright"
            lines.append(PageContext.HistoryLine(text: "built by \(by) from \(provenance.sdist) (sha256 \(provenance.sdistSHA256.prefix(12)))",
                                                 url: run.map { "\(outsideURL.pathPrefix)/+builds/\($0)/" }))
        }
        for event in file.history {
            let when = Self.time(event.when)
            let text = switch event.what {
            case .upload: "uploaded to \(event.dst) by \(event.who) at \(when)"
            case .push: "pushed from \(event.src ?? "?") to \(event.dst) by \(event.who) at \(when)"
            }
            lines.append(PageContext.HistoryLine(text: text, url: nil))
        }
        if file.index != page {
            lines.append(PageContext.HistoryLine(text: "held by the base \(file.index)", url: "\(outsideURL.pathPrefix)/\(file.index)/"))
        }
        return lines
    }

    /// Each (host, platform, environment) once, from the newest result that has it, newest first.
    static func newest(_ results: [StoredToxResult]) -> [(StoredToxResult, ToxEnvironmentSummary)] {
        var seen = Set<String>()
        var shown: [(StoredToxResult, ToxEnvironmentSummary)] = []
        for result in results.reversed() {
            for environment in result.environments where seen.insert("\(result.host)\u{0}\(result.platform)\u{0}\(environment.name)").inserted {
                shown.append((result, environment))
            }
        }
        return shown
    }

    /// The latest runs with their failures, under a chart of the last 60 nights: from the
    /// counts and items kept at report time, never by decoding reports.
    func builds() async throws -> String {
        let totals = try await service.runTotals(limit: 60)
        let latest = Array(totals.prefix(20))
        let failures = Dictionary(grouping: try await service.runItems(of: latest.map(\.run), statuses: ["failed", "cancelled"]), by: \.run)
        let runs = latest.map { runSummary($0, failures: failures[$0.run] ?? []) }
        return render("builds", PageContext.Builds(frame: frame("Build runs"), runs: runs, chart: chart(totals)))
    }

    /// One run's header: when, who, counts, and its failures with their logs.
    private func runSummary(_ run: RunTotals, failures: [RunItem]) -> PageContext.Run {
        let listed = failures.map { item in
            PageContext.Failure(item: "\(item.project)-\(item.version)-\(item.target)-py\(item.python)", reason: item.reason ?? "",
                                log: item.logItem.map { runLog(run.run, $0) })
        }
        return PageContext.Run(
            id: run.run, url: "\(outsideURL.pathPrefix)/+builds/\(run.run)/", when: Self.time(run.reportedAt), reporter: run.reporter,
            runID: run.runID, seconds: String(format: "%.1f", run.seconds),
            planned: run.built + run.failed + run.skipped + run.cancelled, built: run.built, skipped: run.skipped,
            failed: run.failed, anyFailed: run.failed > 0, cancelled: run.cancelled > 0 ? run.cancelled : nil,
            failures: listed, hasFailures: !listed.isEmpty
        )
    }

    /// The URL of the log a run posted for an item.
    private func runLog(_ run: Int64, _ item: String) -> String {
        "\(outsideURL.pathPrefix)/+builds/\(run)/\(item).log"
    }

    /// Bars of built and failed items per run, polylines of skipped items and duration, each
    /// on its own scale; nil with fewer than two runs.
    func chart(_ newestFirst: [RunTotals]) -> PageContext.Chart? {
        guard newestFirst.count >= 2 else { return nil }
        let totals = Array(newestFirst.reversed())
        let (width, height, left, top, bottom) = (720, 180, 44, 8, 160)
        let slot = (width - left) / 60
        let maxItems = max(1, totals.map { $0.built + $0.failed }.max() ?? 1)
        let maxSkipped = max(1, totals.map(\.skipped).max() ?? 1)
        let maxSeconds = max(1, totals.map(\.seconds).max() ?? 1)
        func y(_ value: Double, _ scale: Double) -> Int { bottom - Int((value / scale * Double(bottom - top)).rounded()) }
        var bars: [PageContext.Bar] = []
        var skipped: [String] = [], duration: [String] = []
        for (number, run) in totals.enumerated() {
            let x = left + number * slot
            let builtY = y(Double(run.built), Double(maxItems)), failedY = y(Double(run.built + run.failed), Double(maxItems))
            let day = Date(timeIntervalSince1970: run.reportedAt).formatted(.iso8601.year().month().day())
            bars.append(PageContext.Bar(run: run.run, x: x, width: max(1, slot - 2), builtY: builtY, builtHeight: bottom - builtY,
                                        failedY: failedY, failedHeight: builtY - failedY,
                                        title: "run \(run.run) · \(day): \(run.built) built, \(run.failed) failed, \(run.skipped) skipped, \(Int(run.seconds.rounded())) s"))
            let middle = x + slot / 2
            skipped.append("\(middle),\(y(Double(run.skipped), Double(maxSkipped)))")
            duration.append("\(middle),\(y(run.seconds, maxSeconds))")
        }
        return PageContext.Chart(width: width, height: height, plotTop: top, plotBottom: bottom, bars: bars,
                                 skippedLine: skipped.joined(separator: " "), durationLine: duration.joined(separator: " "),
                                 maxItems: maxItems, maxSkipped: maxSkipped, maxSeconds: Self.duration(maxSeconds),
                                 lastRuns: totals.count == 1 ? "the last run" : "the last \(totals.count) runs")
    }

    /// `/+builds/N/`: every item of one run with its result, duration, wheel and log.
    /// Run `id`'s page; an item published to an index the reader may not read is left out.
    func run(_ id: String, hidden: (IndexID) -> Bool) async throws -> String {
        guard let number = Int64(id), let totals = try await service.runTotals(limit: 1, only: number).first else {
            throw StoreError.notFound("no build run \(id)")
        }
        let items = try await service.runItems(of: [number]).filter { item in !(item.index.flatMap { try? IndexID($0) }.map(hidden) ?? false) }
        // Build tools first, apart from the packages consumers install; each group in run order.
        let rows = (items.filter(\.tool) + items.filter { !$0.tool }).map { item in
            let published = item.wheel.flatMap { wheel in item.index.map { "\(outsideURL.pathPrefix)/\($0)/+log/\(wheel)" } }
            return PageContext.ItemRow(
                project: item.project, version: item.version, target: item.target, python: item.python, status: item.status,
                seconds: String(format: "%.1f", item.seconds), bad: item.status == "failed", tool: item.tool, wheel: item.wheel, index: item.index,
                reason: item.status == "built" ? nil : item.reason,
                log: item.logItem.map { runLog(number, $0) } ?? (item.status == "built" ? published : nil))
        }
        let failures = items.filter { $0.status == "failed" || $0.status == "cancelled" }
        return render("run", PageContext.RunPage(frame: frame("Build run \(number)"), run: runSummary(totals, failures: failures), items: rows,
                                                 skipped: totals.skipped > 0 ? Self.counted(totals.skipped, "item") : nil))
    }

    /// `/+coverage/`: every (project, target) any run planned, as the latest such run left it.
    /// The rows are written here rather than by the template: 5,000 entries × targets through
    /// the template's reflection took a second; this takes milliseconds. Every value is escaped.
    func coverage() async throws -> String {
        let cells = try await service.coverage()
        let targets = Array(Set(cells.map(\.target))).sorted()
        var totals = Dictionary(uniqueKeysWithValues: targets.map { ($0, [CoverageCell.Status: Int]()) })
        var rows = "", toolRows = ""
        rows.reserveCapacity(cells.count * 160)
        var entries = 0
        var index = cells.startIndex
        while index < cells.endIndex {
            let project = cells[index].project
            var byTarget: [String: CoverageCell] = [:]
            while index < cells.endIndex, cells[index].project == project {
                byTarget[cells[index].target] = cells[index]
                totals[cells[index].target]?[cells[index].status, default: 0] += 1
                index += 1
            }
            entries += 1
            var row = "<tr><td>" + SimplePages.escape(project) + "</td>"
            for target in targets {
                guard let cell = byTarget[target] else {
                    row += "<td title=\"not built for " + SimplePages.escape(target) + "\">—</td>"
                    continue
                }
                let title = "run \(cell.run)" + (cell.reason.map { ": " + $0 } ?? "")
                row += "<td title=\"" + SimplePages.escape(title) + "\"><span class=\"status " + cell.status.rawValue + "\">" + cell.status.rawValue
                row += "</span> " + SimplePages.escape(cell.versions)
                if let log = cell.logItem { row += " · <a href=\"" + SimplePages.escape(runLog(cell.run, log)) + "\">log</a>" }
                row += "</td>"
            }
            row += "</tr>\n"
            // Build tools apart from the packages consumers install.
            if byTarget.values.contains(where: \.tool) { toolRows += row } else { rows += row }
        }
        if !toolRows.isEmpty {
            let group = "<tr class=\"group\"><th colspan=\"\(targets.count + 1)\">"
            rows = group + "build tools</th></tr>\n" + toolRows + group + "packages</th></tr>\n" + rows
        }
        let targetTotals = targets.map { target in
            let counts = totals[target] ?? [:]
            return PageContext.TargetTotals(target: target, built: counts[.built] ?? 0, failed: counts[.failed] ?? 0,
                                            denied: counts[.denied] ?? 0, pending: counts[.pending] ?? 0)
        }
        let context = PageContext.Coverage(frame: frame("Coverage"), targets: targetTotals, entries: Self.counted(entries, "entry", plural: "entries"))
        return render("coverage", context) + rows + render("coverageEnd", context)
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 120 ? "\(Int(seconds.rounded())) s" : seconds < 7200 ? "\(Int((seconds / 60).rounded())) min" : String(format: "%.1f h", seconds / 3600)
    }

    /// Projects whose normalized name contains `text` (normalized).
    /// The most results a search page shows.
    static let maximumSearchResults = 100

    /// Full-text search over the indices the reader may read: names first, then summaries and
    /// keywords, then descriptions; each hit with its version, summary and a piece of its
    /// description, the matched words marked.
    func search(_ text: String, visible: (IndexID) -> Bool) async throws -> String {
        let query = SearchQuery(text)
        let all = try await service.indices().map(\.path)
        let readable = all.filter(visible)
        let found = try await service.search(query, in: readable.count == all.count ? nil : readable, limit: Self.maximumSearchResults)
        let results = found.hits.map { hit in
            PageContext.SearchResult(project: hit.project, index: hit.index.description, version: hit.version,
                                     summary: Self.marked(hit.summary), snippet: Self.marked(hit.snippet))
        }
        return render("search", PageContext.Search(frame: frame("Search", query: text.isEmpty ? nil : text), results: results,
                                                   searched: !query.isEmpty, broad: found.broad))
    }

    /// `text` as HTML: escaped, with the search engine's marks as `<mark>`.
    static func marked(_ text: String) -> String {
        HTMLSanitizer.escape(text).replacingOccurrences(of: String(SearchHit.markStart), with: "<mark>")
            .replacingOccurrences(of: String(SearchHit.markEnd), with: "</mark>")
    }

    func stylesheet() -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: WebTemplates.stylesheet)))
    }

    /// The header and footer of a page titled `title`, with links under the path prefix.
    private func frame(_ title: String, query: String? = nil, crumbs: [(String, String)] = []) -> PageContext.Frame {
        var frame = PageContext.Frame(title: title, query: query, prefix: outsideURL.pathPrefix)
        frame.crumbs = crumbs.enumerated().map { position, crumb in
            let last = position == crumbs.count - 1
            return PageContext.Crumb(label: crumb.0, link: outsideURL.pathPrefix + crumb.1, last: last)
        }
        return frame
    }

    /// user › index › project › version, as far as `project` and `version` go.
    private static func crumbs(_ index: IndexID, project: String? = nil, version: String? = nil) -> [(String, String)] {
        var crumbs = [(index.user, "/\(index.user)/"), (index.index, "/\(index)/")]
        if let project { crumbs.append((project, "/\(index)/\(project)/")) }
        if let project, let version { crumbs.append((version, "/\(index)/\(project)/\(version)/")) }
        return crumbs
    }

    /// A user's page: their indices the reader may read (devpi-client gets the same as JSON).
    func user(_ name: String, visible: (IndexID) -> Bool) async throws -> String {
        let statistics = try await service.indexStatistics()
        let own = try await service.indices().filter { $0.path.user == name && visible($0.path) }.sorted { $0.path.description < $1.path.description }
        let rows = try await own.asyncMap { try await row($0, own: statistics[$0.path] ?? .empty) }
        return render("root", PageContext.Root(frame: frame(name, crumbs: [(name, "/\(name)/")]), users: [PageContext.User(name: name, indices: rows)]))
    }

    /// A refusal as a page, for a browser: what went wrong, and the way back.
    func errorPage(status: HTTPResponse.Status, message: String) -> String {
        render("error", PageContext.ErrorPage(frame: frame("\(status.code) \(status.reasonPhrase)"), status: "\(status.code) \(status.reasonPhrase)", message: message))
    }

    private func render(_ template: String, _ context: Any) -> String {
        library.render(context, withTemplate: template) ?? ""
    }

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
