import NIOCore

/// devpi-client copies a release between indices with the HTTP method `PUSH`, which SwiftNIO's
/// HTTP/1 parser does not know (it answers an empty 400 and closes). This handler sits before
/// the parser, on the raw bytes: where a request begins with `PUSH `, it becomes `POST ` — a
/// POST of JSON to an index is the same push (devpi-server accepts both). A request begins at
/// the start of the connection and after each response the server writes (devpi-client, like
/// every client of this index, does not pipeline).
final class PushMethodRewriter: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var atRequestStart = true
    private static let push = Array("PUSH ".utf8)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard atRequestStart else {
            context.fireChannelRead(data)
            return
        }
        var buffer = unwrapInboundIn(data)
        atRequestStart = false
        if buffer.readableBytes >= Self.push.count, buffer.readableBytesView.prefix(Self.push.count).elementsEqual(Self.push) {
            buffer.setString("POST ", at: buffer.readerIndex)
        }
        context.fireChannelRead(wrapInboundOut(buffer))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        atRequestStart = true
        context.write(data, promise: promise)
    }
}
