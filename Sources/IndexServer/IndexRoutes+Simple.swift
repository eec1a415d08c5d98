import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging

/// The simple API (PEP 503/691) and the page cache every cached page goes through.
extension IndexRoutes {
    func simple(_ index: IndexID, _ rest: [String], trailingSlash: Bool, request: Request) throws -> Response {
        guard let format = SimpleFormat.negotiate(request.headers[.accept]) else {
            return Self.text("none of the accepted types is offered: \(SimpleFormat.allCases.map(\.rawValue).joined(separator: ", "))\n", status: .notAcceptable)
        }
        switch rest.count {
        case 0:
            guard trailingSlash else { return Self.redirect(to: "/\(index)/+simple/") }
            return try cached(request, key: "simple|\(index)|\(format.rawValue)", contentType: format.contentType, cacheControl: Self.simpleCacheControl) {
                let order = try service.catalog.resolutionOrder(of: index)
                guard !order.isEmpty else { throw StoreError.notFound("index \(index) does not exist") }
                return SimplePages.projectList(try service.catalog.projects(in: order), format: format)
            }
        case 1:
            let normalized = ProjectName.normalize(rest[0])
            guard normalized == rest[0], trailingSlash else { return Self.redirect(to: "/\(index)/+simple/\(normalized)/") }
            return try cached(request, key: "simple|\(index)|\(normalized)|\(format.rawValue)", contentType: format.contentType, cacheControl: Self.simpleCacheControl) {
                let order = try service.catalog.resolutionOrder(of: index)
                guard !order.isEmpty else { throw StoreError.notFound("index \(index) does not exist") }
                let files = try service.catalog.files(of: normalized, in: order)
                guard !files.isEmpty else { throw StoreError.notFound("no project \(normalized) in \(index) or its bases") }
                return SimplePages.projectPage(normalized, files: files, format: format)
            }
        default:
            throw StoreError.notFound("no such resource under /\(index)/+simple/")
        }
    }

    static let simpleCacheControl = "max-age=60, public"

    /// A page for people, kept like the simple pages until the catalog changes. `key` names
    /// only what the page depends on (the resource and its validated parameters), so that no
    /// spelling of a URL, query or header makes a new cache entry.
    func htmlPage(_ request: Request, key: String, render: () throws -> String) throws -> Response {
        // Revalidated on every view (a person expects a new upload to show at once); the ETag makes that cheap.
        try cached(request, key: "html|" + key, contentType: "text/html; charset=utf-8", cacheControl: "no-cache", render: render)
    }

    func cached(_ request: Request, key: String, contentType: String, cacheControl: String, render: () throws -> String) throws -> Response {
        var headers: HTTPFields = [.contentType: contentType, .vary: "Accept", .cacheControl: cacheControl]
        Self.addSecurityHeaders(&headers)
        let page = try pageCache.page(key, generation: service.catalog.generation(), headers: headers, render: render)
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: " ") == page.etag }) {
            var notModified = page.headers
            notModified[.contentLength] = nil
            return Response(status: .notModified, headers: notModified)
        }
        return Response(status: .ok, headers: page.headers, body: ResponseBody(byteBuffer: page.body))
    }
}
