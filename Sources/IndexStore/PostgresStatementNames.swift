import PostgresNIO
import Synchronization

/// Which catalog statements the PostgreSQL connections prepare, and under which names.
///
/// An unnamed statement is parsed, analysed and planned on every run: for the catalog's short
/// look-ups that is most of what the server does per request. A named one is prepared once per
/// connection (postgres-nio keeps each connection's prepared names) and only bound and run after.
/// A statement is named by its text and its arguments' types: it is prepared with the types of
/// the arguments it runs with, exactly as the unnamed statement is parsed, so it means the same.
///
/// A text is named the second time it is seen (one-off texts — migrations, an `IN` list of a
/// rare length — stay unnamed), and at most `capacity` are named (each connection holds a plan
/// for each it ran); the rest run unnamed, as do statements that failed as named ones for a
/// reason of their text (a table or column missing when prepared, a plan whose result type
/// changed with the schema).
final class PostgresStatementNames: Sendable {
    /// A named statement: its name, and its text with `$1…` placeholders.
    struct Statement: Sendable {
        let name: String
        let sql: String
    }

    static let capacity = 256
    /// The most texts remembered as seen once; the set starts again when full.
    static let seenCapacity = 1024

    /// The named statement being run (see `PostgresNamedStatement`).
    @TaskLocal static var running: Statement?

    private let state = Mutex(State())

    /// Each statement named so far, by text and types: its name, or nil once it runs unnamed.
    private struct State {
        var statements: [String: Statement?] = [:]
        var seenOnce: Set<String> = []
        var names = 0
    }

    /// The statement to run `sql` with arguments of `types` (nil: run it unnamed).
    func statement(for sql: String, types: String, numbered: (String) -> String) -> Statement? {
        let key = Self.key(sql, types)
        return state.withLock { state in
            if let known = state.statements[key] { return known }
            guard state.statements.count < Self.capacity else { return nil }
            guard state.seenOnce.remove(key) != nil else {
                if state.seenOnce.count >= Self.seenCapacity { state.seenOnce = [] }
                state.seenOnce.insert(key)
                return nil
            }
            state.names += 1
            let statement = Statement(name: "wheelwright_\(state.names)", sql: numbered(sql))
            state.statements[key] = statement
            return statement
        }
    }

    /// What a named statement's failure means.
    enum Failure {
        /// Of its text (run it unnamed from now on); `retryable` when the unnamed statement would
        /// have run (a plan the schema changed, a name the server lost).
        case text(retryable: Bool)
        /// Of the data it ran on (a constraint, a value): the connection is sound.
        case data
        /// Anything else (a timeout, a lock, the server's memory): postgres-nio keeps a failed
        /// preparation for the connection's life, so the connection must go.
        case connection
    }

    /// Judges `error` of the named statement `sql` with `types`; a failure of its text runs it
    /// unnamed from now on.
    func judge(_ error: any Error, sql: String, types: String) -> Failure {
        guard let code = (error as? PSQLError)?.serverInfo?[.sqlState] else { return .connection }
        if code.hasPrefix("22") || code.hasPrefix("23") { return .data }
        let retryable = code == "0A000" || code == "26000"
        guard retryable || code.hasPrefix("42") else { return .connection }
        let key = Self.key(sql, types)
        state.withLock { $0.statements[key] = .some(nil) }
        return .text(retryable: retryable)
    }

    private static func key(_ sql: String, _ types: String) -> String { sql + "\u{1}" + types }
}

/// A named statement as postgres-nio runs one: its protocol asks for the name and text as static
/// properties, so a task-local carries this run's into the one `execute` call that reads them
/// (postgres-nio prepares it on the connection the first time it sees the name there).
struct PostgresNamedStatement<Row>: PostgresPreparedStatement {
    static var name: String { running.name }
    static var sql: String { running.sql }

    /// The statement of this run; outside one, postgres-nio would run the protocol's unnamed
    /// statement with another's plan, so that stops here.
    private static var running: PostgresStatementNames.Statement {
        guard let running = PostgresStatementNames.running else { preconditionFailure("a named statement read outside its run") }
        return running
    }

    let bindings: PostgresBindings
    let decode: @Sendable (PostgresRow) -> Row

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> Row { decode(row) }
}
