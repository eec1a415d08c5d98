import Foundation
import IndexAPI
import Testing

/// `devpi test`'s tox results as the server reads them: devpi's verdicts, and hostile documents
/// refused with the field named.
@Suite("Tox results")
struct ToxResultReportTests {
    static func report(_ environments: String, host: String = #""ci-1""#) throws(SchemaError) -> ToxResultReport {
        try ToxResultReport(parsing: Array(#"{"reportversion": "1", "host": \#(host), "platform": "linux", "testenvs": {\#(environments)}}"#.utf8))
    }

    @Test("outcomes as devpi judges them: passed, tests failed, setup failed, no tests; exit codes as numbers or digits; Python's first word; the log")
    func outcomes() throws {
        let report = try Self.report("""
            "py": {"python": {"version": "3.11.2 (main, Mar 13 2023) [GCC 12.2.0]"}, "setup": [{"command": ["pip", "install", "x"], "output": "ok", "retcode": 0}],
                   "test": [{"command": ["python", "-c", "import x"], "output": "", "err": "warned", "retcode": 0}]},
            "bad": {"test": [{"command": "pytest", "output": "1 failed", "retcode": "1"}]},
            "broken": {"setup": [{"retcode": 2}], "test": [{"retcode": 0}]},
            "lint": {"setup": [{"retcode": null}]}
            """)
        #expect(report.host == "ci-1" && report.platform == "linux")
        let outcomes = Dictionary(uniqueKeysWithValues: report.environments.map { ($0.summary.name, $0.summary.outcome) })
        #expect(outcomes == ["py": .passed, "bad": .testsFailed, "broken": .setupFailed, "lint": .noTests])
        #expect(report.environments.first { $0.summary.name == "py" }?.summary.python == "3.11.2")
        #expect(report.log.contains("== py (Python 3.11.2): passed") && report.log.contains("-- test: python -c import x → 0\nwarned"), "\(report.log)")
        #expect(report.log.contains("-- test: pytest → 1\n1 failed"))
    }

    @Test("hostile documents are refused naming the field: not an object, missing or bad labels, too many environments or commands, wrong types, deep nesting, too large")
    func hostile() {
        let many = (0...ToxResultReport.maximumEnvironments).map { #""e\#($0)": {}"# }.joined(separator: ", ")
        let commands = Array(repeating: #"{"retcode": 0}"#, count: ToxResultReport.maximumCommands + 1).joined(separator: ", ")
        let cases: [([UInt8], String)] = [
            (Array("[]".utf8), "body is not a JSON object"),
            (Array("not json".utf8), "body is not a JSON object"),
            (Array(#"{"host": "h", "platform": "linux"}"#.utf8), "testenvs must be an object"),
            (Array(#"{"platform": "linux", "testenvs": {}}"#.utf8), "host is missing"),
            (Array(#"{"host": "a\u001b[31mb", "platform": "linux", "testenvs": {}}"#.utf8), "host must be one line"),
            (Array(#"{"host": "\#(String(repeating: "h", count: 201))", "platform": "linux", "testenvs": {}}"#.utf8), "host must be one line"),
            (Array(#"{"host": "h", "platform": 7, "testenvs": {}}"#.utf8), "platform must be a string"),
            (Array(#"{"host": "h", "platform": "p", "testenvs": {\#(many)}}"#.utf8), "testenvs has 65 environments"),
            (Array(#"{"host": "h", "platform": "p", "testenvs": {"py": {"test": [\#(commands)]}}}"#.utf8), "testenvs.py.test has 1001 commands"),
            (Array(#"{"host": "h", "platform": "p", "testenvs": {"py": {"test": [{"retcode": 1.5}]}}}"#.utf8), "testenvs.py.test[0].retcode must be a whole number"),
            (Array(#"{"host": "h", "platform": "p", "testenvs": {"py": {"test": [{"retcode": "1e999"}]}}}"#.utf8), "testenvs.py.test[0].retcode must be a whole number"),
            (Array(#"{"host": "h", "platform": "p", "testenvs": {"py": {"test": [{"command": [1]}]}}}"#.utf8), "testenvs.py.test[0].command must be a list of strings"),
            (Array(#"{"host": "h", "platform": "p", "testenvs": {"py\u0000": {}}}"#.utf8), "testenvs.py"),
            (Array(#"{"host": "h", "platform": "p", "testenvs": {"py": {"python": {"version": "\u202e3.11"}}}}"#.utf8), "testenvs.py.python.version must be one line"),
            (Array(#"{"host": "h", "platform": "p", "testenvs": "#.utf8) + Array(repeating: UInt8(ascii: "["), count: 100_000)
                + Array(repeating: UInt8(ascii: "]"), count: 100_000) + Array("}".utf8), "body nests lists and objects deeper than 16"),
            ([0xEF, 0xBB, 0xBF] + Array(#"{"host": "h", "platform": "p", "testenvs": {}}"#.utf8), "body must be UTF-8 JSON"),
            (Array(#"{"host": "h", "platform": "p", "testenvs": {}}"#.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), "body must be UTF-8 JSON"),
            (Array(#"{"host": "h", "platform": "p", "testenvs": {}}"#.utf8) + [0xFF], "body must be UTF-8 JSON"),
            (Array(repeating: UInt8(ascii: " "), count: ToxResultReport.maximumBytes + 1), "body is 1048577 bytes"),
        ]
        for (document, expected) in cases {
            #expect(throws: SchemaError.self, "\(expected)") { try ToxResultReport(parsing: document) }
            do {
                _ = try ToxResultReport(parsing: document)
            } catch {
                #expect(error.description.hasPrefix(expected), "\(error.description)")
            }
        }
    }
}
