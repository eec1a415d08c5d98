import Foundation
import HTTPTypes
import Hummingbird
import IndexAPI
import IndexStore
import PythonPackaging

/// Every URL of the index, devpi's layout: `/USER`, `/USER/INDEX`, `/USER/INDEX/+simple/…`,
/// `/USER/INDEX/+f/…`, plus `/+health`, `/+metrics` and `/+tokens`. One dispatcher, because
/// the URL space has devpi's own rules (trailing slashes, name normalization) that a router's
/// patterns do not express: `Resource` parses the path and says which methods it takes, and
/// the table below sends each resource to its handler. Handlers live by concern in the
/// `IndexRoutes+…` files; every rule they apply is an `IndexService` method.
struct IndexRoutes: Sendable {
    let service: IndexService
    let limits: ServerLimits
    let metricsText: @Sendable () -> String
    let pageCache: PageCache
    let web: WebPages
    /// `--outside-url` when given: the origin of the absolute links devpi's JSON carries.
    let outsideURL: OutsideURL?
    /// Who may read which index (`acl_read`).
    let readGate: ReadGate
    /// Release descriptions as HTML, made in child processes.
    let descriptions: DescriptionRenderer
    /// Mirror indices' upstream pages, gate and first downloads.
    let mirrorProxy: MirrorProxy
    /// The path the index is served under behind a proxy ("" at the root): every absolute link
    /// and redirect starts with it.
    var pathPrefix: String { web.outsideURL.pathPrefix }

    /// Every request ends here: the answer (a refusal is an answer too), with the headers every
    /// response carries, and no body for HEAD.
    func handle(_ request: Request, context: IndexRequestContext) async throws -> Response {
        var response: Response
        do {
            response = try await dispatch(request, context: context)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            response = try StoreError(.tooLarge, "the request body is larger than this resource accepts").response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
            // A browser gets a refusal as a page with the way back (a login prompt stays a 401).
            if let refusal = error as? StoreError, refusal.kind != .unauthorized, Self.wantsPage(request) {
                let page = web.errorPage(status: response.status, message: refusal.message)
                response.headers[.contentType] = "text/html; charset=utf-8"
                response.headers[.contentLength] = String(page.utf8.count)
                response.body = ResponseBody(byteBuffer: ByteBuffer(string: page))
            }
        }
        // Redirects (and devpi's login hint) point under the proxy's path prefix.
        if !pathPrefix.isEmpty, let location = response.headers[.location], location.hasPrefix("/") {
            response.headers[.location] = pathPrefix + location
        }
        // Cached pages carry these already (made once per page); every other response gets them here.
        if response.headers[.xContentTypeOptions] == nil { Self.addSecurityHeaders(&response.headers) }
        if request.method == .head {
            // Emptying the body sets its length to 0: a HEAD says the length a GET gets.
            let length = response.headers[.contentLength]
            response.body = ResponseBody()
            response.headers[.contentLength] = length
        }
        return response
    }

