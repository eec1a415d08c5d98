import HTTPTypes
import Hummingbird
import IndexStore
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The request log: one line per request with its method, path, status, bytes, duration, client
/// address, user and request id, after the answer is made. It also resolves the client behind
/// trusted proxies and gives each request its id (returned as `X-Request-Id`).
final class RequestLog: RouterMiddleware, Sendable {
    typealias Context = IndexRequestContext

    let logger: Logger
    /// Proxies whose `X-Forwarded-For` and `X-Request-Id` are believed (canonical addresses).
    let trustedProxies: Set<String>
    /// Ours: a random prefix per process and a counter, so ids are unique across restarts.
    private let prefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    private let counter = Atomic<UInt64>(0)

    init(logger: Logger, trustedProxies: Set<String>) {
        (self.logger, self.trustedProxies) = (logger, trustedProxies)
    }

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestID = requestID(peer: context.clientAddress, headers: request.headers)
        guard let client = client(peer: context.clientAddress, headers: request.headers) else {
            // Answered here, on the proxy's account: no route sees a client it cannot name.
            let refusal = StoreError.badRequest("X-Forwarded-For: expected IP addresses separated by commas, at most \(ClientAddress.maximumForwardedFor) bytes, from the proxy \(context.clientAddress)")
            var response = try refusal.response(from: request, context: context)
            IndexRoutes.addSecurityHeaders(&response.headers)
            response.headers[Self.requestIDHeader] = context.requestID
            log(request, context, status: response.status.code, bytes: response.body.contentLength, since: started)
            return response
        }
        context.clientAddress = client
        do {
            var response = try await next(request, context)
            response.headers[Self.requestIDHeader] = context.requestID
            // A download's body goes after the route (`FileRegionWriter`): its length is the header's.
            let bytes = response.headers[FileDirective.field] == nil ? response.body.contentLength : response.headers[.contentLength].flatMap { Int($0) }
            log(request, context, status: response.status.code, bytes: bytes, since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            if status == 500, !(error is any HTTPResponseError) {
                // The client sees a bare 500; the operator's log says what failed.
                logger.error("internal error: \(error)", metadata: ["request_id": .string(context.requestID)])
            }
            log(request, context, status: status, bytes: nil, since: started)
            throw error
        }
    }

    /// A request's id: a trusted proxy's `X-Request-Id` when valid, else one of ours.
    func requestID(peer: String, headers: HTTPFields) -> String {
        if trustedProxies.contains(peer), let forwarded = headers[Self.requestIDHeader], Self.isValidID(forwarded) { return forwarded }
        return prefix + "-" + String(counter.wrappingAdd(1, ordering: .relaxed).newValue, radix: 16)
    }

    /// The client: the peer, or the address a trusted proxy forwarded; nil when a trusted
    /// proxy's `X-Forwarded-For` is not a list of addresses (a 400).
    func client(peer: String, headers: HTTPFields) -> String? {
        ClientAddress.resolve(peer: peer, forwardedFor: headers[Self.forwardedFor], trusted: trustedProxies)
    }

    private func log(_ request: Request, _ context: Context, status: Int, bytes: Int?, since started: ContinuousClock.Instant) {
        log(method: request.method, path: request.uri.path, client: context.clientAddress, requestID: context.requestID,
            user: context.principal.user, status: status, bytes: bytes, since: started)
    }

    /// Writes the line swift-log's standard handler would write for `logger.info(…)` with this
    /// metadata (the format the guide and the tests read), formatted directly and written with
    /// one `write` to standard error: swift-log's metadata dictionary, its sorting and its
    /// per-line time formatting cost more than the rest of a cached page's request.
    func log(method: HTTPRequest.Method, path: String, client: String, requestID: String, user: String?, status: Int, bytes: Int?,
             since started: ContinuousClock.Instant) {
        guard logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - started
        let tenths = Int(elapsed.components.seconds) * 10_000 + Int(elapsed.components.attoseconds / 100_000_000_000_000)
        var line = timestamp.now()
        line.reserveCapacity(160 + path.utf8.count)
        line += " info "
        line += logger.label
        line += ": bytes="
        line += String(bytes ?? 0)
        line += " client="
        line += client
        line += " ms="
        line += String(tenths / 10)
        line += "."
        line += String(tenths % 10)
        line += " request_id="
        line += requestID
        line += " status="
        line += String(status)
        line += " user="
        line += user ?? "-"
        line += " [IndexServer] "
        line += method.rawValue
        line += " "
        line += path.utf8.count > 512 ? String(path.prefix(512)) + "…" : path
        line += "\n"
        line.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, base + offset, bytes.count - offset)
                if written <= 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
    }

    private let timestamp = TimeText.log

    /// A forwarded id is logged and echoed: 1 to 64 letters, digits, `-`, `_` or `.`.
    static func isValidID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
    }
}
