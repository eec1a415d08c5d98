import Foundation
import HTTPTypes
@testable import IndexServer
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import TestSupport
import Testing

/// The socket side of a test channel: holds file-region writes until released (a client that
/// reads slowly), counts reads asked for, and records the inbound events that reach the end.
final class SlowClient: ChannelDuplexHandler {
    typealias InboundIn = Never
    typealias OutboundIn = HTTPServerResponsePart

    var holding = false
    var held: [(NIOAny, EventLoopPromise<Void>?)] = []
    var reads = 0

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if holding, case .body(.fileRegion) = unwrapOutboundIn(data) {
            held.append((data, promise))
        } else {
            context.write(data, promise: promise)
        }
    }

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        for (_, held) in held { held?.fail(ChannelError.ioOnClosedChannel) }
        held.removeAll()
        context.close(mode: mode, promise: promise)
    }

    /// Lets the oldest held region go to the socket.
    func release(_ context: ChannelHandlerContext) {
        let (data, promise) = held.removeFirst()
        context.writeAndFlush(data, promise: promise)
    }
}

/// Counts `FileSent` events at the application's end of the pipeline.
final class SentEvents: ChannelInboundHandler {
    typealias InboundIn = Never
    var count = 0

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is FileRegionWriter.FileSent { count += 1 }
        context.fireUserInboundEventTriggered(event)
    }
}

@Suite("Downloads by sendfile: the directive and its writer")
struct FileRegionWriterTests {
    let folder: TemporaryFolder
    let client = SlowClient()
    let events = SentEvents()
    let channel = EmbeddedChannel()

