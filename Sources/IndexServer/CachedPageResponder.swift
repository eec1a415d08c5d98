import HTTPTypes
import HummingbirdCore
import Metrics
import NIOCore
import NIOHTTPTypes
import Prometheus

/// Answers a cached simple-API page on the connection's event loop, before Hummingbird's async
/// request plumbing (a task, the request and response types, the middleware): for pip's and
/// uv's page requests, which the page cache answers almost always, that plumbing cost more than
/// the answer. `IndexRoutes.cachedSimplePage` decides, with the router's own path parser, read
/// gate and cache key; whatever it does not answer (another resource, a login, a query, a body,
/// a page not cached or not current) goes to the router unchanged. It writes the request log's
/// line and the request metrics as the middleware would, and the headers Hummingbird adds
/// (`Date`, `Server`) and `RequestLog` adds (`X-Request-Id`).
///
/// It sits last before the application, after Hummingbird's connection-state handler (which
/// counts these requests for its idle timeout), and answers only while no request it passed on
/// is still being answered (the answers of pipelined requests keep their order), while the
/// channel is writable (a client that reads nothing is left to the router's backpressure), and
/// until the connection is closing.
final class CachedPageResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What every connection's responder shares.
    struct Pages: Sendable {
        let routes: IndexRoutes
        let log: RequestLog
        let serverName: String
        let metrics = ResponseMetrics()
        /// Requests answered here (`wheelwright_pages_answered_early_total`).
        let answered: Prometheus.Counter
    }

    private let pages: Pages
    /// Requests passed to the router whose answers have not ended.
    private var routed = 0
    /// Whether the request being read was answered here (its remaining parts are dropped).
    private var answered = false
    private var needsFlush = false
    /// Set once a `Connection: close` request was read or answered, or the channel went down:
    /// nothing more is answered here.
    private var closing = false
    private var peer: String?

    init(pages: Pages) {
        self.pages = pages
    }

    /// Adds the responder after Hummingbird's connection-state handler; false when the pipeline
    /// has none (then every request goes to the router).
    static func install(in pipeline: ChannelPipeline.SynchronousOperations, pages: Pages) -> Bool {
        guard let state = try? pipeline.handler(type: HTTPConnectionStateHandler.self) else { return false }
        return (try? pipeline.addHandler(CachedPageResponder(pages: pages), position: .after(state))) != nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if routed == 0, !closing, context.channel.isActive, context.channel.isWritable, answer(request, context: context) {
                answered = true
                return
            }
            // Hummingbird ends the connection after answering it.
            if request.headerFields[.connection] == "close" { closing = true }
            answered = false
            routed += 1
        case .body, .end:
            if answered { return }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { routed = max(0, routed - 1) }
        context.write(data, promise: promise)
    }

    /// Writes the cached page `request` asks for and returns true; false when the router must answer.
    private func answer(_ request: HTTPRequest, context: ChannelHandlerContext) -> Bool {
        let started = ContinuousClock.now
        let fields = request.headerFields
        guard request.method == .get || request.method == .head, let path = request.path, path.utf8.first == UInt8(ascii: "/"),
              !path.hasPrefix("//"), !path.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }),
              fields[.authorization] == nil, fields[IndexRoutes.devpiAuth] == nil, fields[.expect] == nil,
              fields[.transferEncoding] == nil, fields[.contentLength] == nil || fields[.contentLength] == "0" else { return false }
        let peer = self.peer ?? context.channel.remoteAddress?.ipAddress ?? "unknown"
        self.peer = peer
        guard let client = pages.log.client(peer: peer, headers: fields),
              let page = pages.routes.cachedSimplePage(path: path, accept: fields[.accept]) else { return false }
        let requestID = pages.log.requestID(peer: peer, headers: fields)
        let held = page.isHeld(by: fields[.ifNoneMatch])
        var head = HTTPResponse(status: held ? .notModified : .ok, headerFields: held ? page.notModifiedHeaders : page.headers)
        head.headerFields[RequestLog.requestIDHeader] = requestID
        head.headerFields[.date] = TimeText.http.now()
        head.headerFields[.server] = pages.serverName
        let sendsBody = !held && request.method == .get
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if sendsBody { context.write(wrapOutboundOut(.body(page.body)), promise: nil) }
        pages.log.log(method: request.method, path: path, client: client, requestID: requestID, user: nil, status: head.status.code,
                      bytes: sendsBody ? page.body.readableBytes : 0, since: started)
        pages.metrics.record(request.method, head.status, since: started)
        pages.answered.increment()
        // As Hummingbird reads it (the value exactly `close`); the close waits for the answer to go.
        if fields[.connection] == "close" {
            closing = true
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
            needsFlush = true
        }
        return true
    }
}
