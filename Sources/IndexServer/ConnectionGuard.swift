import Basics
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
    /// One connection's state, written by its own handler without taking the registry's lock.
    final class Entry: Sendable {
        let channel: any Channel
        let busy = Atomic<Bool>(false)
        /// When it last began or finished a request, in nanoseconds of the process's clock.
        let lastActive: Atomic<Int64>

        init(channel: any Channel) {
            self.channel = channel
            lastActive = Atomic(ConnectionRegistry.now())
        }

        func setBusy(_ value: Bool) {
            busy.store(value, ordering: .relaxed)
            lastActive.store(ConnectionRegistry.now(), ordering: .relaxed)
        }
    }

    private let entries = Mutex([ObjectIdentifier: Entry]())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { entries.withLock { $0.count } }

    static func now() -> Int64 {
        (ContinuousClock.now - start).nanoseconds
    }

    private static let start = ContinuousClock.now

    /// Registers `channel`; nil when the cap is reached and nothing idle can go.
    func open(_ channel: any Channel) -> Entry? {
        let entry = Entry(channel: channel)
        let (admitted, victim): (Bool, (any Channel)?) = entries.withLock { entries in
            var victim: (any Channel)?
            if entries.count >= capacity {
                var oldest: (key: ObjectIdentifier, entry: Entry, since: Int64)?
                for (key, candidate) in entries where !candidate.busy.load(ordering: .relaxed) {
                    let since = candidate.lastActive.load(ordering: .relaxed)
                    if oldest == nil || since < oldest!.since { oldest = (key, candidate, since) }
                }
                guard let oldest else { return (false, nil) }
                entries[oldest.key] = nil
                victim = oldest.entry.channel
            }
            entries[ObjectIdentifier(channel)] = entry
            return (true, victim)
        }
        victim?.close(promise: nil)
        return admitted ? entry : nil
    }

    func close(_ channel: any Channel) {
        _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
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
    /// This connection's entry; nil when the registry refused it.
    private var entry: ConnectionRegistry.Entry?

    init(registry: ConnectionRegistry) {
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        entry = registry.open(context.channel)
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
        if case .head = part { entry.setBusy(true) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { entry?.setBusy(false) }
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
