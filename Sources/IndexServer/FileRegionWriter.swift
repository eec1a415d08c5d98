import Foundation
import Glibc
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Sends a download's bytes with sendfile(2): a route answers with an empty body and a
/// `FileDirective` in an internal header; here, on the HTTP/1 side of the codec, the header is
/// removed, the file opened and checked against the directive, and the body written as file
/// regions (the kernel copies the bytes; nothing passes through the process's memory).
///
/// The region goes in chunks of `chunkBytes`, each written when the one before has gone; a
/// client the kernel took nothing from for `stallLimit` is cut off (`watchProgress`, as nginx's
/// `send_timeout`); and while a file is going:
/// - the next response's parts (a pipelined request's) wait behind it, and no further request
///   is read until it has gone (what waits is bounded by what was already read);
/// - a close (the idle timeout, `Connection: close`, shutdown) waits for its end;
/// - `FileSent` tells `ConnectionGuard` when the response has ended, so a connection in the
///   middle of a download counts as busy.
final class FileRegionWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The inbound event fired when a file's response has been written to its end (or answered
    /// with a 500 instead).
    struct FileSent: Sendable {}

    /// A file being sent: its handle, the next byte to send and the end.
    private struct Transfer {
        let handle: NIOFileHandle
        var next: Int
        let end: Int
    }

    private enum State {
        /// Parts pass through.
        case passing
        /// A directive's head was written; its end is awaited.
        case opened(Transfer)
        /// The file goes; `endPromise` is the promise of the response's end, written after it.
        case sending(Transfer, endPromise: EventLoopPromise<Void>?)
        /// A send failed; the connection is closing.
        case failed
    }

    static let chunkBytes = 1 << 20

    private let stallLimit: TimeAmount
    private let logger: Logger
    private var state = State.passing
    /// Writes made while a file goes, in order.
    private var waiting: [(part: HTTPServerResponsePart, promise: EventLoopPromise<Void>?)] = []
    private var readWaits = false
    /// The promises of a close asked for while a file goes; nil: none asked.
    private var closeWaits: [EventLoopPromise<Void>]?
    private var stallTimer: Scheduled<Void>?

    /// `logger`: where a file that cannot be sent is named.
    init(stallLimit: TimeAmount, logger: Logger) {
        (self.stallLimit, self.logger) = (stallLimit, logger)
    }

    /// Adds the writer before the HTTP/1 codec of `pipeline`.
    static func install(in pipeline: ChannelPipeline.SynchronousOperations, stallLimit: TimeAmount, logger: Logger) throws {
        let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
        try pipeline.addHandler(FileRegionWriter(stallLimit: stallLimit, logger: logger), position: .before(codec))
    }

    /// Whether a directive's file is open: the connection's next reads and its close wait.
    private var isBusy: Bool {
        switch state {
        case .opened, .sending: true
        case .passing, .failed: false
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        switch state {
        case .sending:
            waiting.append((part, promise))
        case .failed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        case .passing, .opened:
            handle(part, promise: promise, context: context)
        }
    }

    private func handle(_ part: HTTPServerResponsePart, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.passing, .head(var head)) where head.headers.contains(name: FileDirective.field.canonicalName):
            let value = head.headers.first(name: FileDirective.field.canonicalName) ?? ""
            head.headers.remove(name: FileDirective.field.canonicalName)
            switch open(FileDirective(headerValue: value)) {
            case .success(let transfer):
                state = .opened(transfer)
                setCorked(true, context: context)
                context.write(wrapOutboundOut(.head(head)), promise: promise)
            case .failure(let problem):
                // The operator's log names the file; the client learns only that it failed. The
                // end Hummingbird writes next ends this answer instead.
                logger.error("a download failed: \(problem.message)")
                let body = "a stored file cannot be read; the index's operator should run wheelwright fsck\n"
                head.status = .internalServerError
                for field in ["Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Cache-Control"] {
                    head.headers.remove(name: field)
                }
                head.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
                head.headers.add(name: "Content-Length", value: String(body.utf8.count))
                context.write(wrapOutboundOut(.head(head)), promise: promise)
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
                context.fireUserInboundEventTriggered(FileSent())
            }
        case (.opened(let transfer), .end):
            state = .sending(transfer, endPromise: promise)
            watchProgress(context: context, sentBefore: sent(transfer, context: context))
            sendChunk(context: context)
        case (.opened, .body):
            // A directive's response has no body of its own.
            promise?.fail(ChannelError.inappropriateOperationForState)
        default:
            context.write(wrapOutboundOut(part), promise: promise)
        }
    }

    /// TCP_CORK (nginx's `tcp_nopush`): while set, the head and the file go in full segments
    /// only; unset, what is left goes at once. A quarter more bytes per second on loopback.
    private func setCorked(_ corked: Bool, context: ChannelHandlerContext) {
        try? context.channel.syncOptions?.setOption(ChannelOptions.tcpOption(.init(rawValue: TCP_CORK)), value: corked ? 1 : 0)
    }

    /// The directive's file, opened and checked to hold the bytes it names.
    private func open(_ directive: FileDirective?) -> Result<Transfer, FileProblem> {
        guard let directive else { return .failure(FileProblem(message: "a response named no valid file (an internal error)")) }
        let descriptor = Glibc.open(directive.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(FileProblem(message: "\(directive.path) cannot be opened (\(String(cString: strerror(errno)))): run wheelwright fsck"))
        }
        // The disk is read by sendfile on the event loop: ask the kernel to read ahead now.
        _ = posix_fadvise(descriptor, off_t(directive.offset), off_t(directive.count), POSIX_FADV_WILLNEED)
        // Its size: the file's end (a region is sent with pread-like offsets, so the position does not matter).
        guard lseek(descriptor, 0, SEEK_END) >= directive.offset + directive.count else {
            Glibc.close(descriptor)
            return .failure(FileProblem(message: "\(directive.path) is shorter than the catalog says: run wheelwright fsck"))
        }
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
        return .success(Transfer(handle: handle, next: directive.offset, end: directive.offset + directive.count))
    }

    private func sendChunk(context: ChannelHandlerContext) {
        guard case .sending(var transfer, let endPromise) = state else { return }
        let count = min(Self.chunkBytes, transfer.end - transfer.next)
        let region = FileRegion(fileHandle: transfer.handle, readerIndex: transfer.next, endIndex: transfer.next + count)
        transfer.next += count
        state = .sending(transfer, endPromise: endPromise)
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success: chunkSent(context: context)
            case .failure(let error): fail(error, context: context)
            }
        }
        context.writeAndFlush(wrapOutboundOut(.body(.fileRegion(region))), promise: written)
    }

    /// The bytes of the transfer the kernel has taken: those handed to the channel less those
    /// still in its buffer (partial writes count).
    private func sent(_ transfer: Transfer, context: ChannelHandlerContext) -> Int {
        transfer.next - ((try? context.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0)
    }

    /// Every `stallLimit` while the file goes: cut the client off when the kernel took none of
    /// it since the last look, as nginx's `send_timeout`. The kernel takes more when half its send
    /// buffer has drained, so with Linux's send buffer of up to 4 MB a client slower than about
    /// 45 kB/s over the limit (30 s by default) is cut, as one slower than 35 kB/s was when each
    /// 1 MiB region had to go within it.
    private func watchProgress(context: ChannelHandlerContext, sentBefore: Int) {
        stallTimer = context.eventLoop.assumeIsolated().scheduleTask(in: stallLimit) { [self] in
            guard case .sending(let transfer, _) = state else { return }
            let sentNow = sent(transfer, context: context)
            if sentNow == sentBefore {
                fail(FileProblem(message: "the client took nothing for \(stallLimit.nanoseconds / 1_000_000_000) s"), context: context)
            } else {
                watchProgress(context: context, sentBefore: sentNow)
            }
        }
    }

    private func chunkSent(context: ChannelHandlerContext) {
        guard case .sending(let transfer, let endPromise) = state else { return }
        if transfer.next < transfer.end { return sendChunk(context: context) }
        stallTimer?.cancel()
        stallTimer = nil
        try? transfer.handle.close()
        state = .passing
        // The last write made here: a close that waited goes once it has (else what it holds is dropped).
        var last = context.eventLoop.makePromise(of: Void.self)
        if let endPromise { last.futureResult.cascade(to: endPromise) }
        context.write(wrapOutboundOut(.end(nil)), promise: last)
        context.flush()
        setCorked(false, context: context)
        context.fireUserInboundEventTriggered(FileSent())
        // What waited goes now, up to the next file's end.
        while !waiting.isEmpty, !isSending {
            let (part, promise) = waiting.removeFirst()
            last = context.eventLoop.makePromise(of: Void.self)
            if let promise { last.futureResult.cascade(to: promise) }
            handle(part, promise: last, context: context)
        }
        if !isSending { context.flush() }
        guard !isBusy else { return }
        if readWaits {
            readWaits = false
            context.read()
        }
        if let promises = closeWaits {
            closeWaits = nil
            let joined = Self.joined(promises, on: context.eventLoop)
            last.futureResult.assumeIsolated().whenComplete { _ in context.close(mode: .all, promise: joined) }
        }
    }

    private var isSending: Bool {
        if case .sending = state { return true }
        return false
    }

    /// One promise that completes each of `promises`.
    private static func joined(_ promises: [EventLoopPromise<Void>], on eventLoop: any EventLoop) -> EventLoopPromise<Void>? {
        guard !promises.isEmpty else { return nil }
        let joined = eventLoop.makePromise(of: Void.self)
        for promise in promises { joined.futureResult.cascade(to: promise) }
        return joined
    }

    /// Ends the send: the file closed, what waited failed, the connection closed.
    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        stallTimer?.cancel()
        stallTimer = nil
        switch state {
        case .sending(let transfer, let endPromise):
            try? transfer.handle.close()
            endPromise?.fail(error)
        case .opened(let transfer):
            try? transfer.handle.close()
        case .passing, .failed:
            break
        }
        state = .failed
        let waited = waiting
        waiting.removeAll()
        for (_, promise) in waited { promise?.fail(error) }
        let promises = closeWaits ?? []
        closeWaits = nil
        context.close(mode: .all, promise: Self.joined(promises, on: context.eventLoop))
    }

    func flush(context: ChannelHandlerContext) {
        // While a file goes, what waits is flushed after it.
        if !isSending { context.flush() }
    }

    func read(context: ChannelHandlerContext) {
        if isBusy { readWaits = true } else { context.read() }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard isBusy, mode == .all else { return context.close(mode: mode, promise: promise) }
        closeWaits = (closeWaits ?? []) + (promise.map { [$0] } ?? [])
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        switch state {
        case .sending(let transfer, let endPromise):
            try? transfer.handle.close()
            endPromise?.fail(ChannelError.ioOnClosedChannel)
        case .opened(let transfer):
            try? transfer.handle.close()
        case .passing, .failed:
            break
        }
        state = .passing
        stallTimer?.cancel()
        for (_, promise) in waiting { promise?.fail(ChannelError.ioOnClosedChannel) }
        waiting.removeAll()
        for promise in closeWaits ?? [] { promise.succeed() }
        closeWaits = nil
    }
}

/// Why a directive's file cannot be sent (the answer's body), or why its send ended.
private struct FileProblem: Error {
    let message: String
}
