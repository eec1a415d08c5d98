import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Bounds open connections by construction. Every connection registers here; when a new one
/// would exceed the cap, the connection idle longest (no request in flight) is closed to make
/// room, so that a flood of idle sockets can never lock out `/+health` or a real client. Only
/// when every connection is busy is the newcomer answered `503` and closed.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        let channel: any Channel
        var busy: Bool
        var lastActive: ContinuousClock.Instant
    }

    private let entries = Mutex([ObjectIdentifier: Entry]())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { entries.withLock { $0.count } }

    /// Registers `channel`; returns false when the cap is reached and nothing idle can go.
    func open(_ channel: any Channel) -> Bool {
        let now = ContinuousClock.now
        let (admitted, victim): (Bool, (any Channel)?) = entries.withLock { entries in
            var victim: (any Channel)?
            if entries.count >= capacity {
                guard let idle = entries.filter({ !$0.value.busy }).min(by: { $0.value.lastActive < $1.value.lastActive }) else {
                    return (false, nil)
                }
                entries[idle.key] = nil
                victim = idle.value.channel
            }
            entries[ObjectIdentifier(channel)] = Entry(channel: channel, busy: false, lastActive: now)
            return (true, victim)
        }
        victim?.close(promise: nil)
        return admitted
    }

    func close(_ channel: any Channel) {
        _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func setBusy(_ channel: any Channel, _ busy: Bool) {
        let now = ContinuousClock.now
        entries.withLock { entries in
            entries[ObjectIdentifier(channel)]?.busy = busy
            entries[ObjectIdentifier(channel)]?.lastActive = now
        }
    }
}

/// The per-connection side of `ConnectionRegistry`, between HTTP decoding and the application:
/// marks the connection busy from a request's head to its response's end, and turns away a
/// connection the registry refused with a 503.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let registry: ConnectionRegistry
    private var refused = false

    init(registry: ConnectionRegistry) {
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        refused = !registry.open(context.channel)
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
        if refused {
            if case .head = part { refuse(context) }
            return
        }
        if case .head = part { registry.setBusy(context.channel, true) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { registry.setBusy(context.channel, false) }
        context.write(data, promise: promise)
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
