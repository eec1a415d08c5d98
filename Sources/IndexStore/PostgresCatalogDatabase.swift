import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// The shared catalog: PostgreSQL, for any number of `wheelwright serve` replicas.
///
/// Every statement is awaited through postgres-nio's async API: a query in flight holds a
/// connection, never a thread, so a replica serves as many catalog queries at once as it has
/// connections. Every write transaction first takes one advisory lock: writes are serialized
/// across replicas exactly as SQLite serializes them in one process, and each statement after the
/// lock sees every write committed before it (READ COMMITTED). A write bumps the `state`
/// generation and sends it with `pg_notify`, with what it touched; every replica listens on one
/// connection and records each step (`CatalogChanges`), so its page cache drops what another
/// replica's write made stale and keeps the rest. While that connection is down, the generation is
/// read from the table on each request instead (and what changed meanwhile is unknown).
public struct PostgresCatalogDatabase: CatalogDatabase {
    private let engine: Engine

    public var dialect: SQLDialect { .postgresql }
    public var location: String { engine.address.description }

    /// Connects (at most `connections` at once, plus the listener) and starts listening.
    public init(address: PostgresAddress, password: String?, connections: Int = 8) async throws {
        engine = try await Engine(address: address, password: password, limit: max(1, connections))
    }

    public func write<T>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        try await engine.withConnection { connection in
            let session = Session(connection: connection, engine: engine, inTransaction: true)
            try await session.execute("BEGIN")
            do {
                try await session.execute("SELECT pg_advisory_xact_lock(\(Self.writeLock))")
                let result = try await body(session)
                try await session.execute("COMMIT")
                for (generation, scope) in session.steps { engine.changes.record(generation, scope) }
                return result
            } catch {
                _ = try? await session.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func read<T>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        try await engine.withConnection { connection in try await body(Session(connection: connection, engine: engine, inTransaction: false)) }
    }

    public func snapshot<T>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        try await engine.withConnection { connection in
            let session = Session(connection: connection, engine: engine, inTransaction: true)
            try await session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let result = try await body(session)
                try await session.execute("COMMIT")
                return result
            } catch {
                _ = try? await session.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func generation() async throws -> Int64 {
        if let known = knownGeneration { return known }
        let stored: Int64 = try await read { session in try await session.value("SELECT value FROM state WHERE key = 'generation'") ?? 0 }
        engine.changes.record(stored, nil)
        return stored
    }

    public var knownGeneration: Int64? { engine.isListening ? engine.changes.generation : nil }

    public var changes: CatalogChanges { engine.changes }

    /// Whether the listening connection is up: notifications (and the heartbeat) flow.
    public var isListening: Bool { engine.isListening }

    /// Applies pending steps in one transaction under the migration lock, recording each in
    /// `schema_migration`: replicas starting together migrate once.
    public func migrate(_ migrations: [CatalogMigration]) async throws {
        try await engine.withConnection { connection in
            let session = Session(connection: connection, engine: engine, inTransaction: true)
            try await session.execute("BEGIN")
            do {
                try await session.execute("SELECT pg_advisory_xact_lock(\(Self.writeLock))")
                try await session.execute("CREATE TABLE IF NOT EXISTS schema_migration (identifier TEXT PRIMARY KEY, appliedAt DOUBLE PRECISION NOT NULL)")
                let applied = Set<String>(try await session.values("SELECT identifier FROM schema_migration"))
                for migration in migrations where !applied.contains(migration.identifier) {
                    try await migration.apply(session)
                    try await session.execute("INSERT INTO schema_migration VALUES (?, ?)", [migration.identifier, Date().timeIntervalSince1970])
                }
                try await session.execute("COMMIT")
            } catch {
                _ = try? await session.execute("ROLLBACK")
                throw error
            }
        }
        _ = try await generation()
    }

    /// The advisory lock every write transaction takes (an arbitrary constant: "wwcatalog").
    static let writeLock: Int64 = 0x7777_6361_7461_6C67
    /// The channel generations are announced on.
    static let channel = "wheelwright_catalog"

    /// One connection's statements: `?` placeholders become `$1…`, values bind in binary; the
    /// statements the catalog repeats run prepared (`PostgresStatementNames`).
    private final class Session: SQLSession {
        let connection: PostgresConnection
        let engine: Engine
        /// Whether the statements run in a transaction block (after a failed one, none can run).
        let inTransaction: Bool
        /// The generation steps this transaction took, recorded locally once it commits.
        var steps: [(generation: Int64, scope: ChangeScope)] = []

        init(connection: PostgresConnection, engine: Engine, inTransaction: Bool) {
            (self.connection, self.engine, self.inTransaction) = (connection, engine, inTransaction)
        }

        var dialect: SQLDialect { .postgresql }

        /// Runs `sql`, prepared.
        func execute(_ sql: String, _ arguments: [any SQLConvertible]) async throws {
            _ = try await rows(sql, arguments)
        }

        /// Runs `sql` unnamed: postgres-nio answers the command tag (how many rows it changed)
        /// of an unnamed statement only.
        func changes(_ sql: String, _ arguments: [any SQLConvertible]) async throws -> Int {
            try await unnamed(sql, Self.bindings(arguments).0).metadata.rows ?? 0
        }

        func rows(_ sql: String, _ arguments: [any SQLConvertible]) async throws -> [SQLRow] {
            let (bindings, types) = Self.bindings(arguments)
            if let statement = engine.statementNames.statement(for: sql, types: types, numbered: Self.numbered),
               let rows = try await named(statement, sql, types, { connection in
                   var rows: [SQLRow] = []
                   for try await row in try await connection.execute(PostgresNamedStatement(bindings: bindings) { $0 }, logger: self.engine.logger) {
                       rows.append(Self.row(row))
                   }
                   return rows
               }) {
                return rows
            }
            return try await unnamed(sql, bindings).rows.map(Self.row)
        }

        /// Rows are decoded as they arrive (postgres-nio's row sequence, with back-pressure): a
        /// pass over every file holds a few at a time.
        func forEachRow(_ sql: String, _ arguments: [any SQLConvertible], _ body: (SQLRow) async throws -> Void) async throws {
            let rows: PostgresRowSequence
            do {
                rows = try await connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: Self.bindings(arguments).0), logger: engine.logger)
            } catch {
                throw engine.storeError(error)
            }
            var iterator = rows.makeAsyncIterator()
            while true {
                let next: PostgresRow?
                do {
                    next = try await iterator.next()
                } catch {
                    throw engine.storeError(error)
                }
                guard let next else { return }
                try await body(Self.row(next))
            }
        }

        func bumpGeneration(_ scope: ChangeScope) async throws {
            let payload = scope.payload.utf8.count <= ChangeScope.longestPayload ? scope : .everything
            // One statement, one round trip: the bump and its announcement ("GENERATION SCOPE", sent at commit).
            let generation: Int64 = try await value("""
                WITH bumped AS (UPDATE state SET value = value + 1 WHERE key = 'generation' RETURNING value)
                SELECT value, pg_notify('\(PostgresCatalogDatabase.channel)', value::text || ' ' || ?) FROM bumped
                """, [payload.payload]) ?? 0
            steps.append((generation, payload))
        }

        /// Runs `statement` prepared; nil when its text failed as a named statement outside a
        /// transaction (the caller runs it unnamed at once). In a transaction the error stands —
        /// a 503 to retry when the unnamed statement would have run — and the next run is
        /// unnamed. A failure that may have left the name broken on this connection closes it.
        private func named<T>(_ statement: PostgresStatementNames.Statement, _ sql: String, _ types: String,
                              _ run: (PostgresConnection) async throws -> T) async throws -> T? {
            do {
                return try await PostgresStatementNames.$running.withValue(statement) { try await run(connection) }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                switch engine.statementNames.judge(error, sql: sql, types: types) {
                case .text where !inTransaction:
                    return nil
                case .text(retryable: true):
                    throw StoreError(.unavailable, "the catalog's schema changed under a statement; try again", retryAfter: 1)
                case .text, .data:
                    break
                case .connection:
                    engine.condemn(connection)
                }
                throw engine.storeError(error)
            }
        }

        /// The whole answer and its command tag (how many rows a statement changed).
        private func unnamed(_ sql: String, _ bindings: PostgresBindings) async throws -> PostgresQueryResult {
            do {
                return try await connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: bindings), logger: engine.logger).get()
            } catch {
                throw engine.storeError(error)
            }
        }

        /// The arguments bound, and their types as a key (`i`nteger, `r`eal, `t`ext, `b`lob, `n`ull).
        private static func bindings(_ arguments: [any SQLConvertible]) -> (PostgresBindings, String) {
            var binds = PostgresBindings(capacity: arguments.count)
            var types = ""
            for argument in arguments {
                switch argument.sqlValue {
                case .null: binds.appendNull(); types += "n"
                case .integer(let number): binds.append(number); types += "i"
                case .real(let number): binds.append(number); types += "r"
                case .text(let text): binds.append(text); types += "t"
                case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes)); types += "b"
                }
            }
            return (binds, types)
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
    final class Engine: Sendable {
        /// Loops for the catalog's connections alone, shared by every catalog of the process.
        static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

        let address: PostgresAddress
        let logger: Logger
        let changes = CatalogChanges()
        let statementNames = PostgresStatementNames()
        private let configuration: PostgresConnection.Configuration
        private let limit: Int
        private let pool = Mutex(Pool())

        /// The connections: idle ones, how many are open (idle, lent or connecting), the tasks
        /// waiting for one, and the listening connection.
        private struct Pool {
            var idle: [PostgresConnection] = []
            /// The connections lent to callers, closed when the server stops answering.
            var lent: [ObjectIdentifier: PostgresConnection] = [:]
            /// Lent connections to close when they come back (a named statement failed on them).
            var condemned: Set<ObjectIdentifier> = []
            var open = 0
            /// Handed a released connection, first come first served (nil: try again, one
            /// more may be opened).
            var waiting: [CheckedContinuation<PostgresConnection?, Never>] = []
            var listener: PostgresConnection?
            var stopped = false
            var nextID = 0
            /// When the heartbeat in flight was sent and its number (a late answer to an older
            /// one counts for nothing), and when the server last answered one.
            var heartbeatSent: NIODeadline?
            var heartbeats = 0
            var lastAnswer = NIODeadline.now()
            /// Why the server is taken as down, and since when (callers are refused at once), or nil.
            var down: (reason: String, since: NIODeadline)?
        }

        /// How long the server may leave a heartbeat unanswered before it is taken as down: a
        /// stalled server answers nothing, and `statement_timeout` is the server's own.
        static let stallLimit = TimeAmount.seconds(3)

        init(address: PostgresAddress, password: String?, limit: Int) async throws {
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
            // A server that does not finish a connection's start-up within the stall limit is not
            // answering (postgres-nio's default waits 10 s, and the heartbeat cannot end a connection
            // still starting).
            configuration.options.connectTimeout = .nanoseconds(Self.stallLimit.nanoseconds)
            self.configuration = configuration
            do {
                try await listen().get()
            } catch {
                throw storeError(error)
            }
            beat()
        }

        deinit {
            let connections = pool.withLock { pool in
                pool.stopped = true
                defer { pool.idle = [] }
                return pool.idle + (pool.listener.map { [$0] } ?? [])
            }
            for connection in connections { Self.close(connection) }
        }

        var isListening: Bool {
            pool.withLock { $0.listener.map { !$0.isClosed } ?? false }
        }

        func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
            let connection = try await acquire()
            do {
                let result = try await body(connection)
                release(connection, healthy: true)
                return result
            } catch {
                release(connection, healthy: !connection.isClosed)
                throw error
            }
        }

        /// What a caller of `acquire` does next.
        private enum Lease {
            case use(PostgresConnection)
            case connect(id: Int)
            case wait
        }

        /// An idle connection, else a new one while fewer than `limit` are open, else the first
        /// to be released: the caller's task waits, no thread does.
        private func acquire() async throws -> PostgresConnection {
            let connection = try await lease()
            pool.withLock { $0.lent[ObjectIdentifier(connection)] = connection }
            return connection
        }

        private func lease() async throws -> PostgresConnection {
            while true {
                switch try takeLease() {
                case .use(let connection):
                    return connection
                case .connect(let id):
                    do {
                        return try await connect(id: id).get()
                    } catch {
                        let waiter = pool.withLock { pool in
                            pool.open -= 1
                            return pool.waiting.isEmpty ? nil : pool.waiting.removeFirst()
                        }
                        waiter?.resume(returning: nil)
                        throw storeError(error)
                    }
                case .wait:
                    let handed = await withCheckedContinuation { (continuation: CheckedContinuation<PostgresConnection?, Never>) in
                        // Checked again under the lock: a release between `takeLease` and here
                        // must not be missed.
                        let queued = pool.withLock { pool in
                            guard pool.idle.isEmpty && pool.open >= limit && pool.down == nil else { return false }
                            pool.waiting.append(continuation)
                            return true
                        }
                        if !queued { continuation.resume(returning: nil) }
                    }
                    if let handed { return handed }
                }
            }
        }

        private func takeLease() throws -> Lease {
            try pool.withLock { pool in
                if let down = pool.down {
                    let seconds = (NIODeadline.now() - down.since).nanoseconds / 1_000_000_000
                    throw StoreError(.unavailable, "the catalog at \(address) \(down.reason) (down for \(seconds) s)", retryAfter: 1)
                }
                while let connection = pool.idle.popLast() {
                    if !connection.isClosed { return .use(connection) }
                    pool.open -= 1
                }
                guard pool.open < limit else { return .wait }
                pool.open += 1
                pool.nextID += 1
                return .connect(id: pool.nextID)
            }
        }

        /// A healthy connection goes straight to the first waiting task (none arriving later
        /// takes it first), else back to the idle ones; a broken one is closed, and a waiting
        /// task told to open another.
        private func release(_ connection: PostgresConnection, healthy: Bool) {
            let (waiter, kept) = pool.withLock { pool in
                pool.lent[ObjectIdentifier(connection)] = nil
                let condemned = pool.condemned.remove(ObjectIdentifier(connection)) != nil
                let kept = healthy && !condemned && !connection.isClosed && !pool.stopped && pool.down == nil
                let waiter = pool.waiting.isEmpty ? nil : pool.waiting.removeFirst()
                if !kept { pool.open -= 1 } else if waiter == nil { pool.idle.append(connection) }
                return (waiter, kept)
            }
            if !kept { Self.close(connection) }
            waiter?.resume(returning: kept ? connection : nil)
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

        /// Every second, a `SELECT 1` on the listening connection. One unanswered for
        /// `stallLimit` (a stalled server), or no listening connection for as long (a server
        /// gone): the server is down — every connection is closed, so the statements waiting on
        /// them fail with a 503 at once, and callers are refused until a heartbeat is answered.
        private func beat() {
            Self.eventLoops.next().scheduleTask(in: .seconds(1)) { [weak self] in
                guard let self, !pool.withLock({ $0.stopped }) else { return }
                heartbeat()
                beat()
            }
        }

        private func heartbeat() {
            let now = NIODeadline.now()
            let (listener, sent, lastAnswer) = pool.withLock { ($0.listener, $0.heartbeatSent, $0.lastAnswer) }
            if let sent {
                if now - sent > Self.stallLimit { takeDown("has not answered for \((now - sent).nanoseconds / 1_000_000_000) s") }
                return
            }
            guard let listener, !listener.isClosed else {
                if now - lastAnswer > Self.stallLimit { takeDown("cannot be reached") }
                return
            }
            let number = pool.withLock { pool in
                pool.heartbeatSent = now
                pool.heartbeats += 1
                return pool.heartbeats
            }
            listener.query("SELECT 1", logger: logger).whenComplete { [weak self] result in
                guard let self else { return }
                pool.withLock { pool in
                    guard pool.heartbeats == number, pool.heartbeatSent != nil else { return }
                    pool.heartbeatSent = nil
                    if case .success = result {
                        pool.lastAnswer = .now()
                        pool.down = nil
                    }
                }
            }
        }

        /// Closes `connection` when it comes back instead of keeping it.
        func condemn(_ connection: PostgresConnection) {
            pool.withLock { _ = $0.condemned.insert(ObjectIdentifier(connection)) }
        }

        /// Refuses callers from now on (the first reason is kept) and closes every connection:
        /// the statements on them fail, and the tasks waiting for one are refused too.
        private func takeDown(_ reason: String) {
            let (connections, waiters) = pool.withLock { pool in
                if pool.down == nil {
                    logger.warning("catalog down", metadata: ["catalog": "\(address)", "reason": "\(reason)"])
                    pool.down = (reason, .now())
                }
                pool.heartbeatSent = nil
                defer { (pool.idle, pool.waiting) = ([], []) }
                pool.open -= pool.idle.count
                return (pool.idle + pool.lent.values + (pool.listener.map { [$0] } ?? []), pool.waiting)
            }
            for connection in connections { Self.close(connection) }
            for waiter in waiters { waiter.resume(returning: nil) }
        }

        /// Opens the listening connection, then reads the stored generation (notifications
        /// missed meanwhile are in it). When it closes, it is opened again a second later.
        private func listen() -> EventLoopFuture<Void> {
            connect(id: 0).flatMap { connection in
                // A server that accepted the connection and then stopped answering must not keep
                // the listener (and with it the heartbeat) from ever coming back.
                let deadline = connection.eventLoop.scheduleTask(in: Self.stallLimit + .seconds(2)) { Self.close(connection) }
                connection.addListener(channel: PostgresCatalogDatabase.channel) { [weak self] _, notification in
                    let parts = notification.payload.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                    if let generation = Int64(parts[0]) {
                        self?.changes.record(generation, parts.count == 2 ? ChangeScope(payload: parts[1]) : nil)
                    }
                }
                return connection.query("LISTEN \(unescaped: PostgresCatalogDatabase.channel)", logger: self.logger)
                    .flatMap { _ in
                        connection.query("SELECT value FROM state WHERE key = 'generation'", logger: self.logger)
                            .map { result in
                                if let row = result.rows.first, let stored = try? row.decode(Int64.self) { self.changes.record(stored, nil) }
                            }
                            .flatMapError { (error: any Error) -> EventLoopFuture<Void> in
                                // Before the first migration there is no state table yet: listening is enough.
                                if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "42P01" {
                                    return connection.eventLoop.makeSucceededVoidFuture()
                                }
                                return connection.eventLoop.makeFailedFuture(error)
                            }
                    }
                    .map {
                        deadline.cancel()
                        self.adopt(listener: connection)
                    }
                    .flatMapError { (error: any Error) -> EventLoopFuture<Void> in
                        deadline.cancel()
                        Self.close(connection)
                        return connection.eventLoop.makeFailedFuture(error)
                    }
            }
        }

        private func adopt(listener connection: PostgresConnection) {
            pool.withLock { $0.listener = connection }
            connection.closeFuture.whenComplete { [weak self] _ in self?.listenAgain(after: .seconds(1)) }
        }

        private func listenAgain(after delay: TimeAmount) {
            guard !pool.withLock({ $0.stopped }) else { return }
            Self.eventLoops.next().scheduleTask(in: delay) { [weak self] in
                self?.listen().whenFailure { [weak self] _ in self?.listenAgain(after: .seconds(1)) }
            }
        }

        /// A postgres-nio error as the store's: a refused or broken connection is a 503 (a
        /// proxy retries elsewhere), a server error a 500 with PostgreSQL's message.
        func storeError(_ error: any Error) -> any Error {
            guard let error = error as? PSQLError else {
                if error is StoreError || error is CancellationError { return error }
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
