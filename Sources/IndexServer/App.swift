import Basics
import Foundation
import Hummingbird
import IndexStore
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Where and how `wheelwright serve` listens.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 4040
    public var limits = ServerLimits()
    /// The URL clients reach this index at (devpi's `--outside-url`), perhaps under a path
    /// prefix; by default `http://HOST:PORT`. Never taken from a request's Host header.
    public var outsideURL: OutsideURL?
    /// Reverse proxies whose `X-Forwarded-For` and `X-Request-Id` the request log believes
    /// (IP addresses; `ClientAddress.canonical` forms).
    public var trustedProxies: Set<String> = []
    /// The wheelwright executable whose `render-description` renders release descriptions in
    /// a child process (`serve` gives its own image, `/proc/self/exe`); nil: descriptions are
    /// shown as escaped text, never rendered.
    public var descriptionRenderer: String?
    /// Where the renderer's input and output files are made (unlinked at once); `runServer`
    /// uses the data directory's `tmp/`. Without one, descriptions are shown as escaped text.
    public var scratchFolder: URL?
    /// The company whitelist gated mirrors show (`serve --config`'s `whitelists:`); nil: a
    /// gated mirror shows nothing and says why.
    public var whitelist: (any WhitelistSource)?

    public init(host: String = "127.0.0.1", port: Int = 4040) { (self.host, self.port) = (host, port) }
}

/// The `Server` header of every answer.
private let serverName = "wheelwright"

/// Builds the index server: the one factory both `wheelwright serve` and the tests use.
public func buildApplication(
    service: IndexService,
    configuration: ServerConfiguration,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    logger: Logger = Logger(label: "wheelwright.serve"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let outsideURL = configuration.outsideURL ?? OutsideURL("http://\(configuration.host):\(configuration.port)")
        ?? OutsideURL("http://127.0.0.1:\(configuration.port)")!
    let routes = IndexRoutes(
        service: service, limits: configuration.limits,
        metricsText: { registry.emitToString() }, pageCache: PageCache(byteCapacity: configuration.limits.pageCacheBytes, changes: service.changes, registry: registry),
        web: WebPages(service: service, outsideURL: outsideURL), outsideURL: configuration.outsideURL, readGate: ReadGate(service: service),
        descriptions: DescriptionRenderer(child: configuration.descriptionRenderer.flatMap { executable in
            configuration.scratchFolder.map { (executable, $0) }
        }),
        mirrorProxy: MirrorProxy(service: service, whitelist: configuration.whitelist, logger: logger)
    )
    let log = RequestLog(logger: logger, trustedProxies: configuration.trustedProxies)
    let responder = IndexResponder(log: log, metrics: MetricsMiddleware(), routes: routes)
    let pages = CachedPageResponder.Pages(routes: routes, log: log, serverName: serverName, answered: registry.makeCounter(descriptor: MetricNameDescriptor(
        namespace: "wheelwright", subsystem: "pages", metricName: "answered_early", unitName: "total",
        helpText: "Cached pages answered on the event loop, before the router (a share of the page cache's hits)")))
    let connections = ConnectionRegistry(capacity: configuration.limits.maximumConnections)
    // Hummingbird's own start line would repeat `serve`'s "listening" line: only its warnings and errors are logged.
    var applicationLogger = logger
    applicationLogger.logLevel = max(logger.logLevel, .notice)
    return Application(
        responder: responder,
        server: .http1(configuration: .init(
            additionalChannelHandlers: [ConnectionGuard(registry: connections, stallLimit: .nanoseconds(configuration.limits.idleTimeout.nanoseconds),
                                                         pages: pages, logger: logger)],
            idleTimeout: .nanoseconds(configuration.limits.idleTimeout.nanoseconds),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: 80 << 10, maxHeaderListSize: 96 << 10, maxHeaderFieldCount: 100)
        )),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName, backlog: 1024),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: applicationLogger
    )
}

/// Runs the server until SIGTERM or SIGINT; in-flight requests finish first.
public func runServer(directory: URL, database: (any CatalogDatabase)? = nil, configuration: ServerConfiguration, rootPassword: String?) async throws {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    raiseFileDescriptorLimit()
    let service = try await IndexService(directory: directory, database: database)
    let password = rootPassword ?? APIToken.make().secret
    if try await service.bootstrapRoot(password: password) {
        let line = rootPassword == nil
            ? "root's password is \(password) (shown once; set WHEELWRIGHT_ROOT_PASSWORD to choose it)\n"
            : "root's password is the one in WHEELWRIGHT_ROOT_PASSWORD\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }
    var withScratch = configuration
    if withScratch.scratchFolder == nil { withScratch.scratchFolder = directory.appendingPathComponent("tmp") }
    let app = buildApplication(service: service, configuration: withScratch, registry: registry) { port in
        // One line that scripts and tests wait for, written straight through (stdout may be a pipe).
        FileHandle.standardOutput.write(Data("wheelwright index listening on http://\(configuration.host):\(port)/\n".utf8))
    }
    try await app.runService()
    FileHandle.standardOutput.write(Data("wheelwright index stopped: every request finished\n".utf8))
    // Every request has finished: a store of its own is consistent, and its next start can skip
    // the search for unrecorded blobs.
    if database == nil { try service.recordCleanStop() }
}

/// Lifts the soft limit on open files to the hard one, so that the connection cap (not the
/// operating system's default of 1,024) decides how many clients are served.
func raiseFileDescriptorLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
