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
/// At most `capacity` statements are named (each connection holds a plan for each it ran); the
/// rest run unnamed, as do statements that failed as named ones for a reason of their text (a
/// table or column missing when prepared, a plan whose result type changed with the schema).
final class PostgresStatementNames: Sendable {
    /// A named statement: its name, and its text with `$1…` placeholders.
    struct Statement: Sendable {
        let name: String
        let sql: String
    }

    static let capacity = 256

    /// The named statement being run (see `PostgresNamedStatement`).
    @TaskLocal static var running: Statement?

    private let state = Mutex(State())

    /// Each statement seen, by text and types: its name, or nil once it runs unnamed.
    private struct State {
        var statements: [String: Statement?] = [:]
        var names = 0
    }

    /// The statement to run `sql` with arguments of `types` (nil: run it unnamed).
    func statement(for sql: String, types: String, numbered: (String) -> String) -> Statement? {
        let key = Self.key(sql, types)
        return state.withLock { state in
            if let known = state.statements[key] { return known }
            guard state.statements.count < Self.capacity else { return nil }
            state.names += 1
            let statement = Statement(name: "wheelwright_\(state.names)", sql: numbered(sql))
            state.statements[key] = statement
            return statement
        }
    }

    /// Runs `sql` unnamed from now on when `error` says its text (not its arguments or the
    /// moment) failed; answers whether it did.
    func unnameIfTextFailed(_ sql: String, types: String, _ error: any Error) -> Bool {
        guard let state = (error as? PSQLError)?.serverInfo?[.sqlState], Self.textFailures.contains(where: state.hasPrefix) else { return false }
        let key = Self.key(sql, types)
        self.state.withLock { $0.statements[key] = .some(nil) }
        return true
    }

    /// SQLSTATE classes of a statement's text: syntax or access (42: a table missing when it was
    /// prepared), a cached plan whose result changed (0A000), a prepared name unknown (26000).
    private static let textFailures = ["42", "0A000", "26000"]

    private static func key(_ sql: String, _ types: String) -> String { sql + "\u{1}" + types }
}

/// A named statement as postgres-nio runs one: its protocol asks for the name and text as static
/// properties, so a task-local carries this run's into the one `execute` call that reads them
/// (postgres-nio prepares it on the connection the first time it sees the name there).
struct PostgresNamedStatement<Row>: PostgresPreparedStatement {
    static var name: String { PostgresStatementNames.running?.name ?? "" }
    static var sql: String { PostgresStatementNames.running?.sql ?? "" }

    let bindings: PostgresBindings
    let decode: @Sendable (PostgresRow) -> Row

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> Row { decode(row) }
}
