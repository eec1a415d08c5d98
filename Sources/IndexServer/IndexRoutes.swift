import Foundation
import Hummingbird
import IndexStore
import PythonPackaging

/// Every URL of the index, devpi's layout: `/USER`, `/USER/INDEX`, `/USER/INDEX/+simple/…`,
/// `/USER/INDEX/+f/…`, plus `/+health`, `/+metrics` and `/+tokens`. One dispatcher, because
/// the URL space has devpi's own rules (trailing slashes, name normalization) that a router's
/// patterns do not express.
struct IndexRoutes: Sendable {
    let service: IndexService
    let limits: ServerLimits
    let metricsText: @Sendable () -> String
    let pageCache: PageCache
    let web: WebPages

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        do {
            return try await dispatch(request, context: context)
        } catch let error as StoreError {
            return Self.errorResponse(error)
        }
    }

    private func dispatch(_ request: Request, context: some RequestContext) async throws -> Response {
        let rawPath = request.uri.path
        let trailingSlash = rawPath.count > 1 && rawPath.hasSuffix("/")
        let components = rawPath.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let method = request.method

        let html = (method == .get || method == .head) && WebPages.prefersHTML(request.headers[.accept])
        if components.first == "+builds" || components.first == "+search" || components.first == "+static" {
            return try await site(components, request, context: context)
        }
        switch components.count {
        case 0:
            return try html ? htmlPage(request) { try web.root() } : root()
        case 1 where components[0] == "+health":
            return Self.text("ok\n")
        case 1 where components[0] == "+metrics":
            return Self.text(metricsText(), contentType: "text/plain; version=0.0.4")
        case 1 where components[0] == "+tokens" && method == .post:
            return try await createToken(request, context: context)
        case 2 where components[0] == "+tokens" && method == .delete:
            return try await revokeToken(components[1], request)
        case 1:
            return try await user(components[0], request, context: context)
        case 2:
            let index = try IndexID(user: components[0], index: components[1])
            if method == .post { return try await upload(to: index, request, context: context) }
            if html { return try htmlPage(request) { try web.index(index, request: request) } }
            return try await indexResource(index, request, context: context)
        default:
            let index = try IndexID(user: components[0], index: components[1])
            let rest = Array(components.dropFirst(2))
            switch rest[0] {
            case "legacy" where rest.count == 1 && method == .post:
                return try await upload(to: index, request, context: context)
            case "+simple":
                return try simple(index, Array(rest.dropFirst()), trailingSlash: trailingSlash, request: request)
            case "+f" where rest.count == 4 && (method == .get || method == .head):
                return try await file(index, hashPrefix: rest[1], hashRest: rest[2], filename: rest[3], request, context: context)
            case "+files" where rest.count == 1 && (method == .get || method == .head):
                return try fileList(index)
            case "+log" where rest.count == 2 && (method == .get || method == .head):
                return try await buildLog(index, filename: rest[1], request, context: context)
            case let name where rest.count == 1 && !name.hasPrefix("+") && (method == .get || method == .head):
                return try htmlPage(request) { try web.project(index, name: name, request: request) }
            case "+yank" where rest.count == 2 && method == .post:
                return try await yank(index, filename: rest[1], request, context: context)
            case _ where rest.count == 2 && method == .delete:
                return try await deleteVersion(index, project: rest[0], version: rest[1], request)
            default:
                throw StoreError.notFound("no such resource: \(rawPath)")
            }
        }
    }

    // MARK: Management (devpi-compatible JSON)

    private func root() throws -> Response {
        let indices = try service.catalog.indices()
        var users: [String: Any] = [:]
        for name in try service.catalog.users() {
            let own = indices.filter { $0.path.user == name }
            users[name] = ["indexes": Dictionary(uniqueKeysWithValues: own.map { ($0.path.index, Self.indexJSON($0.path, $0.settings)) })]
        }
        return Self.json(["type": "list:userconfig", "result": users])
    }

    private func user(_ name: String, _ request: Request, context: some RequestContext) async throws -> Response {
        try StoreName.validate(name, what: "user")
        switch request.method {
        case .get, .head:
            guard try service.catalog.userExists(name) else { throw StoreError.notFound("user \(name) does not exist") }
            let indices = try service.catalog.indices().filter { $0.path.user == name }
            return Self.json(["type": "userconfig", "result": [
                "username": name,
                "indexes": Dictionary(uniqueKeysWithValues: indices.map { ($0.path.index, Self.indexJSON($0.path, $0.settings)) }),
            ]])
        case .put:
            let identity = try await authenticate(request)
            try service.requireRoot(identity)
            let body = try await jsonBody(request, context: context)
            guard let password = body["password"] as? String, !password.isEmpty else {
                throw StoreError.badRequest("a new user needs {\"password\": \"…\"}")
            }
            try service.catalog.createUser(name, passwordHash: try PasswordHasher.hash(password))
            return Self.json(["type": "userconfig", "result": ["username": name]], status: .created)
        default:
            throw StoreError(.badRequest, "\(request.method) is not supported on /\(name)")
        }
    }

    private func indexResource(_ index: IndexID, _ request: Request, context: some RequestContext) async throws -> Response {
        switch request.method {
        case .get, .head:
            guard let settings = try service.catalog.settings(of: index) else { throw StoreError.notFound("index \(index) does not exist") }
            var result = Self.indexJSON(index, settings)
            result["projects"] = try service.catalog.projects(in: [index])
            return Self.json(["type": "indexconfig", "result": result])
        case .put:
            let identity = try await authenticate(request)
            try service.requireOwner(identity, of: index)
            let body = try await jsonBody(request, context: context)
            var settings = IndexSettings()
            if let type = body["type"] as? String, type != "stage" {
                throw StoreError.badRequest("index type '\(type)' is not supported: use 'stage'")
            }
            settings.bases = try body["bases"].map(Self.indexList) ?? []
            settings.volatile = (body["volatile"] as? Bool) ?? false
            settings.aclUpload = (body["acl_upload"] as? [String]) ?? []
            try service.catalog.createIndex(index, settings: settings)
            return Self.json(["type": "indexconfig", "result": Self.indexJSON(index, settings)], status: .created)
        case .patch:
            let identity = try await authenticate(request)
            try service.requireOwner(identity, of: index)
            let body = try await jsonBody(request, context: context)
            let bases = try body["bases"].map(Self.indexList)
            let settings = try service.catalog.updateIndex(index) { settings in
                if let bases { settings.bases = bases }
                if let acl = body["acl_upload"] as? [String] { settings.aclUpload = acl }
                if let volatile = body["volatile"] as? Bool { settings.volatile = volatile }
            }
            return Self.json(["type": "indexconfig", "result": Self.indexJSON(index, settings)])
        default:
            throw StoreError(.badRequest, "\(request.method) is not supported on /\(index)")
        }
    }

    private func createToken(_ request: Request, context: some RequestContext) async throws -> Response {
        let identity = try await authenticate(request)
        guard identity.tokenScope == nil else { throw StoreError.forbidden("a token cannot create tokens: log in with a password") }
        let body = try await jsonBody(request, context: context)
        let indices = try body["indices"].map(Self.indexList)
        let (id, secret, token) = APIToken.make()
        try service.catalog.createToken(id: id, user: identity.user, secretHash: APIToken.secretHash(secret), indices: indices)
        return Self.json(["type": "token", "result": ["token": token, "id": id, "user": identity.user]], status: .created)
    }

    /// A token's owner or root may revoke it; it stops working at once.
    private func revokeToken(_ id: String, _ request: Request) async throws -> Response {
        let identity = try await authenticate(request)
        guard let token = try service.catalog.token(id) else { throw StoreError.notFound("no live token \(id)") }
        guard token.user == identity.user || identity.isRoot else { throw StoreError.forbidden("only its owner or root may revoke token \(id)") }
        try service.catalog.revokeToken(id)
        return Self.json(["type": "token", "result": ["id": id, "revoked": true]])
    }

    private func yank(_ index: IndexID, filename: String, _ request: Request, context: some RequestContext) async throws -> Response {
        let identity = try await authenticate(request)
        _ = try service.requireUpload(identity, to: index)
        let body = try await jsonBody(request, context: context)
        let yanked = (body["yanked"] as? Bool) ?? true
        let file = try service.catalog.setYanked(index, filename, yanked: yanked, reason: body["reason"] as? String)
        return Self.json(["type": "file", "result": ["filename": file.filename, "yanked": file.yanked, "reason": file.yankReason ?? ""]])
    }

    /// devpi's `DELETE /USER/INDEX/NAME/VERSION`, for volatile indices only.
    private func deleteVersion(_ index: IndexID, project: String, version: String, _ request: Request) async throws -> Response {
        let identity = try await authenticate(request)
        _ = try service.requireUpload(identity, to: index)
        let canonical = (try? Version(version).description) ?? version
        let removed = try service.catalog.deleteVersion(index, project: ProjectName.normalize(project), version: canonical)
        return Self.json(["type": "deleted", "result": ["files": removed]])
    }

    // MARK: Simple API

    private func simple(_ index: IndexID, _ rest: [String], trailingSlash: Bool, request: Request) throws -> Response {
        guard request.method == .get || request.method == .head else {
            throw StoreError(.badRequest, "the simple API is read-only")
        }
        guard let format = SimpleFormat.negotiate(request.headers[.accept]) else {
            return Self.text("none of the accepted types is offered: \(SimpleFormat.allCases.map(\.rawValue).joined(separator: ", "))\n", status: .notAcceptable)
        }
        switch rest.count {
        case 0:
            guard trailingSlash else { return Self.redirect(to: "/\(index)/+simple/") }
            return try cachedPage(request, format: format) {
                let order = try service.catalog.resolutionOrder(of: index)
                guard !order.isEmpty else { throw StoreError.notFound("index \(index) does not exist") }
                return SimplePages.projectList(try service.catalog.projects(in: order), format: format)
            }
        case 1:
            let normalized = ProjectName.normalize(rest[0])
            guard normalized == rest[0], trailingSlash else { return Self.redirect(to: "/\(index)/+simple/\(normalized)/") }
            return try cachedPage(request, format: format) {
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

    /// A page by (catalog generation, path, format): rendered once per change of the catalog,
    /// with an ETag from its bytes so that revalidation is a 304.
    private func cachedPage(_ request: Request, format: SimpleFormat, render: () throws -> String) throws -> Response {
        try cached(request, key: "\(request.uri.path)|\(format.rawValue)", contentType: format.contentType, cacheControl: "max-age=60, public", render: render)
    }

    /// A page for people, kept like the simple pages until the catalog changes (the key holds the
    /// query, for filters and page numbers, and the host, which the pip command on it names).
    private func htmlPage(_ request: Request, render: () throws -> String) throws -> Response {
        let key = "html|\(request.head.authority ?? "")|\(request.uri.path)?\(request.uri.query ?? "")"
        // Revalidated on every view (a person expects a new upload to show at once); the ETag makes that cheap.
        return try cached(request, key: key, contentType: "text/html; charset=utf-8", cacheControl: "no-cache", render: render)
    }

    private func cached(_ request: Request, key: String, contentType: String, cacheControl: String, render: () throws -> String) throws -> Response {
        let page = try pageCache.page(key, generation: service.catalog.generation(), render: render)
        var headers: HTTPFields = [.contentType: contentType, .eTag: page.etag, .vary: "Accept", .cacheControl: cacheControl]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: " ") == page.etag }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(page.body.readableBytes)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: page.body))
    }

    // MARK: Files

    private func file(
        _ index: IndexID, hashPrefix: String, hashRest: String, filename requested: String,
        _ request: Request, context: some RequestContext
    ) async throws -> Response {
        let wantsMetadata = requested.hasSuffix(".metadata")
        let filename = wantsMetadata ? String(requested.dropLast(".metadata".count)) : requested
        guard let stored = try service.catalog.file(index, filename), stored.sha256 == hashPrefix + hashRest else {
            throw StoreError.notFound("no file \(requested) in \(index)")
        }
        if wantsMetadata {
            guard let metadata = try service.catalog.coreMetadata(index, filename) else {
                throw StoreError.notFound("\(filename) has no core metadata file")
            }
            return Response(status: .ok, headers: [
                .contentType: "text/plain; charset=utf-8", .contentLength: String(metadata.count),
                .cacheControl: "max-age=31536000, immutable", .eTag: "\"\(stored.metadataSHA256 ?? stored.sha256)\"",
            ], body: request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: metadata)))
        }
        let sha256 = stored.sha256
        let path = service.blobs.path(of: sha256).path
        let size = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.intValue ?? 0)
        var headers: HTTPFields = [
            .contentType: "application/octet-stream",
            .cacheControl: "max-age=31536000, immutable",
            .acceptRanges: "bytes",
            .eTag: "\"\(sha256)\"",
        ]
        if let rangeHeader = request.headers[.range], let range = Self.byteRange(rangeHeader, size: size) {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            headers[.contentLength] = String(range.count)
            let body = request.method == .head ? ResponseBody() : try await FileIO().loadFile(path: path, range: range, context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        }
        headers[.contentLength] = String(size)
        let body = request.method == .head || size == 0 ? ResponseBody() : try await FileIO().loadFile(path: path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range; several are served whole).
    static func byteRange(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard size > 0, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        if spec[0].isEmpty {
            guard let suffix = Int(spec[1]), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(spec[0]), start < size else { return nil }
        let end = spec[1].isEmpty ? size - 1 : min(Int(spec[1]) ?? (size - 1), size - 1)
        return start <= end ? start...end : nil
    }

    // MARK: Upload

    private func upload(to index: IndexID, _ request: Request, context: some RequestContext) async throws -> Response {
        let identity = try await authenticate(request)
        _ = try service.requireUpload(identity, to: index)
        guard let contentType = request.headers[.contentType],
              let boundary = MultipartParser.boundary(fromContentType: contentType) else {
            throw StoreError(.badRequest, "an upload is multipart/form-data with a boundary (as twine sends it)")
        }
        let form = try await UploadForm.read(request.body, boundary: boundary, blobs: service.blobs, limits: limits)
        guard let blob = form.content, let filename = form.filename else {
            form.discard(service.blobs)
            throw StoreError.badRequest("the upload has no 'content' file part")
        }
        if let action = form.fields[":action"], action != "file_upload" {
            form.discard(service.blobs)
            throw StoreError.badRequest(":action '\(action)' is not supported: only file_upload")
        }
        let declared = IndexService.DeclaredDigests(
            sha256: form.fields["sha256_digest"], md5: form.fields["md5_digest"], blake2b256: form.fields["blake2_256_digest"]
        )
        let outcome = try service.upload(blob, filename: filename, to: index, by: identity, declared: declared,
                                         provenance: form.fields["provenance"], buildLog: form.buildLog)
        switch outcome {
        case .stored(let file):
            return Self.json(["type": "file", "result": ["filename": file.filename, "sha256": file.sha256, "url": SimplePages.url(of: file)]])
        case .alreadyPresent(let file):
            return Self.json(["type": "file", "result": ["filename": file.filename, "sha256": file.sha256, "unchanged": true]])
        }
    }

    // MARK: For builders and people

    /// `/+builds/` (GET a page, POST a run's report), `/+builds/RUN/ITEM.log`, `/+search`, `/+static/style.css`.
    private func site(_ components: [String], _ request: Request, context: some RequestContext) async throws -> Response {
        switch (components.count, components[0], request.method) {
        case (1, "+builds", .get), (1, "+builds", .head):
            return try htmlPage(request) { try web.builds() }
        case (1, "+builds", .post):
            let identity = try await authenticate(request)
            let buffer = try await request.body.collect(upTo: 64 << 20)
            let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
            guard (try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any] else {
                throw StoreError.badRequest("a build report is a JSON object")
            }
            let id = try service.catalog.addBuildRun(reporter: identity.user, report: text)
            return Self.json(["type": "buildrun", "result": ["id": id, "url": "/+builds/#run-\(id)"]], status: .created)
        case (3, "+builds", .get):
            return try web.buildLog(run: components[1], item: components[2])
        case (1, "+search", .get):
            return try htmlPage(request) { try web.search(request) }
        case (2, "+static", .get) where components[1] == "style.css":
            return web.stylesheet()
        default:
            throw StoreError.notFound("no such resource: \(request.uri.path)")
        }
    }

    /// Every file of the index itself (not its bases) with its provenance: what a builder's
    /// plan asks once per index instead of once per project.
    private func fileList(_ index: IndexID) throws -> Response {
        guard try service.catalog.settings(of: index) != nil else { throw StoreError.notFound("no index \(index)") }
        let files = try service.catalog.files(in: index).map { file -> [String: Any] in
            var entry: [String: Any] = ["filename": file.filename, "project": file.project, "version": file.version,
                                        "sha256": file.sha256, "size": file.size, "yanked": file.yanked]
            if let provenance = file.provenance, let object = try? JSONSerialization.jsonObject(with: Data(provenance.utf8)) {
                entry["provenance"] = object
            }
            return entry
        }
        return Self.json(["type": "list:files", "result": files])
    }

    /// The build log attached to a file, as text.
    private func buildLog(_ index: IndexID, filename: String, _ request: Request, context: some RequestContext) async throws -> Response {
        guard let stored = try service.catalog.file(index, filename), let sha256 = stored.buildLogSHA256 else {
            throw StoreError.notFound("no build log for \(filename) in \(index)")
        }
        let path = service.blobs.path(of: sha256).path
        let body = request.method == .head ? ResponseBody() : try await FileIO().loadFile(path: path, context: context)
        return Response(status: .ok, headers: [
            .contentType: "text/plain; charset=utf-8", .cacheControl: "max-age=31536000, immutable", .eTag: "\"\(sha256)\"",
        ], body: body)
    }

    // MARK: Helpers

    private func authenticate(_ request: Request) async throws -> Identity {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: " ")),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else {
            throw StoreError(.unauthorized, "log in with HTTP basic auth: USER:PASSWORD or __token__:TOKEN")
        }
        let user = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        guard let identity = try await service.authenticator.authenticate(user: user, password: password) else {
            throw StoreError(.unauthorized, "wrong user name, password or token")
        }
        return identity
    }

    private func jsonBody(_ request: Request, context: some RequestContext) async throws -> [String: Any] {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        guard buffer.readableBytes > 0 else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)), let dictionary = object as? [String: Any] else {
            throw StoreError.badRequest("the request body is not a JSON object")
        }
        return dictionary
    }

    private static func indexList(_ value: Any) throws -> [IndexID] {
        if let text = value as? String { return try text.split(separator: ",").map { try IndexID(String($0).trimmingCharacters(in: " ")) } }
        guard let list = value as? [String] else { throw StoreError.badRequest("expected a list of USER/INDEX names") }
        return try list.map { try IndexID($0) }
    }

    static func indexJSON(_ path: IndexID, _ settings: IndexSettings) -> [String: Any] {
        ["type": settings.type, "bases": settings.bases.map(\.description), "volatile": settings.volatile,
         "acl_upload": [path.user] + settings.aclUpload.filter { $0 != path.user }]
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let body = SimplePages.json(object)
        return Response(status: status, headers: [.contentType: "application/json", .contentLength: String(body.utf8.count)],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType, .contentLength: String(text.utf8.count)],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(to location: String) -> Response {
        Response(status: .movedPermanently, headers: [.location: location, .contentLength: "0"])
    }

    /// A refusal: the status from the error's kind and the message as the body. (SwiftNIO
    /// writes the standard reason phrase for known codes, so the message goes in the body,
    /// where twine, pip and uv show it.)
    static func errorResponse(_ error: StoreError) -> Response {
        let code: Int
        switch error.kind {
        case .badRequest: code = 400
        case .unauthorized: code = 401
        case .forbidden: code = 403
        case .notFound: code = 404
        case .conflict: code = 409
        case .tooLarge: code = 413
        case .unavailable: code = 503
        }
        var response = text(error.message + "\n", status: HTTPResponse.Status(code: code))
        if error.kind == .unauthorized {
            response.headers[.wwwAuthenticate] = "Basic realm=\"wheelwright\""
        }
        return response
    }
}
