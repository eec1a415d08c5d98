import HTTPTypes
import Hummingbird
import IndexAPI
import IndexStore

/// Authentication and the shapes of answers: JSON, text, redirects, refusals.
extension IndexRoutes {
    /// The caller's identity from devpi's session header or HTTP basic auth (recorded for the
    /// request log); a 401 without credentials or with wrong ones.
    func authenticate(_ request: Request, context: IndexRequestContext) async throws -> Identity {
        let identity = try await identify(request, context: context)
        context.principal.authenticated(as: identity.user)
        return identity
    }

    private func identify(_ request: Request, context: IndexRequestContext) async throws -> Identity {
        if let session = request.headers[Self.devpiAuth] {
            guard let (user, key) = BasicCredentials.parse("Basic " + session),
                  let identity = try await service.authenticate(user: user, session: key, from: context.clientAddress) else {
                throw StoreError(.unauthorized, "the devpi session has expired or is not valid: log in again (devpi login USER)")
            }
            return identity
        }
        guard let header = request.headers[.authorization], let (user, password) = BasicCredentials.parse(header) else {
            throw StoreError(.unauthorized, "log in with HTTP basic auth: USER:PASSWORD or __token__:TOKEN")
        }
        guard let identity = try await service.authenticate(user: user, password: password, from: context.clientAddress) else {
            throw StoreError(.unauthorized, "wrong user name, password or token")
        }
        return identity
    }

    static let devpiAuth = HTTPField.Name("X-Devpi-Auth")!
    /// devpi-client checks every JSON answer for the API version it speaks.
    static let apiVersion = HTTPField.Name("X-Devpi-Api-Version")!

    static func indexConfig(_ path: IndexID, _ settings: IndexSettings) -> IndexConfig {
        IndexConfig(type: settings.type, bases: settings.bases.map(\.description), volatile: settings.volatile,
                    aclUpload: [path.user] + settings.aclUpload.filter { $0 != path.user }, aclRead: settings.aclRead,
                    mirrorURL: settings.mirrorURL, mirrorCacheExpiry: settings.isMirror ? settings.mirrorCacheExpiry ?? IndexSettings.defaultCacheExpiry : nil,
                    gate: settings.gate?.rawValue)
    }

    /// A JSON answer: keys sorted, so equal documents are equal bytes.
    static func json(_ document: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let body = SimplePages.json(document)
        return Response(status: status, headers: [.contentType: "application/json", .contentLength: String(body.utf8.count), apiVersion: "2"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// A refusal's message: JSON `{"message": …}` for devpi-client (which asks for exactly JSON
    /// and prints it), text for everyone else (twine, pip and uv print the body).
    static func refusal(_ message: String, status: HTTPResponse.Status, request: Request) -> Response {
        request.headers[.accept] == "application/json" ? json(APIMessage(message: message), status: status) : text(message + "\n", status: status)
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType, .contentLength: String(text.utf8.count)],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(to location: String) -> Response {
        Response(status: .movedPermanently, headers: [.location: location, .contentLength: "0"])
    }
}
