import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging

/// The simple API (PEP 503/691) and the page cache every cached page goes through.
extension IndexRoutes {
    /// PEP 503/691's list of projects, through the index's bases: at `+simple/` and, for
    /// installers, at the index's own URL (the same bytes, one cache entry).
    func simpleList(_ index: IndexID, format: SimpleFormat, mirrors: [Mirror], request: Request) async throws -> Response {
        if !mirrors.isEmpty { return try await mirroredList(index, mirrors: mirrors, format: format, request: request) }
        let order = try await resolutionOrder(of: index)
        return try await cached(request, key: Self.simpleKey(index, format: format), contentType: format.contentType,
                                cacheControl: Self.simpleCacheControl, reads: .indices(order)) {
            await SimplePages.projectList(try service.projects(in: order), format: format)
        }
    }

    /// A project's files through the index's bases (`normalized` is the PEP 503 name), at
    /// `+simple/NAME/` and, for installers, at `/USER/INDEX/NAME/`.
    func simpleProject(_ index: IndexID, normalized: String, format: SimpleFormat, mirrors: [Mirror], request: Request) async throws -> Response {
        if !mirrors.isEmpty { return try await mirroredProject(index, normalized: normalized, mirrors: mirrors, format: format, request: request) }
        let order = try await resolutionOrder(of: index)
        return try await cached(request, key: Self.simpleKey(index, project: normalized, format: format), contentType: format.contentType,
                                cacheControl: Self.simpleCacheControl, reads: .indices(order)) {
            let (standing, files) = try await service.servedProject(normalized, order: order)
            return SimplePages.projectPage(normalized, files: files, status: standing, format: format, prefix: pathPrefix)
        }
    }

    /// The page cache's key of an index's simple list (`project` nil) or a project's page.
    static func simpleKey(_ index: IndexID, project: String? = nil, format: SimpleFormat) -> String {
        if let project { "simple|\(index)|\(project)|\(format.rawValue)" } else { "simple|\(index)|\(format.rawValue)" }
    }

    /// The generation a page is kept under: that of the read gate's snapshot the request was
    /// checked against (the resolution order comes from it), else the catalog's now. A page kept
    /// under an older generation than the catalog's is only never found again.
    func pageGeneration() async throws -> Int64 {
        if let checked = ReadGate.requestSnapshot { return checked.generation }
        return try await service.generation()
    }

    /// The index and its bases, from the read gate's snapshot the request was checked against
    /// (else the current one; no catalog read while the generation holds); a 404 when the index
    /// does not exist.
    func resolutionOrder(of index: IndexID) async throws -> [IndexID] {
        let snapshot = if let checked = ReadGate.requestSnapshot { checked } else { try await readGate.snapshot() }
        guard let order = snapshot.orders[index] else { throw StoreError.notFound("index \(index) does not exist") }
        return order
    }

    /// The format `Accept` asks for; a 406 naming the offered ones when none is acceptable.
    static func format(_ request: Request) throws(NotAcceptable) -> SimpleFormat {
        guard let format = SimpleFormat.negotiate(request.headers[.accept]) else { throw NotAcceptable() }
        return format
    }

    static let simpleCacheControl = "max-age=60, public"

    /// A page for people, kept like the simple pages until the catalog changes. `key` names
    /// only what the page depends on (the resource and its validated parameters), so that no
    /// spelling of a URL, query or header makes a new cache entry.
    func htmlPage(_ request: Request, key: String, render: () async throws -> String) async throws -> Response {
        // Revalidated on every view (a person expects a new upload to show at once); the ETag makes that cheap.
        try await cached(request, key: "html|" + key, contentType: "text/html; charset=utf-8", cacheControl: "no-cache", render: render)
    }

    /// A project's page (`version` nil) or a release's: read from the store, its description
    /// rendered in a child process, then kept like every page. A hit does none of it.
    func releasePage(_ request: Request, _ index: IndexID, name: String, version: String?) async throws -> Response {
        let key = "html|release|\(index)|\(name)|\(version ?? "")"
        // One generation for the lookup and the page kept: a write while the description renders
        // must not file a page read before it under the generation after it.
        let generation = try await pageGeneration()
        if let hit = pageCache.hit(key, generation: generation) { return respond(with: hit, to: request) }
        let order = try await resolutionOrder(of: index)
        let source = try await web.release(index, order: order, name: name, version: version)
        let description = await descriptions.html(source.description, contentType: source.descriptionType)
        // What it shows of build runs (which published a file) is in `everything`'s writes.
        return try await cached(request, key: key, contentType: "text/html; charset=utf-8", cacheControl: "no-cache", generation: generation,
                                reads: .indices(order), keep: description.lasting) {
            web.releasePage(source, description: description.html)
        }
    }

    /// The page for `key` from the cache, else rendered and kept under `generation` (default:
    /// `pageGeneration()`, read before anything of the page is) as made from `reads`: the indices
    /// it shows something of (a resolution order), or, by default, anything; not kept when
    /// `keep` is false (a page made of a passing state).
    func cached(_ request: Request, key: String, contentType: String, cacheControl: String, generation: Int64? = nil,
                reads: PageReads = .everything, keep: Bool = true, render: () async throws -> String) async throws -> Response {
        let generation = if let generation { generation } else { try await pageGeneration() }
        let page = try await pageCache.page(key, generation: generation, reads: reads, keep: keep, headers: {
            var headers: HTTPFields = [.contentType: contentType, .vary: "Accept", .cacheControl: cacheControl]
            Self.addSecurityHeaders(&headers)
            return headers
        }, render: render)
        return respond(with: page, to: request)
    }

    /// The page, or 304 when the client holds it (`If-None-Match`).
    private func respond(with page: PageCache.Page, to request: Request) -> Response {
        if page.isHeld(by: request.headers[.ifNoneMatch]) { return Response(status: .notModified, headers: page.notModifiedHeaders) }
        return Response(status: .ok, headers: page.headers, body: ResponseBody(byteBuffer: page.body))
    }
}