    init() throws {
        folder = try TemporaryFolder()
        try channel.pipeline.syncOperations.addHandlers([client, FileRegionWriter(stallLimit: .seconds(30), logger: Logger(label: "test")), events])
        channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 4040), promise: nil)
    }

    /// A file of `size` bytes in the test folder.
    func file(_ size: Int) throws -> String {
        let path = folder.path("blob-\(size)")
        try Data((0..<size).map { UInt8(truncatingIfNeeded: $0) }).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A response head naming `directive`. (The tests flush a directive's head before its end:
    /// the embedded channel counts its buffered bytes by reading each pending write as a
    /// ByteBuffer, and traps on an unflushed head.)
    func head(_ directive: String?, status: HTTPResponseStatus = .ok) -> HTTPServerResponsePart {
        var head = HTTPResponseHead(version: .http1_1, status: status, headers: ["Content-Length": "1", "X-Request-Id": "r1"])
        if let directive { head.headers.add(name: FileDirective.field.canonicalName, value: directive) }
        return .head(head)
    }

    func written() throws -> [HTTPServerResponsePart] {
        var parts: [HTTPServerResponsePart] = []
        while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) { parts.append(part) }
        return parts
    }

    @Test("the header round-trips any absolute path; a value without the secret or not whole names nothing")
    func directiveHeader() {
        let directive = FileDirective(path: "/data dir/blobs/ab/é%20x", offset: 7, count: 9)
        let value = directive.headerValue()
        #expect(value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        #expect(FileDirective(headerValue: value) == directive)
        let secret = FileDirective.processSecret
        for hostile in [
            "", "\(secret)", "nope 0 1 /etc/passwd", "\(secret.dropLast()) 0 1 /etc/passwd", "\(secret) 0 1 etc/passwd",
            "\(secret) -1 1 /x", "\(secret) 0 0 /x", "\(secret) +1 1 /x", "\(secret) 0 1 /x extra", "\(secret)  0 1 /x",
            "\(secret) 0 99999999999999999999 /x", "\(secret) \(Int.max) 1 /x", "\(secret) 1 \(Int.max) /x", "\(secret) 0 1 /x%00y",
            "\(secret) 0 1 /x%zz", "\(secret) ٣ 1 /x",
        ] {
            #expect(FileDirective(headerValue: hostile) == nil, "\(hostile)")
        }
    }

    @Test("a directive's bytes go as regions of at most 1 MiB, then the end; the header is never sent")
    func regions() throws {
        let path = try file(5 + (5 << 19) + 10)
        let count = 5 << 19  // 2.5 MiB
        channel.writeAndFlush(head(FileDirective(path: path, offset: 5, count: count).headerValue()), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        let parts = try written()
        guard parts.count == 5, case .head(let sent) = parts[0], case .end = parts[4] else {
            Issue.record("head, three regions and the end expected: \(parts)")
            return
        }
        #expect(!sent.headers.contains(name: FileDirective.field.canonicalName) && sent.headers["Content-Length"] == ["1"])
        let regions = parts[1...3].compactMap { part -> Range<Int>? in
            guard case .body(.fileRegion(let region)) = part else { return nil }
            return region.readerIndex..<region.endIndex
        }
        #expect(regions == [5..<(5 + (1 << 20)), (5 + (1 << 20))..<(5 + (2 << 20)), (5 + (2 << 20))..<(5 + count)])
        #expect(events.count == 1)
        #expect(try channel.finish().isClean)
    }

    @Test("a directive that names no file it can send answers 500 saying what to do; the end still ends it")
    func refusals() throws {
        let path = try file(100)
        for (value, says) in [
            ("not-the-secret 0 10 \(path)", "cannot be read"),
            (FileDirective(path: path + ".missing", offset: 0, count: 10).headerValue(), "cannot be read"),
            (FileDirective(path: path, offset: 95, count: 10).headerValue(), "cannot be read"),
        ] {
            channel.write(head(value), promise: nil)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
            let parts = try written()
            guard parts.count == 3, case .head(let refusal) = parts[0], case .body(.byteBuffer(let body)) = parts[1], case .end = parts[2] else {
                Issue.record("a refusal with a body expected: \(parts)")
                continue
            }
            #expect(refusal.status == .internalServerError && !refusal.headers.contains(name: FileDirective.field.canonicalName))
            #expect(String(buffer: body).contains(says) && !String(buffer: body).contains(folder.url.path))
            #expect(refusal.headers["Content-Length"] == [String(body.readableBytes)] && refusal.headers["X-Request-Id"] == ["r1"])
        }
        #expect(events.count == 3, "a refusal ends the file's answer too")
    }

    @Test("while a file goes, the next response waits behind it, nothing more is read, and a close waits for its end")
    func waitsBehindTheFile() throws {
        client.holding = true
        let path = try file(10)
        channel.writeAndFlush(head(FileDirective(path: path, offset: 0, count: 10).headerValue()), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        let pageHead = head(nil)
        channel.write(pageHead, promise: nil)
        channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: "x"))), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        let readsBefore = client.reads
        channel.read()
        let closed = channel.close()
        #expect(try written().count == 1, "only the file's head has gone")
        #expect(client.reads == readsBefore && channel.isActive && client.held.count == 1)

        client.release(try channel.pipeline.syncOperations.context(handler: client))
        let parts = try written()
        #expect(parts.count == 5, "the region, the file's end, then the page: \(parts)")
        if parts.count == 5, case .body(.fileRegion) = parts[0], case .end = parts[1], case .head = parts[2], case .body(.byteBuffer) = parts[3], case .end = parts[4] {} else {
            Issue.record("out of order: \(parts)")
        }
        #expect(client.reads == readsBefore + 1 && events.count == 1)
        #expect(!channel.isActive)
        closed.whenFailure { Issue.record("the close failed: \($0)") }
    }

    @Test("a client that takes nothing for the stall limit is cut off, and the response's end fails")
    func stall() throws {
        client.holding = true
        let path = try file(10)
        channel.writeAndFlush(head(FileDirective(path: path, offset: 0, count: 10).headerValue()), promise: nil)
        let end = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        // Progress is what the channel's buffer no longer holds; this test's client holds the
        // region outside it, so the first look counts it as taken, and the second finds nothing more.
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(!channel.isActive)
        var failed = false
        end.whenFailure { _ in failed = true }
        #expect(failed && events.count == 0)
    }
}
