import Basics
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The per-connection side of `ConnectionRegistry`, between HTTP decoding and the application:
/// marks the connection busy from a request's head to its response's end (for a download sent
/// by `FileRegionWriter`, until the file has gone), and turns away a connection the registry
/// refused with a 503. Being the handler Hummingbird adds for the index, it also installs the
/// connection's other handlers of the index: `PushMethodRewriter`, `ReasonPhraseWriter`,
/// `FileRegionWriter` and `CachedPageResponder`.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let registry: ConnectionRegistry
    private let stallLimit: TimeAmount
    private let pages: CachedPageResponder.Pages
    private let logger: Logger
    /// Whether installing `CachedPageResponder` was tried (once Hummingbird's own handlers are in place).
    private var responderTried = false
    /// This connection's entry; nil when the registry refused it.
    private var entry: ConnectionRegistry.Entry?
    /// Requests read whose responses have not ended.
    private var unanswered = 0
    /// Whether the response being written is a file's, which ends with `FileSent`.
    private var answeringWithFile = false

    /// `stallLimit`: how long a download may make no progress; `pages`: what cached pages
    /// answered before the router need; `logger`: the server's.
    init(registry: ConnectionRegistry, stallLimit: TimeAmount, pages: CachedPageResponder.Pages, logger: Logger) {
        (self.registry, self.stallLimit, self.pages, self.logger) = (registry, stallLimit, pages, logger)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        entry = registry.open(context.channel)
        // Hummingbird adds this handler after the HTTP codec; devpi's PUSH must be rewritten before it.
        try? context.pipeline.syncOperations.addHandler(PushMethodRewriter(), position: .first)
        try? ReasonPhraseWriter.install(in: context.pipeline.syncOperations)
        do {
            try FileRegionWriter.install(in: context.pipeline.syncOperations, stallLimit: stallLimit, logger: logger)
        } catch {
            // Without it a download's directive (and its secret) would go out: no connection then.
            logger.error("a connection closed at once: its download writer could not be installed (\(error))")
            entry = nil
            context.close(promise: nil)
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        installResponder(context)
        context.fireChannelActive()
    }

    /// Hummingbird adds its connection-state handler after this one: the responder, which goes
    /// after it, is installed once the connection is up (or at its first request, before it is
    /// read on), once: a responder added later could answer ahead of a routed request.
    private func installResponder(_ context: ChannelHandlerContext) {
        guard !responderTried, entry != nil else { return }
        responderTried = true
        _ = CachedPageResponder.install(in: context.pipeline.syncOperations, pages: pages)
    }

    func channelInactive(context: ChannelHandlerContext) {
        registry.close(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        registry.close(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard let entry else {
            if case .head = part { refuse(context) }
            return
        }
        if case .head = part {
            installResponder(context)
            unanswered += 1
            entry.setBusy(true)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head): answeringWithFile = head.headerFields[FileDirective.field] != nil
        case .end where !answeringWithFile: answered()
        case .body, .end: break
        }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is FileRegionWriter.FileSent else { return context.fireUserInboundEventTriggered(event) }
        answered()
    }

    private func answered() {
        unanswered = max(0, unanswered - 1)
        if unanswered == 0 { entry?.setBusy(false) }
    }

    private func refuse(_ context: ChannelHandlerContext) {
        let body = "the index has \(registry.capacity) connections open, all busy: try again shortly\n"
        var head = HTTPResponse(status: .serviceUnavailable)
        head.headerFields[.contentType] = "text/plain; charset=utf-8"
        head.headerFields[.contentLength] = String(body.utf8.count)
        head.headerFields[.retryAfter] = "1"
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
