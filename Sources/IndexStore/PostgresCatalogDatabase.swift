import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The shared catalog: PostgreSQL, for any number of `wheelwright serve` replicas.
///
/// The catalog's methods are synchronous (as with SQLite), so this engine waits for
/// postgres-nio's futures on the calling thread; the connections run on an event loop of their
/// own, never the server's, so waiting cannot stall the loop a query needs. Every write
/// transaction first takes one advisory lock: writes are serialized across replicas exactly as
/// SQLite serializes them in one process, and each statement after the lock sees every write
/// committed before it (READ COMMITTED). A write bumps the `state` generation and sends it with
/// `pg_notify`; every replica listens on one connection and raises its own generation, so its
/// page cache drops what another replica's write made stale. While that connection is down, the
/// generation is read from the table on each request instead.
public struct PostgresCatalogDatabase: CatalogDatabase {
    private let engine: Engine

    public var dialect: SQLDialect { .postgresql }
    public var location: String { engine.address.description }

    /// Connects (at most `connections` at once, plus the listener) and starts listening.
    public init(address: PostgresAddress, password: String?, connections: Int = 8) throws {
        engine = try Engine(address: address, password: password, limit: max(1, connections))
    }

    public func write<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try engine.withConnection { connection in
            let session = Session(connection: connection, engine: engine)
            try session.execute("BEGIN")
            do {
                try session.execute("SELECT pg_advisory_xact_lock(\(Self.writeLock))")
                let result = try body(session)
                try session.execute("COMMIT")
                if let generation = session.bumpedTo { engine.generation.raise(to: generation) }
                return result
            } catch {
                _ = try? session.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try engine.withConnection { connection in try body(Session(connection: connection, engine: engine)) }
    }

    public func snapshot<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try engine.withConnection { connection in
            let session = Session(connection: connection, engine: engine)
            try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? session.execute("COMMIT") }
            return try body(session)
        }
    }

    public func generation() throws -> Int64 {
        if engine.isListening { return engine.generation.value }
        let stored: Int64 = try read { session in try session.value("SELECT value FROM state WHERE key = 'generation'") ?? 0 }
        engine.generation.raise(to: stored)
        return stored
    }

    /// Applies pending steps in one transaction under the migration lock, recording each in
    /// `schema_migration`: replicas starting together migrate once.
    public func migrate(_ migrations: [CatalogMigration]) throws {
        try engine.withConnection { connection in
            let session = Session(connection: connection, engine: engine)
            try session.execute("BEGIN")
            do {
                try session.execute("SELECT pg_advisory_xact_lock(\(Self.writeLock))")
                try session.execute("CREATE TABLE IF NOT EXISTS schema_migration (identifier TEXT PRIMARY KEY, appliedAt DOUBLE PRECISION NOT NULL)")
                let applied = Set<String>(try session.values("SELECT identifier FROM schema_migration"))
                for migration in migrations where !applied.contains(migration.identifier) {
                    try migration.apply(session)
                    try session.execute("INSERT INTO schema_migration VALUES (?, ?)", [migration.identifier, Date().timeIntervalSince1970])
                }
                try session.execute("COMMIT")
            } catch {
                _ = try? session.execute("ROLLBACK")
                throw error
            }
        }
        _ = try generation()
    }

    /// The advisory lock every write transaction takes (an arbitrary constant: "wwcatalog").
    static let writeLock: Int64 = 0x7777_6361_7461_6C67
    /// The channel generations are announced on.
    static let channel = "wheelwright_catalog"

    /// One connection's statements: `?` placeholders become `$1…`, values bind in binary.
    private final class Session: SQLSession {
        let connection: PostgresConnection
        let engine: Engine
        /// The generation this transaction's bump reached, raised locally once it commits.
        var bumpedTo: Int64?

        init(connection: PostgresConnection, engine: Engine) { (self.connection, self.engine) = (connection, engine) }

        var dialect: SQLDialect { .postgresql }

        @discardableResult
        func execute(_ sql: String, _ arguments: [any SQLConvertible]) throws -> Int {
            try run(sql, arguments).metadata.rows ?? 0
        }

        func rows(_ sql: String, _ arguments: [any SQLConvertible]) throws -> [SQLRow] {
            try run(sql, arguments).rows.map(Self.row)
        }

        /// The answer arrives whole (as PostgreSQL's wire rows, far smaller than decoded ones);
        /// each row is decoded only when `body` takes it.
        func forEachRow(_ sql: String, _ arguments: [any SQLConvertible], _ body: (SQLRow) throws -> Void) throws {
            for row in try run(sql, arguments).rows { try body(Self.row(row)) }
        }

        func bumpGeneration() throws {
            let generation: Int64 = try value("UPDATE state SET value = value + 1 WHERE key = 'generation' RETURNING value") ?? 0
            try execute("SELECT pg_notify('\(PostgresCatalogDatabase.channel)', ?)", [String(generation)])
            bumpedTo = generation
        }

        private func run(_ sql: String, _ arguments: [any SQLConvertible]) throws -> PostgresQueryResult {
            var binds = PostgresBindings(capacity: arguments.count)
            for argument in arguments {
                switch argument.sqlValue {
                case .null: binds.appendNull()
                case .integer(let number): binds.append(number)
                case .real(let number): binds.append(number)
                case .text(let text): binds.append(text)
                case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
                }
            }
            let query = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: binds)
            do {
                return try connection.query(query, logger: engine.logger).wait()
            } catch {
                throw engine.storeError(error)
            }
        }

        /// `sql` with each `?` outside quotes replaced by `$1`, `$2`, … in order.
        static func numbered(_ sql: String) -> String {
            var result = ""
            result.reserveCapacity(sql.utf8.count + 8)
            var quote: Character?
            var number = 0
            for character in sql {
                if let open = quote {
                    if character == open { quote = nil }
                    result.append(character)
                } else if character == "'" || character == "\"" {
                    quote = character
                    result.append(character)
                } else if character == "?" {
                    number += 1
                    result += "$\(number)"
                } else {
                    result.append(character)
                }
            }
            return result
        }

        private static func row(_ row: PostgresRow) -> SQLRow {
            var names: [String] = []
            var values: [SQLValue] = []
            for cell in row {
                names.append(cell.columnName)
                values.append(value(cell))
            }
            return SQLRow(names: names, values: values)
        }

        private static func value(_ cell: PostgresCell) -> SQLValue {
            guard var bytes = cell.bytes else { return .null }
            switch cell.dataType {
            case .int2, .int4, .int8: return (try? cell.decode(Int64.self)).map(SQLValue.integer) ?? .null
            case .float4, .float8: return (try? cell.decode(Double.self)).map(SQLValue.real) ?? .null
            case .bool: return (try? cell.decode(Bool.self)).map { .integer($0 ? 1 : 0) } ?? .null
            case .bytea: return .blob(bytes.readBytes(length: bytes.readableBytes) ?? [])
            default: return .text((try? cell.decode(String.self)) ?? bytes.readString(length: bytes.readableBytes) ?? "")
            }
        }
    }

    /// The connections (a small pool the callers wait on) and the listening one.
    final class Engine: @unchecked Sendable {
        /// Loops for the catalog's connections alone, shared by every catalog of the process.
        static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

        let address: PostgresAddress
        let logger: Logger
        let generation = SharedGeneration(0)
        private let configuration: PostgresConnection.Configuration
        private let limit: Int
        /// Guards `idle`, `open`, `listener` and `stopped`; callers wait on it for a free connection.
        private let condition = NSCondition()
        private var idle: [PostgresConnection] = []
        private var open = 0
        private var listener: PostgresConnection?
        private var stopped = false
        private var nextID = 0

        init(address: PostgresAddress, password: String?, limit: Int) throws {
            self.address = address
            self.limit = limit
            var logger = Logger(label: "wheelwright.catalog")
            logger.logLevel = .warning
            self.logger = logger
            let tls: PostgresConnection.Configuration.TLS
            if address.requireTLS {
                tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            } else {
                tls = .disable
            }
            var configuration = PostgresConnection.Configuration(host: address.host, port: address.port, username: address.user,
                                                                 password: password, database: address.database, tls: tls)
            // Named in pg_stat_activity; and no statement (a write waiting for the lock included)
            // waits forever behind a wedged holder: after 30 s the request fails with a 503 and
            // the client retries, where it would otherwise hang with every writer behind it.
            configuration.options.additionalStartupParameters = [("application_name", "wheelwright"), ("statement_timeout", "30s")]
            self.configuration = configuration
            do {
                try listen().wait()
            } catch {
                throw storeError(error)
            }
        }

        deinit {
            condition.lock()
            stopped = true
            let connections = idle + (listener.map { [$0] } ?? [])
            idle = []
            condition.unlock()
            for connection in connections { Self.close(connection) }
        }

        var isListening: Bool {
            condition.lock()
            defer { condition.unlock() }
            return listener.map { !$0.isClosed } ?? false
        }

        func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
            let connection = try acquire()
            var healthy = true
            defer { release(connection, healthy: healthy) }
            do {
                return try body(connection)
            } catch {
                healthy = !connection.isClosed
                throw error
            }
        }

        private func acquire() throws -> PostgresConnection {
            condition.lock()
            while true {
                while let connection = idle.popLast() {
                    if !connection.isClosed {
                        condition.unlock()
                        return connection
                    }
                    open -= 1
                }
                if open < limit { break }
                condition.wait()
            }
            open += 1
            nextID += 1
            let id = nextID
            condition.unlock()
            do {
                return try connect(id: id).wait()
            } catch {
                condition.lock()
                open -= 1
                condition.signal()
                condition.unlock()
                throw storeError(error)
            }
        }

        private func release(_ connection: PostgresConnection, healthy: Bool) {
            condition.lock()
            if healthy && !connection.isClosed && !stopped {
                idle.append(connection)
            } else {
                open -= 1
                Self.close(connection)
            }
            condition.signal()
            condition.unlock()
        }

        /// Closes `connection` without waiting.
        private static func close(_ connection: PostgresConnection) {
            let closing: EventLoopFuture<Void> = connection.close()
            // The connection must outlive its closing (postgres-nio checks it in debug builds).
            closing.whenComplete { _ in withExtendedLifetime(connection) {} }
        }

        private func connect(id: Int) -> EventLoopFuture<PostgresConnection> {
            PostgresConnection.connect(on: Self.eventLoops.next(), configuration: configuration, id: id, logger: logger)
        }

        /// Opens the listening connection, then reads the stored generation (notifications
        /// missed meanwhile are in it). When it closes, it is opened again a second later.
        private func listen() -> EventLoopFuture<Void> {
            connect(id: 0).flatMap { connection in
                connection.addListener(channel: PostgresCatalogDatabase.channel) { [weak self] _, notification in
                    if let generation = Int64(notification.payload) { self?.generation.raise(to: generation) }
                }
                return connection.query("LISTEN \(unescaped: PostgresCatalogDatabase.channel)", logger: self.logger)
                    .flatMap { _ in
                        connection.query("SELECT value FROM state WHERE key = 'generation'", logger: self.logger)
                            .map { result in
                                if let row = result.rows.first, let stored = try? row.decode(Int64.self) { self.generation.raise(to: stored) }
                            }
                            .flatMapError { (error: any Error) -> EventLoopFuture<Void> in
                                // Before the first migration there is no state table yet: listening is enough.
                                if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "42P01" {
                                    return connection.eventLoop.makeSucceededVoidFuture()
                                }
                                return connection.eventLoop.makeFailedFuture(error)
                            }
                    }
                    .map { self.adopt(listener: connection) }
                    .flatMapError { (error: any Error) -> EventLoopFuture<Void> in
                        Self.close(connection)
                        return connection.eventLoop.makeFailedFuture(error)
                    }
            }
        }

        private func adopt(listener connection: PostgresConnection) {
            condition.lock()
            listener = connection
            condition.unlock()
            connection.closeFuture.whenComplete { [weak self] _ in self?.listenAgain(after: .seconds(1)) }
        }

        private func listenAgain(after delay: TimeAmount) {
            condition.lock()
            let stopped = stopped
            condition.unlock()
            guard !stopped else { return }
            Self.eventLoops.next().scheduleTask(in: delay) { [weak self] in
                self?.listen().whenFailure { [weak self] _ in self?.listenAgain(after: .seconds(1)) }
            }
        }

        /// A postgres-nio error as the store's: a refused or broken connection is a 503 (a
        /// proxy retries elsewhere), a server error a 500 with PostgreSQL's message.
        func storeError(_ error: any Error) -> any Error {
            guard let error = error as? PSQLError else {
                if error is StoreError { return error }
                return StoreError(.unavailable, "the catalog at \(address) cannot be reached: \(error)", retryAfter: 1)
            }
            if let server = error.serverInfo {
                let state = server[.sqlState] ?? "?"
                let message = server[.message] ?? "error"
                if state == "57P01" || state == "57P03" || state == "57014" || state.hasPrefix("08") {
                    return StoreError(.unavailable, "the catalog at \(address) is unavailable: \(message)", retryAfter: 1)
                }
                return StoreError(.internalError, "the catalog at \(address) refused a statement (SQLSTATE \(state)): \(message)")
            }
            return StoreError(.unavailable, "the catalog at \(address) cannot be reached: \(error.code)", retryAfter: 1)
        }
    }
}
