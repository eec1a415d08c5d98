import Hummingbird
import IndexAPI
import IndexStore
import Logging

/// Authentication and the shapes of answers: JSON, text, redirects, refusals.
extension IndexRoutes {
    /// The caller's identity from HTTP basic auth; a 401 without credentials or with wrong ones.
    func authenticate(_ request: Request, context: IndexRequestContext) async throws -> Identity {
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
