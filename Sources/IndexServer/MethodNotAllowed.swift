import Hummingbird

/// A method the resource does not take: a 405 with `Allow`.
struct MethodNotAllowed: HTTPResponseError, CustomStringConvertible {
    let method: HTTPRequest.Method
    let allowed: [HTTPRequest.Method]

    var status: HTTPResponse.Status { .methodNotAllowed }

    var description: String { "\(method) is not allowed here; this resource takes \(allowed.map(\.rawValue).joined(separator: ", "))" }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = IndexRoutes.text(description + "\n", status: status)
        response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
        return response
    }
}
