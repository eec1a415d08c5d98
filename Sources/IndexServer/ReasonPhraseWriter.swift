import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Puts an upload refusal's message in the status line (`HTTP/1.1 409 x-1.0.whl already exists
/// in alice/prod …`), where twine shows it without `--verbose`, as it does PyPI's. The route
/// sets the phrase in an internal header; here, on the HTTP/1 side of the codec, the header is
/// always removed and the phrase written. (The codec between HTTPTypes and HTTP/1 maps every
/// known code to its standard phrase, so the phrase cannot travel in the response status.)
final class ReasonPhraseWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The internal header a route sets to the phrase; never sent.
    static let header = "x-wheelwright-reason-phrase"
    /// The longest phrase sent (a client prints it on one line).
    static let maximumLength = 300

    /// Adds the writer before the HTTP/1 codec of `pipeline` (Hummingbird adds its own handlers
    /// after the codec).
    static func install(in pipeline: ChannelPipeline.SynchronousOperations) throws {
        let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
        try pipeline.addHandler(ReasonPhraseWriter(), position: .before(codec))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only refusals carry the header: a page's head is passed on without a look at its fields.
        guard case .head(var head) = unwrapOutboundIn(data), head.status.code >= 400, let message = head.headers.first(name: Self.header) else {
            context.write(data, promise: promise)
            return
        }
        head.headers.remove(name: Self.header)
        let phrase = Self.phrase(message)
        if !phrase.isEmpty { head.status = .custom(code: head.status.code, reasonPhrase: phrase) }
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }

    /// `message` as a reason phrase: its first line, printable ASCII only (RFC 9112 also allows
    /// obs-text, which clients decode differently: typographic quotes and dashes become their
    /// ASCII forms, anything else `?`), at most `maximumLength` characters.
    static func phrase(_ message: String) -> String {
        var phrase = ""
        for character in message {
            if character.isNewline || phrase.count >= maximumLength { break }
            switch character {
            case "\u{201C}", "\u{201D}": phrase += "\""
            case "\u{2018}", "\u{2019}": phrase += "'"
            case "\u{2013}", "\u{2014}": phrase += "-"
            case "\u{2026}": phrase += "..."
            case "\t": phrase += " "
            default: phrase += character.isASCII && !(character.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? true) ? String(character) : "?"
            }
        }
        while phrase.last == " " { phrase.removeLast() }
        return phrase
    }
}
