import Foundation
import HTTPTypes
import Hummingbird
import IndexAPI
import IndexStore
import Logging
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

    /// Every request ends here: the answer (a refusal is an answer too), with the headers every
    /// response carries, and no body for HEAD.
    func handle(_ request: Request, context: IndexRequestContext) async throws -> Response {
        var response: Response
        do {
            response = try await dispatch(request, context: context)
        } catch let error as StoreError {
            response = Self.errorResponse(error)
        } catch let error as SchemaError {
            response = Self.errorResponse(StoreError.badRequest(error.description))
        } catch let refusal as MethodNotAllowed {
            response = Self.methodNotAllowed(refusal)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            response = Self.errorResponse(StoreError(.tooLarge, "the request body is larger than this resource accepts"))
        }
        // Cached pages carry these already (made once per page); every other response gets them here.
        if response.headers[.xContentTypeOptions] == nil { Self.addSecurityHeaders(&response.headers) }
        if request.method == .head { response.body = ResponseBody() }
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

    /// Pages load only their own stylesheet; no script, no frames, no form posts elsewhere.
    static let pagePolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    private func dispatch(_ request: Request, context: IndexRequestContext) async throws -> Response {
        let rawPath = request.uri.path
        guard rawPath.utf8.count <= limits.maximumPathBytes else {
            throw StoreError(.badRequest, "the path is \(rawPath.utf8.count) bytes; at most \(limits.maximumPathBytes) are accepted")
        }
        if let query = request.uri.query, query.utf8.count > limits.maximumQueryBytes {
            throw StoreError(.badRequest, "the query string is \(query.utf8.count) bytes; at most \(limits.maximumQueryBytes) are accepted")
        }
        let trailingSlash = rawPath.count > 1 && rawPath.hasSuffix("/")
        let components = try rawPath.split(separator: "/").map { part in
            guard let decoded = String(part).removingPercentEncoding else { throw StoreError.badRequest("the path has a bad percent-encoding: \(part)") }
            return decoded
        }
        let method = request.method
        guard Self.methods.contains(method) else {
            throw MethodNotAllowed(method: method, allowed: Self.methods)
        }

        let read = method == .get || method == .head
        let html = read && WebPages.prefersHTML(request.headers[.accept])
        if components.first == "+builds" || components.first == "+search" || components.first == "+static" {
            return try await site(components, request, context: context)
        }
        switch components.count {
        case 0:
            try Self.allow(method, [.get, .head])
            return try html ? htmlPage(request, key: "root") { try web.root() } : root()
        case 1 where components[0] == "+health":
            try Self.allow(method, [.get, .head])
            return Self.text("ok\n")
        case 1 where components[0] == "+metrics":
            try Self.allow(method, [.get, .head])
            return Self.text(metricsText(), contentType: "text/plain; version=0.0.4")
        case 1 where components[0] == "+tokens":
            try Self.allow(method, [.post])
            return try await createToken(request, context: context)
        case 2 where components[0] == "+tokens":
            try Self.allow(method, [.delete])
            return try await revokeToken(components[1], request, context: context)
        case 1:
            return try await user(components[0], request, context: context)
        case 2:
            let index = try IndexID(user: components[0], index: components[1])
            try Self.allow(method, [.get, .head, .put, .patch, .post])
            if method == .post { return try await upload(to: index, request, context: context) }
            if html {
                let query = try RequestQuery(request.uri.query)
                let filter = ProjectName.normalize(query["filter"] ?? "")
                let page = try query.integer("page", in: 1...WebPages.maximumPage) ?? 1
                return try htmlPage(request, key: "index|\(index)|\(filter)|\(page)") { try web.index(index, filter: filter, page: page) }
            }
            return try await indexResource(index, request, context: context)
        default:
            let index = try IndexID(user: components[0], index: components[1])
            let rest = Array(components.dropFirst(2))
            switch rest[0] {
            case "legacy" where rest.count == 1:
                try Self.allow(method, [.post])
                return try await upload(to: index, request, context: context)
            case "+simple":
                try Self.allow(method, [.get, .head])
                return try simple(index, Array(rest.dropFirst()), trailingSlash: trailingSlash, request: request)
            case "+f" where rest.count == 4:
                try Self.allow(method, [.get, .head])
                return try await file(index, hashPrefix: rest[1], hashRest: rest[2], filename: rest[3], request, context: context)
            case "+files" where rest.count == 1:
                try Self.allow(method, [.get, .head])
                return try fileList(index)
            case "+log" where rest.count == 2:
                try Self.allow(method, [.get, .head])
                return try await buildLog(index, filename: rest[1], request, context: context)
            case "+yank" where rest.count == 2:
                try Self.allow(method, [.post])
                return try await yank(index, filename: rest[1], request, context: context)
            case let name where rest.count == 1 && !name.hasPrefix("+"):
                try Self.allow(method, [.get, .head])
                let normalized = ProjectName.normalize(name)
                return try htmlPage(request, key: "project|\(index)|\(normalized)") { try web.project(index, name: normalized) }
            case let name where rest.count == 2 && !name.hasPrefix("+"):
                try Self.allow(method, [.delete])
                return try await deleteVersion(index, project: rest[0], version: rest[1], request, context: context)
            default:
                throw StoreError.notFound("no such resource: \(rawPath)")
            }
        }
    }

    static let methods: [HTTPRequest.Method] = [.get, .head, .put, .patch, .post, .delete]

    /// A 405 naming the methods the resource takes, unless `method` is one of them.
    static func allow(_ method: HTTPRequest.Method, _ allowed: [HTTPRequest.Method]) throws(MethodNotAllowed) {
        guard allowed.contains(method) else { throw MethodNotAllowed(method: method, allowed: allowed) }
    }

    // MARK: Management (devpi-compatible JSON)

    private func root() throws -> Response {
        let indices = try service.catalog.indices()
        var users: [String: UserConfig] = [:]
        for name in try service.catalog.users() {
            let own = indices.filter { $0.path.user == name }
            users[name] = UserConfig(username: nil, indexes: Dictionary(uniqueKeysWithValues: own.map { ($0.path.index, Self.indexConfig($0.path, $0.settings)) }))
        }
        return Self.json(Envelope(type: "list:userconfig", result: users))
    }

    private func user(_ rawName: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        try StoreName.validate(rawName, what: "user")
        let name = rawName.lowercased()
        try Self.allow(request.method, [.get, .head, .put, .patch])
        switch request.method {
        case .put:
            let identity = try await authenticate(request, context: context)
            try service.authorize(identity, .createUser(name))
            let body = try await JSONBody.read(request, allowed: UserRequest.keys)
            guard let password = try body.string("password"), !password.isEmpty else {
                throw StoreError.badRequest("password: a new user needs {\"password\": \"…\"}")
            }
            try Self.checkPassword(password)
            try service.catalog.createUser(name, passwordHash: try PasswordHasher.hash(password), builder: try body.bool("builder") ?? false)
            return Self.json(Envelope(type: "userconfig", result: UserConfig(username: name, indexes: nil)), status: .created)
        case .patch:
            let identity = try await authenticate(request, context: context)
            try service.authorize(identity, .modifyUser(name))
            let body = try await JSONBody.read(request, allowed: UserRequest.keys)
            let builder = try body.bool("builder")
            if builder != nil, identity.isRoot == false { throw StoreError.forbidden("builder: only root may mark a user as a builder") }
            let password = try body.string("password")
            if let password { try Self.checkPassword(password) }
            try service.catalog.updateUser(name, passwordHash: try password.map(PasswordHasher.hash), builder: builder)
            if password != nil { service.authenticator.forget() }
            return Self.json(Envelope(type: "userconfig", result: UserConfig(username: name, indexes: nil)))
        default:
            guard try service.catalog.userExists(name) else { throw StoreError.notFound("user \(name) does not exist") }
            let indices = try service.catalog.indices().filter { $0.path.user == name }
            return Self.json(Envelope(type: "userconfig", result: UserConfig(
                username: name, indexes: Dictionary(uniqueKeysWithValues: indices.map { ($0.path.index, Self.indexConfig($0.path, $0.settings)) })
            )))
        }
    }

    /// Passwords are text of 1 to 1,024 bytes (the derivation's cost grows with nothing else).
    static func checkPassword(_ password: String) throws(StoreError) {
        guard (1...1024).contains(password.utf8.count) else { throw .badRequest("password: use 1 to 1,024 bytes") }
    }

    private func indexResource(_ index: IndexID, _ request: Request, context: IndexRequestContext) async throws -> Response {
        switch request.method {
        case .put:
            let identity = try await authenticate(request, context: context)
            try service.authorize(identity, .createIndex(index))
            let body = try await JSONBody.read(request, allowed: IndexRequest.keys)
            var settings = IndexSettings()
            if let type = try body.string("type"), type != "stage" {
                throw StoreError.badRequest("type: index type '\(type)' is not supported: use 'stage'")
            }
            settings.bases = try body.indexList("bases") ?? []
            settings.volatile = try body.bool("volatile") ?? false
            settings.aclUpload = try body.userList("acl_upload") ?? []
            try service.catalog.createIndex(index, settings: settings)
            return Self.json(Envelope(type: "indexconfig", result: Self.indexConfig(index, settings)), status: .created)
        case .patch:
            let identity = try await authenticate(request, context: context)
            try service.authorize(identity, .modifyIndex(index))
            let body = try await JSONBody.read(request, allowed: IndexRequest.keys)
            if let type = try body.string("type"), type != "stage" {
                throw StoreError.badRequest("type: index type '\(type)' is not supported: use 'stage'")
            }
            let bases = try body.indexList("bases")
            let acl = try body.userList("acl_upload")
            let volatile = try body.bool("volatile")
            let settings = try service.catalog.updateIndex(index) { settings in
                if let bases { settings.bases = bases }
                if let acl { settings.aclUpload = acl }
                if let volatile { settings.volatile = volatile }
            }
            return Self.json(Envelope(type: "indexconfig", result: Self.indexConfig(index, settings)))
        default:
            guard let settings = try service.catalog.settings(of: index) else { throw StoreError.notFound("index \(index) does not exist") }
            var result = Self.indexConfig(index, settings)
            result.projects = try service.catalog.projects(in: [index])
            return Self.json(Envelope(type: "indexconfig", result: result))
        }
    }

    private func createToken(_ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        let body = try await JSONBody.read(request, allowed: ["indices"])
        let indices = try body.indexList("indices")
        try service.authorize(identity, .createToken(scope: indices))
        let (id, secret, token) = APIToken.make()
        try service.catalog.createToken(id: id, user: identity.user, secretHash: APIToken.secretHash(secret), indices: indices)
        return Self.json(Envelope(type: "token", result: TokenCreated(token: token, id: id, user: identity.user)), status: .created)
    }

    /// A token's owner or root may revoke it, and a token itself; it stops working at once.
    private func revokeToken(_ id: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        guard id.utf8.count <= 64, let owner = try service.catalog.tokenOwner(id) else { throw StoreError.notFound("no token \(id)") }
        try service.authorize(identity, .revokeToken(id: id, owner: owner))
        try service.catalog.revokeToken(id)
        return Self.json(Envelope(type: "token", result: TokenRevoked(id: id, revoked: true)))
    }

    private func yank(_ index: IndexID, filename: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        try service.authorize(identity, .yank(index))
        let body = try await JSONBody.read(request, allowed: YankRequest.keys)
        let yanked = try body.bool("yanked") ?? true
        let reason = try body.string("reason")
        if let reason, reason.utf8.count > 1024 { throw StoreError.badRequest("reason: at most 1,024 bytes") }
        let file = try service.catalog.setYanked(index, filename, yanked: yanked, reason: reason)
        return Self.json(Envelope(type: "file", result: YankResult(filename: file.filename, yanked: file.yanked, reason: file.yankReason ?? "")))
    }

    /// devpi's `DELETE /USER/INDEX/NAME/VERSION`, for volatile indices only.
    private func deleteVersion(_ index: IndexID, project: String, version: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        try service.authorize(identity, .deleteVersion(index))
        let canonical = (try? Version(version).description) ?? version
        let removed = try service.catalog.deleteVersion(index, project: ProjectName.normalize(project), version: canonical)
        return Self.json(Envelope(type: "deleted", result: DeletedFiles(files: removed)))
    }

    // MARK: Simple API

    private func simple(_ index: IndexID, _ rest: [String], trailingSlash: Bool, request: Request) throws -> Response {
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
    private func htmlPage(_ request: Request, key: String, render: () throws -> String) throws -> Response {
        // Revalidated on every view (a person expects a new upload to show at once); the ETag makes that cheap.
        try cached(request, key: "html|" + key, contentType: "text/html; charset=utf-8", cacheControl: "no-cache", render: render)
    }

    private func cached(_ request: Request, key: String, contentType: String, cacheControl: String, render: () throws -> String) throws -> Response {
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

    // MARK: Files

    private func file(
        _ index: IndexID, hashPrefix: String, hashRest: String, filename requested: String,
        _ request: Request, context: IndexRequestContext
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
        guard let blob = stored.blob else { throw StoreError(.internalError, "\(filename) in \(index) has no valid blob digest in the catalog") }
        let sha256 = blob.digest.hex
        let path = try service.blobs.checkedPath(blob).path
        let size = Int(blob.size)
        var headers: HTTPFields = [
            .contentType: "application/octet-stream",
            .cacheControl: "max-age=31536000, immutable",
            .acceptRanges: "bytes",
            .eTag: "\"\(sha256)\"",
        ]
        if let rangeHeader = request.headers[.range], let range = ByteRange.parse(rangeHeader, size: size) {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            headers[.contentLength] = String(range.count)
            let body = request.method == .head ? ResponseBody() : try await FileIO().loadFile(path: path, range: range, context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        }
        headers[.contentLength] = String(size)
        let body = request.method == .head || size == 0 ? ResponseBody() : try await FileIO().loadFile(path: path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: Upload

    private func upload(to index: IndexID, _ request: Request, context: IndexRequestContext) async throws -> Response {
        let identity = try await authenticate(request, context: context)
        try service.authorize(identity, .upload(index))
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
            return Self.json(Envelope(type: "file", result: UploadResult(filename: file.filename, sha256: file.sha256, url: SimplePages.url(of: file))))
        case .alreadyPresent(let file):
            return Self.json(Envelope(type: "file", result: UploadResult(filename: file.filename, sha256: file.sha256, unchanged: true)))
        }
    }

    // MARK: For builders and people

    /// `/+builds/` (GET a page, POST a run's report), `/+builds/RUN/ITEM.log`, `/+search`, `/+static/style.css`.
    private func site(_ components: [String], _ request: Request, context: IndexRequestContext) async throws -> Response {
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
    private func fileList(_ index: IndexID) throws -> Response {
        guard try service.catalog.settings(of: index) != nil else { throw StoreError.notFound("no index \(index)") }
        let files = try service.catalog.files(in: index).map { file in
            FileEntry(filename: file.filename, project: file.project, version: file.version, sha256: file.sha256,
                      size: file.size, yanked: file.yanked, provenance: file.provenance)
        }
        return Self.json(Envelope(type: "list:files", result: files))
    }

    /// The build log attached to a file, as text.
    private func buildLog(_ index: IndexID, filename: String, _ request: Request, context: IndexRequestContext) async throws -> Response {
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

    // MARK: Helpers

    /// The caller's identity from HTTP basic auth; a 401 without credentials or with wrong ones.
    private func authenticate(_ request: Request, context: IndexRequestContext) async throws -> Identity {
        guard let header = request.headers[.authorization], let (user, password) = BasicCredentials.parse(header) else {
            throw StoreError(.unauthorized, "log in with HTTP basic auth: USER:PASSWORD or __token__:TOKEN")
        }
        guard let identity = try await service.authenticator.authenticate(user: user, password: password, from: context.clientAddress) else {
            throw StoreError(.unauthorized, "wrong user name, password or token")
        }
        return identity
    }

    static func indexConfig(_ path: IndexID, _ settings: IndexSettings) -> IndexConfig {
        IndexConfig(type: settings.type, bases: settings.bases.map(\.description), volatile: settings.volatile,
                    aclUpload: [path.user] + settings.aclUpload.filter { $0 != path.user })
    }

    /// A JSON answer: keys sorted, so equal documents are equal bytes.
    static func json(_ document: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let body = SimplePages.json(document)
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
        case .tooManyRequests: code = 429
        case .internalError: code = 500
        case .unavailable: code = 503
        case .insufficientStorage: code = 507
        }
        var response = text(error.message + "\n", status: HTTPResponse.Status(code: code))
        if error.kind == .unauthorized {
            response.headers[.wwwAuthenticate] = "Basic realm=\"wheelwright\""
        }
        if let seconds = error.retryAfter { response.headers[.retryAfter] = String(seconds) }
        if error.kind == .internalError {
            // The operator's log names the damaged file; the client learns only that it failed.
            Self.logger.error("\(error.message)")
        }
        return response
    }

    /// A 405 with the methods the resource takes.
    static func methodNotAllowed(_ refusal: MethodNotAllowed) -> Response {
        var response = text(refusal.description + "\n", status: .methodNotAllowed)
        response.headers[.allow] = refusal.allowed.map(\.rawValue).joined(separator: ", ")
        return response
    }

    static let logger = Logger(label: "wheelwright.serve")
}
