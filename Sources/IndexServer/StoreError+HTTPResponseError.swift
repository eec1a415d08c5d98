import Hummingbird
import IndexAPI
import IndexStore
import Logging

/// A refusal is an answer: the status from the error's kind and the message as a text body,
/// where pip, uv and `twine --verbose` show it; an upload's refusal also puts it in the status
/// line (`IndexRoutes.upload`, `ReasonPhraseWriter`), which twine always shows.
extension StoreError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .tooManyRequests: .tooManyRequests
        case .internalError: .internalServerError
        case .unavailable: .serviceUnavailable
        case .insufficientStorage: HTTPResponse.Status(code: 507)
        case .badGateway: .badGateway
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = IndexRoutes.refusal(message, status: status, request: request)
        if kind == .unauthorized {
            response.headers[.wwwAuthenticate] = "Basic realm=\"wheelwright\""
            // devpi-client forgets a stale login when a 401 points to where to log in again.
            response.headers[.location] = "/+login"
        }
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if kind == .internalError {
            // The operator's log names the damaged file; the client learns only that it failed.
            Self.logger.error("\(message)")
        }
        return response
    }

    static let logger = Logger(label: "wheelwright.serve")
}
