import Foundation
import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging

/// devpi's JSON of a project and of a release, which devpi-client lists, removes and pushes by:
/// each version's metadata and links to its files, through the index's bases.
extension IndexRoutes {
    /// `?ignore_bases=` (devpi-client's `remove`) limits it to the index's own files.
    func projectJSON(_ index: IndexID, normalized: String, request: Request) async throws -> Response {
        let ownOnly = try RequestQuery(request.uri.query)["ignore_bases"] != nil
        // A quarantined project answers with no versions (devpi's shape has no place for a status).
        let resolved = try await resolutionOrder(of: index)
        let order = ownOnly ? [index] : resolved
        let (_, files) = try await service.servedProject(normalized, order: resolved, ownFilesOnly: ownOnly)
        let base = linkBase(request)
        let results = Dictionary(grouping: try await service.toxResults(of: normalized, in: order), by: \.fileKey)
        let docs = try await service.docs(of: normalized, in: order)
        var versions: [String: VersionData] = [:]
        for (version, files) in Dictionary(grouping: files, by: \.version) {
            versions[version] = try await versionData(normalized, files, docs: docs[version], results: results, base: base)
        }
        return Self.json(Envelope(type: "projectconfig", result: versions))
    }

    func versionJSON(_ index: IndexID, normalized: String, version: String, request: Request) async throws -> Response {
        let canonical = (try? Version(version).description) ?? version
        let order = try await resolutionOrder(of: index)
        let (standing, served) = try await service.servedProject(normalized, order: order)
        if let setting = standing.setting, !setting.status.servesFiles {
            throw StoreError.notFound("\(normalized) is quarantined in \(setting.index) (\(setting.reason)): none of its versions is served")
        }
        let files = served.filter { $0.version == canonical }
        guard !files.isEmpty else { throw StoreError.notFound("no version \(version) of \(normalized) in \(index) or its bases") }
        let results = Dictionary(grouping: try await service.toxResults(of: normalized, in: order), by: \.fileKey)
        let docs = try await service.docs(of: normalized, version: canonical, in: order)
        return Self.json(Envelope(type: "versiondata", result: try await versionData(normalized, files, docs: docs, results: results, base: linkBase(request))))
    }

    /// One release's files, which share a project and version, each followed by its test
    /// results; then its documentation. Each link carries its history as devpi's `log`.
    private func versionData(_ name: String, _ files: [StoredFile], docs: StoredDocs?, results: [String: [StoredToxResult]], base: String) async throws -> VersionData {
        let sorted = files.sorted { $0.filename < $1.filename }
        var links = sorted.flatMap { file in
            let href = base + SimplePages.url(of: file, prefix: pathPrefix)
            var link = ReleaseLink(href: href, sha256: file.sha256, yanked: file.yanked)
            link.log = Self.devpiLog(file.history)
            return [link] + (results[StoredToxResult.key(of: file)] ?? []).map { result in
                var link = ReleaseLink(toxResult: "\(base)\(pathPrefix)/\(result.index)/\(result.relativeURL)", sha256: result.sha256, for: href)
                link.log = Self.devpiLog(result.history)
                return link
            }
        }
        if let docs {
            var link = ReleaseLink(docs: "\(base)\(pathPrefix)/\(docs.index)/\(docs.relativeURL)", sha256: docs.sha256)
            link.log = Self.devpiLog(docs.history)
            links.append(link)
        }
        var data = VersionData(name: name, version: sorted.first?.version ?? "", requiresPython: sorted.compactMap(\.requiresPython).first, links: links)
        // The metadata from a wheel (what pip reads) before an sdist, as the release page takes it.
        let described = try await service.firstMetadata(of: sorted.sorted { ($0.kind == .wheel ? 0 : 1) < ($1.kind == .wheel ? 0 : 1) })
        if let metadata = described {
            data.summary = metadata.summary
            (data.author, data.authorEmail) = (metadata["Author"], metadata["Author-email"])
            (data.maintainer, data.maintainerEmail) = (metadata["Maintainer"], metadata["Maintainer-email"])
            (data.homePage, data.license, data.keywords) = (metadata.homePage, metadata.licenseExpression ?? metadata["License"], metadata["Keywords"])
            (data.classifiers, data.platform) = (metadata.classifiers, metadata.values("Platform"))
        }
        return data
    }

    /// A history as devpi's `log` of a link.
    static func devpiLog(_ history: [FileEvent]) -> [LinkLogEntry] {
        history.map { LinkLogEntry(what: $0.what.rawValue, who: $0.who, when: devpiTime($0.when), src: $0.src, dst: $0.dst) }
    }

    /// devpi's time in a log entry: UTC as [year, month, day, hour, minute, second].
    static func devpiTime(_ seconds: Double) -> [Int] {
        let c = SimplePages.utc(seconds)
        return [c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0]
    }

    /// devpi's `push`: a release of this index copied into another, by reference.
    func push(from source: IndexID, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        let body: JSONObject
        do {
            body = try await JSONBody.read(request, allowed: PushRequest.keys)
        } catch let error as StoreError where error.kind == .badRequest {
            throw StoreError.badRequest("\(error.message): a POST of JSON to an index is devpi's push ({\"name\", \"version\", \"targetindex\"}); an upload is multipart/form-data (as twine sends it)")
        }
        guard let name = try body.string("name"), let version = try body.string("version") else {
            throw StoreError.badRequest("name, version: a push names the release ({\"name\": …, \"version\": …, \"targetindex\": \"USER/INDEX\"})")
        }
        guard let targetText = try body.string("targetindex") else {
            throw StoreError.badRequest("targetindex: pushing to an external index (PyPI) is not supported; name a USER/INDEX of this server")
        }
        let target = try IndexID(targetText)
        let outcomes = try await service.push(name, version: version, from: source, to: target, by: identity)
        var log = [ActionLogEntry(status: 200, ["register", ProjectName.normalize(name), version, "->", target.description])]
        for outcome in outcomes {
            switch outcome {
            case .stored(let file): log.append(ActionLogEntry(status: 200, ["store_releasefile", "\(target)/\(file.relativeURL)"]))
            case .alreadyPresent(let file): log.append(ActionLogEntry(status: 200, ["unchanged", "\(target)/\(file.relativeURL)"]))
            }
        }
        return Self.json(Envelope(type: "actionlog", result: log))
    }

    /// Links are absolute, as devpi's are (devpi-client compares them with the index's URL):
    /// `--outside-url` when given, else the `Host` the client asked (only a plain host and port;
    /// these answers are never cached, so a client sees only the host it named itself).
    func linkBase(_ request: Request) -> String {
        if let outsideURL { return outsideURL.origin }
        guard let host = request.head.authority, (1...255).contains(host.utf8.count),
              host.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ".-:[]".unicodeScalars.contains($0) })
        else { return web.outsideURL.origin }
        return "http://" + host
    }
}
