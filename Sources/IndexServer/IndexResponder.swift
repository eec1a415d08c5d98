import Hummingbird

/// The index's whole responder: the request log, the metrics, then `IndexRoutes`, which parses
/// every path itself. No router in between: Hummingbird's trie split each path by Characters
/// for a `**` route that matched everything (about 20k instructions of a cached page's 300k).
struct IndexResponder: HTTPResponder {
    typealias Context = IndexRequestContext

    let log: RequestLog
    let metrics: MetricsMiddleware<IndexRequestContext>
    let routes: IndexRoutes

    func respond(to request: Request, context: Context) async throws -> Response {
        // The metrics' endpoint label, as the router named its two routes.
        context.coreContext.endpointPath.value = request.uri.path == "/" ? "/" : "/**"
        return try await log.handle(request, context: context) { request, context in
            try await metrics.handle(request, context: context) { request, context in
                try await routes.handle(request, context: context)
            }
        }
    }
}
