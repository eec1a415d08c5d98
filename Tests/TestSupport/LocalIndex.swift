import Foundation
import Hummingbird
import IndexServer
import IndexStore
import Logging
import ServiceLifecycle
import Synchronization

/// The index server inside the test process: the application `serve` runs (`buildApplication`)
/// on a new data folder and a free loopback port, for tests that speak HTTP to it (curl, pip
/// and the like included) but need nothing of a process: no signals, no process memory, no
/// exit status. It costs no binary start and no second process; `TestServer` stays for what
/// needs them.
public final class LocalIndex: IndexUnderTest {
    public let baseURL: String
    public let data: URL
    public let service: IndexService
    private let group: ServiceGroup
    private let stopped = Stopped()

    /// Set once the application has stopped (from the task that ran it).
    private final class Stopped: Sendable {
        let value = Mutex(false)
    }

    /// Starts it and waits until it listens; root's password is `TestServer.rootPassword`.
    public init(limits: ServerLimits = ServerLimits(), trustedProxies: Set<String> = []) async throws {
        data = FileManager.default.temporaryDirectory.appendingPathComponent("wheelwright-local-\(UUID().uuidString)")
        service = try await IndexService(directory: data)
        _ = try await service.bootstrapRoot(password: TestServer.rootPassword)
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.limits = limits
        configuration.trustedProxies = trustedProxies
        configuration.descriptionRenderer = Repository.wheelwright
        configuration.scratchFolder = data.appendingPathComponent("tmp")
        var logger = Logger(label: "wheelwright.test")
        logger.logLevel = .warning
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let app = buildApplication(service: service, configuration: configuration, logger: logger) { port in
            announce.yield(port)
            announce.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let stopped = stopped
        Task {
            do { try await group.run() } catch { logger.error("the local index stopped: \(error)") }
            stopped.value.withLock { $0 = true }
            announce.finish()
        }
        guard let port = await ports.first(where: { _ in true }) else { throw TestFailure("the local index did not start") }
        (baseURL, self.group) = ("http://127.0.0.1:\(port)", group)
    }

    public var isServing: Bool { !stopped.value.withLock { $0 } }

    deinit {
        let (group, data) = (group, data)
        Task {
            await group.triggerGracefulShutdown()
            try? FileManager.default.removeItem(at: data)
        }
    }
}
