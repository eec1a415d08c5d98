import Hummingbird
import IndexAPI
import IndexStore

/// What devpi-client asks before anything else: `+api` (where things are, who it is) and
/// `+login` (a password for a session key).
extension IndexRoutes {
    func apiConfig(_ index: IndexID?, _ request: Request, context: IndexRequestContext) async throws -> Response {
        if let index, try await service.settings(of: index) == nil { throw StoreError.notFound("index \(index) does not exist") }
        var status = AuthStatus(status: "noauth", user: "")
        if request.headers[Self.devpiAuth] != nil || request.headers[.authorization] != nil {
            do {
                status = AuthStatus(status: "ok", user: try await authenticate(request, context: context).user)
            } catch let error as StoreError where error.kind == .unauthorized {
                status = AuthStatus(status: "invalid", user: "")
            }
        }
        return Self.json(Envelope(type: "apiconfig", result: APIConfig(login: pathPrefix + "/+login", authstatus: status, index: index?.description)))
    }

    func login(_ request: Request, context: IndexRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request, allowed: LoginRequest.keys)
        guard let user = try body.string("user"), let password = try body.string("password"), !user.isEmpty else {
            throw StoreError.badRequest("user, password: a login is {\"user\": …, \"password\": …}")
        }
        guard user.utf8.count <= 128, password.utf8.count <= 1024,
              let session = try await service.login(user: user, password: password, from: context.clientAddress) else {
            throw StoreError(.unauthorized, "user \(user) could not be authenticated")
        }
        return Self.json(Envelope(type: "proxyauth", result: ProxyAuthResult(password: session.key, expiration: session.expiration)))
    }
}
