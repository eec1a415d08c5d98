import Hummingbird
import NIOCore
import Synchronization

/// The request context of the index: Hummingbird's core storage plus what the request log
/// needs: the client (the connection's peer, or the address a trusted proxy forwarded), the
/// request's id, and the user it authenticated as.
struct IndexRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's IP address (`127.0.0.1`, `::1`); "unknown" for a socket without one. Login
    /// throttling keys on it. `RequestLog` replaces the peer with the forwarded client.
    var clientAddress: String
    /// The request's id: a trusted proxy's `X-Request-Id`, else one of ours (`RequestLog`).
    var requestID = ""
    /// Set by authentication, read by the request log after the answer.
    let principal = Principal()

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The user a request authenticated as (a reference: routes hold a copy of the context).
    final class Principal: Sendable {
        private let name = Mutex<String?>(nil)
        var user: String? { name.withLock { $0 } }
        func authenticated(as user: String) { name.withLock { $0 = user } }
    }
}
