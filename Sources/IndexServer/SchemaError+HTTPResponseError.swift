import Hummingbird
import IndexAPI

/// A document that breaks its schema is a 400 naming the field.
extension SchemaError: HTTPResponseError {
    public var status: HTTPResponse.Status { .badRequest }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        IndexRoutes.refusal(description, status: status, request: request)
    }
}
