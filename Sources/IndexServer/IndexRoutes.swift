import Foundation
import HTTPTypes
import Hummingbird
import IndexAPI
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

    func dispatch(_ request: Request, context: IndexRequestContext) async throws -> Response {
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
}
