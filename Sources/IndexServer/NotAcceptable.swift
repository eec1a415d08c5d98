import Hummingbird
import IndexAPI

/// No type in `Accept` is one the simple API offers: a 406 naming those it does.
struct NotAcceptable: HTTPResponseError {
    var status: HTTPResponse.Status { .notAcceptable }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        IndexRoutes.text("none of the accepted types is offered: \(SimpleFormat.allCases.map(\.rawValue).joined(separator: ", "))\n", status: status)
    }
}