    /// `nosniff` on every response; on HTML, a policy that allows no script and no framing.
    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        headers[.xContentTypeOptions] = "nosniff"
        if headers[.contentType]?.hasPrefix("text/html") == true {
            headers[.contentSecurityPolicy] = pagePolicy
            headers[frameOptions] = "DENY"
        }
    }

    static let frameOptions = HTTPField.Name("X-Frame-Options")!

    /// A browser's request: it prefers HTML and is no installer asking for the simple API.
    static func wantsPage(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept], !accept.contains("application/vnd.pypi.simple") else { return false }
        return WebPages.prefersHTML(accept)
    }

    /// Pages load only their own stylesheet; no script, no frames, no form posts elsewhere.
    static let pagePolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The resource a request's path names (`RequestPath`, then `Resource`): the router's and
    /// `CachedPageResponder`'s.
    func resource(at rawPath: String) throws -> Resource {
        let path: RequestPath
        do {
            path = try RequestPath(rawPath, maximumBytes: limits.maximumPathBytes)
        } catch .tooLong(let bytes, let limit) {
            throw StoreError(.badRequest, "the path is \(bytes) bytes; at most \(limit) are accepted")
        } catch .badPercentEncoding(let segment) {
            throw StoreError.badRequest("the path has a bad percent-encoding: \(segment)")
        } catch .controlCharacter(let segment) {
            throw StoreError.badRequest("the path has an encoded control character in '\(segment)'")
        }
        return try Resource(path.segments, trailingSlash: path.trailingSlash)
    }

    func dispatch(_ request: Request, context: IndexRequestContext) async throws -> Response {
        if let query = request.uri.query, query.utf8.count > limits.maximumQueryBytes {
            throw StoreError(.badRequest, "the query string is \(query.utf8.count) bytes; at most \(limits.maximumQueryBytes) are accepted")
        }
        let method = request.method
        guard Self.methods.contains(method) else {
            throw MethodNotAllowed(method: method, allowed: Self.methods)
        }
        let resource = try resource(at: request.uri.path)
        try Self.allow(method, resource.methods)
        let read = method == .get || method == .head
        let html = read && WebPages.prefersHTML(request.headers[.accept])
        // Nothing of an index is answered to whoever may not read it and each base it reaches; on a
        // server whose indices are all public, no read asks who the reader is. Writes decide their
        // own rights (and leave the snapshot, which every upload makes stale, to the next read).
        let access = read ? try await readGate.snapshot() : nil
        if let access, let index = resource.readIndex, readGate.isGuarded(index, in: access),
           let refusal = readGate.refusal(index, for: try await optionalIdentity(request, context: context), in: access) {
            throw refusal
        }
        let lists = resource.lists ? access : nil
        let reader = lists?.anyPrivate == true ? try await optionalIdentity(request, context: context) : nil
        let visible = { (index: IndexID) in lists.map { readGate.readable(index, by: reader, in: $0) } ?? true }
        let hidden = { (index: IndexID) in lists.map { readGate.hides(index, from: reader, in: $0) } ?? false }
        let visibility = lists.map { readGate.visibility(of: reader, in: $0) } ?? ""
        let mirrors = { (index: IndexID) in access?.mirrors[index] ?? [] }

        // One snapshot of who may read what for the whole request: the handlers take the resolution
        // order from the snapshot the reader was checked against, never a newer one.
        return try await ReadGate.$requestSnapshot.withValue(access) {
            switch resource {
            case .root:
                return try await html ? htmlPage(request, key: "root|\(visibility)") { try await web.root(visible: visible) } : await root(visible: visible)
            case .health:
                let problems = await service.healthProblems()
                return problems.isEmpty ? Self.text("ok\n") : Self.text(problems.joined(separator: "\n") + "\n", status: .serviceUnavailable)
            case .metrics:
                return Self.text(metricsText() + (try await buildMetrics()), contentType: "text/plain; version=0.0.4")
            case .tokens where read:
                return try await listTokens(request, context: context)
            case .tokens:
                return try await createToken(request, context: context)
            case .token(let id):
                return try await revokeToken(id, request, context: context)
            case .lease(let name):
                return try await lease(name, request, context: context)
            case let .api(_, index):
                return try await apiConfig(index, request, context: context)
            case .login:
                return try await login(request, context: context)
            case .user(let name) where read && WebPages.prefersHTML(request.headers[.accept]):
                // A browser gets the user's page; devpi-client (JSON) the user's config.
                let normalized = name.lowercased()
                guard StoreName.isValid(normalized), try await service.userExists(normalized) else { throw StoreError.notFound("user \(name.prefix(100)) does not exist") }
                return try await htmlPage(request, key: "user|\(normalized)|\(visibility)") { try await web.user(normalized, visible: visible) }
            case .user(let name):
                return try await user(name, request, context: context, visible: visible)
            case .index(let index) where method == .push || (method == .post && request.headers[.contentType]?.hasPrefix("application/json") == true):
                return try await push(from: index, request, context: context)
            case .index(let index) where method == .post, .legacyUpload(let index):
                return try await upload(to: index, request, context: context)
            case .index(let index) where read:
                switch SeedRepresentation.negotiate(request.headers[.accept]) {
                case .simple(let format):
                    return try await simpleList(index, format: format, mirrors: mirrors(index), request: request)
                case .page:
                    let query = try RequestQuery(request.uri.query)
                    let filter = ProjectName.normalize(query["filter"] ?? "")
                    let page = try query.integer("page", in: 1...WebPages.maximumPage) ?? 1
                    return try await htmlPage(request, key: "index|\(index)|\(filter)|\(page)") { try await web.index(index, filter: filter, page: page) }
                case .json:
                    return try await indexResource(index, request, context: context)
                }
            case .index(let index):
                return try await indexResource(index, request, context: context)
            case let .simpleList(index, trailingSlash):
                let format = try Self.format(request)
                guard trailingSlash else { return Self.redirect(to: "/\(index)/+simple/") }
                return try await simpleList(index, format: format, mirrors: mirrors(index), request: request)
            case let .simpleProject(index, name, trailingSlash):
                let format = try Self.format(request)
                let normalized = ProjectName.normalize(name)
                guard normalized == name, trailingSlash else { return Self.redirect(to: "/\(index)/+simple/\(normalized)/") }
                return try await simpleProject(index, normalized: normalized, format: format, mirrors: mirrors(index), request: request)
            case let .file(index, hash, filename) where method == .post:
                return try await postToxResult(index, hash: hash, filename: filename, request, context: context)
            case let .file(index, hash, filename):
                return try await file(index, hash: hash, filename: filename, mirror: mirrors(index).first { $0.index == index }, request)
            case .fileList(let index):
                return try await fileList(index)
            case let .fileLog(index, filename):
                return try await buildLog(index, filename: filename, request)
            case let .fileSBOM(index, filename):
                return try await sbom(index, filename: filename, request: request)
            case let .toxResult(index, filename, id, log):
                return try await toxResult(index, filename: filename, id: id, log: log)
            case let .yank(index, filename):
                return try await yank(index, filename: filename, request, context: context)
            case .projectStatuses(let name):
                return try await projectStatuses(name, visible: visible)
            case let .projectStatus(index, name) where read:
                return try await projectStatus(index, name: name)
            case let .projectStatus(index, name):
                return try await setProjectStatus(index, name: name, request, context: context)
            case let .project(index, name) where method == .delete:
                return try await deleteVersion(index, project: name, version: nil, request, context: context)
            case let .project(index, name):
                let normalized = ProjectName.normalize(name)
                switch SeedRepresentation.negotiate(request.headers[.accept]) {
                case .simple(let format):
                    guard normalized == name else { return Self.redirect(to: "/\(index)/\(normalized)/") }
                    return try await simpleProject(index, normalized: normalized, format: format, mirrors: mirrors(index), request: request)
                case .page:
                    return try await releasePage(request, index, name: normalized, version: nil)
                case .json:
                    return try await projectJSON(index, normalized: normalized, request: request)
                }
            case let .version(index, project, version) where read:
                if WebPages.prefersHTML(request.headers[.accept]) {
                    // One page per release, not per spelling (`0001.0`, `v1.0`, `Demo_Lib`): the page cache is keyed on it.
                    let normalized = ProjectName.normalize(project)
                    let canonical = (try? Version(version).description) ?? version
                    guard normalized == project, canonical == version else { return Self.redirect(to: "/\(index)/\(normalized)/\(canonical)/") }
                    return try await releasePage(request, index, name: normalized, version: version)
                }
                return try await versionJSON(index, normalized: ProjectName.normalize(project), version: version, request: request)
            case let .version(index, project, version):
                return try await deleteVersion(index, project: project, version: version, request, context: context)
            case let .doc(index, project, version, path, trailingSlash):
                return try await docPage(index, project: project, version: version, path: path, trailingSlash: trailingSlash, request: request)
            case .builds where method == .post:
                return try await reportBuild(request, context: context)
            case .builds:
                return try await htmlPage(request, key: "builds") { try await web.builds() }
            case .buildRun(let id):
                return try await htmlPage(request, key: "run|\(id)|\(visibility)") { try await web.run(id, hidden: hidden) }
            case .coverage:
                return try await htmlPage(request, key: "coverage") { try await web.coverage() }
            case let .buildLog(run, item):
                // A row read by its key: not kept in the page cache, where logs would push pages out.
                guard let number = Int64(run), number > 0, String(number) == run, item.hasSuffix(".log"),
                      let log = try await service.runLog(run: number, item: String(item.dropLast(4))) else {
                    throw StoreError.notFound("no log \(item) in build run \(run)")
                }
                var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache"]
                Self.addSecurityHeaders(&headers)
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: log)))
            case .search:
                // devpi-web's search box sends `query`; ours `q`.
                let query = try RequestQuery(request.uri.query)
                let text = String((query["q"] ?? query["query"] ?? "").prefix(200))
                return try await htmlPage(request, key: "search|\(text)|\(visibility)") { try await web.search(text, visible: visible) }
            case .stylesheet:
                return web.stylesheet()
            }
        }
    }

    static let methods: [HTTPRequest.Method] = [.get, .head, .put, .patch, .post, .delete, .push]

    /// The reader's identity when the request carries credentials (basic auth, a devpi session);
    /// nil for an anonymous one. Wrong credentials are a 401, as everywhere.
    func optionalIdentity(_ request: Request, context: IndexRequestContext) async throws -> Identity? {
        guard request.headers[.authorization] != nil || request.headers[Self.devpiAuth] != nil else { return nil }
        return try await authenticate(request, context: context)
    }

    /// A 405 naming the methods the resource takes, unless `method` is one of them.
    static func allow(_ method: HTTPRequest.Method, _ allowed: [HTTPRequest.Method]) throws(MethodNotAllowed) {
        guard allowed.contains(method) else { throw MethodNotAllowed(method: method, allowed: allowed) }
    }
}
