import Hummingbird
import NIOCore

/// The request context of the index: Hummingbird's core storage plus the connection, whose
/// peer address login throttling keys on.
struct IndexRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    private let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The peer's IP address (`127.0.0.1`, `::1`); "unknown" for a socket without one. Read
    /// only when a request logs in, so that reads pay nothing for it.
    var clientAddress: String { channel.remoteAddress?.ipAddress ?? "unknown" }
}
