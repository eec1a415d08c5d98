import Foundation

/// A tox result as `devpi test` posts it for a release file (tox's `--result-json`), read as
/// hostile: a JSON object of at most `maximumBytes` with `host`, `platform` and `testenvs`, each
/// environment's `python.version` and its `setup` and `test` commands (`command`, `output`,
/// `err`, `retcode`). Labels a page shows are short lines; counts are bounded. Anything else in
/// the document is kept as posted and never read.
public struct ToxResultReport: Sendable {
    /// The largest document accepted (a tox run's output included).
    public static let maximumBytes = 1 << 20
    public static let maximumEnvironments = 64
    /// Commands per environment, setup and test together.
    public static let maximumCommands = 1_000
    /// The longest host, platform, environment name or Python version (UTF-8 bytes).
    public static let maximumLabel = 200
    /// The deepest nesting of lists and objects (tox's own is 5): checked before decoding, whose
    /// cost grows with depth.
    public static let maximumDepth = 16

    public let host: String
    public let platform: String
    public let environments: [ToxEnvironment]

    public init(parsing bytes: [UInt8]) throws(SchemaError) {
        guard bytes.count <= Self.maximumBytes else {
            throw SchemaError(field: "body", "is \(bytes.count) bytes; a tox result of at most \(Self.maximumBytes) is accepted")
        }
        // UTF-8 only, as stored and served: no byte order mark, no NUL (a JSON decoder would take
        // UTF-16 and UTF-32 too, which the catalog's text would not keep).
        guard bytes.prefix(3) != [0xEF, 0xBB, 0xBF], !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil else {
            throw SchemaError(field: "body", "must be UTF-8 JSON without a byte order mark")
        }
        guard Self.depth(of: bytes) <= Self.maximumDepth else {
            throw SchemaError(field: "body", "nests lists and objects deeper than \(Self.maximumDepth) levels")
        }
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(bytes)) else {
            throw SchemaError(field: "body", "is not a JSON object (tox's --result-json)")
        }
        host = try Self.label(object["host"], field: "host")
        platform = try Self.label(object["platform"], field: "platform")
        guard case .object(let environments)? = object["testenvs"] else {
            throw SchemaError(field: "testenvs", "must be an object of tox environments")
        }
        guard environments.count <= Self.maximumEnvironments else {
            throw SchemaError(field: "testenvs", "has \(environments.count) environments; at most \(Self.maximumEnvironments) are accepted")
        }
        self.environments = try environments.keys.sorted().map { name throws(SchemaError) in
            try Self.environment(name, environments[name]!)
        }
    }

    /// How deep `[` and `{` nest outside strings (a cheap scan: whether the JSON is valid is
    /// the decoder's to say).
    static func depth(of bytes: [UInt8]) -> Int {
        var depth = 0, deepest = 0
        var inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                deepest = max(deepest, depth)
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
        return deepest
    }

    private static func environment(_ name: String, _ value: JSONValue) throws(SchemaError) -> ToxEnvironment {
        let field = "testenvs.\(name.prefix(maximumLabel))"
        _ = try label(.string(name), field: field)
        guard case .object(let fields) = value else { throw SchemaError(field: field, "must be an object") }
        var python: String?
        switch fields["python"] {
        case nil, .null?: break
        case .object(let details)?:
            // "3.12.1 (main, …) [GCC …]": the version is its first word, as devpi shows it.
            if let version = try text(details["version"], field: "\(field).python.version") {
                python = try label(.string(String(version.split(separator: " ", maxSplits: 1).first ?? "")), field: "\(field).python.version")
            }
        default: throw SchemaError(field: "\(field).python", "must be an object")
        }
        let setup = try commands(fields["setup"], field: "\(field).setup")
        let test = try commands(fields["test"], field: "\(field).test")
        guard setup.count + test.count <= maximumCommands else {
            throw SchemaError(field: field, "has \(setup.count + test.count) commands; at most \(maximumCommands) are accepted")
        }
        let outcome: ToxOutcome = if setup.contains(where: \.failed) {
            .setupFailed
        } else if test.isEmpty {
            .noTests
        } else {
            test.contains(where: \.failed) ? .testsFailed : .passed
        }
        return ToxEnvironment(summary: ToxEnvironmentSummary(name: name, python: python, outcome: outcome), setup: setup, test: test)
    }

    private static func commands(_ value: JSONValue?, field: String) throws(SchemaError) -> [ToxCommand] {
        switch value {
        case nil, .null?: return []
        case .list(let items)?:
            guard items.count <= maximumCommands else { throw SchemaError(field: field, "has \(items.count) commands; at most \(maximumCommands) are accepted") }
            var commands: [ToxCommand] = []
            for (position, item) in items.enumerated() {
                let here = "\(field)[\(position)]"
                guard case .object(let fields) = item else { throw SchemaError(field: here, "must be an object") }
                let words: [String]
                switch fields["command"] {
                case nil, .null?: words = []
                case .string(let text)?: words = [text]
                case .list(let list)?:
                    words = try list.map { word throws(SchemaError) in
                        guard case .string(let text) = word else { throw SchemaError(field: "\(here).command", "must be a list of strings") }
                        return text
                    }
                default: throw SchemaError(field: "\(here).command", "must be a list of strings")
                }
                let output = [try text(fields["output"], field: "\(here).output"), try text(fields["err"], field: "\(here).err")]
                    .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
                commands.append(ToxCommand(command: words.joined(separator: " "), output: output,
                                           retcode: try retcode(fields["retcode"], field: "\(here).retcode")))
            }
            return commands
        default:
            throw SchemaError(field: field, "must be a list of commands")
        }
    }

    /// A whole number, or its decimal digits as a string (older tox); none when absent.
    private static func retcode(_ value: JSONValue?, field: String) throws(SchemaError) -> Int? {
        switch value {
        case nil, .null?: return nil
        case .number(let number)? where number.rounded() == number && abs(number) <= 1_000_000: return Int(number)
        case .string(let text)?:
            guard let number = Int(text), abs(number) <= 1_000_000 else { throw SchemaError(field: field, "must be a whole number") }
            return number
        default: throw SchemaError(field: field, "must be a whole number")
        }
    }

    private static func text(_ value: JSONValue?, field: String) throws(SchemaError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw SchemaError(field: field, "must be a string")
        }
    }

    /// A short line a page shows: a string of at most `maximumLabel` bytes without control characters.
    private static func label(_ value: JSONValue?, field: String) throws(SchemaError) -> String {
        guard let text = try text(value, field: field) else { throw SchemaError(field: field, "is missing") }
        guard !text.isEmpty, text.utf8.count <= maximumLabel,
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) else {
            throw SchemaError(field: field, "must be one line of 1 to \(maximumLabel) bytes without control characters")
        }
        return text
    }

    /// The commands and their output, environment by environment: the log a page links.
    public var log: String {
        var lines: [String] = ["host: \(host)", "platform: \(platform)"]
        for environment in environments {
            let summary = environment.summary
            lines.append("")
            lines.append("== \(summary.name)\(summary.python.map { " (Python \($0))" } ?? ""): \(summary.outcome.rawValue)")
            for (stage, commands) in [("setup", environment.setup), ("test", environment.test)] {
                for command in commands {
                    lines.append("-- \(stage): \(command.command) → \(command.retcode.map(String.init) ?? "no exit code")")
                    if !command.output.isEmpty { lines.append(command.output) }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// One tox environment of a result: what pages show, and its commands for the log.
public struct ToxEnvironment: Sendable {
    public let summary: ToxEnvironmentSummary
    public let setup, test: [ToxCommand]
}

/// One command tox ran.
public struct ToxCommand: Sendable {
    public let command, output: String
    public let retcode: Int?

    /// Failed as devpi judges it: an exit code other than 0.
    public var failed: Bool { retcode.map { $0 != 0 } ?? false }
}

/// What a page and devpi-client show of an environment: its name, Python and outcome.
public struct ToxEnvironmentSummary: Codable, Sendable, Equatable {
    public let name: String
    public let python: String?
    public let outcome: ToxOutcome

    public init(name: String, python: String?, outcome: ToxOutcome) { (self.name, self.python, self.outcome) = (name, python, outcome) }
}

/// An environment's outcome, in devpi's words.
public enum ToxOutcome: String, Codable, Sendable {
    case passed
    case testsFailed = "tests failed"
    case setupFailed = "setup failed"
    case noTests = "no tests were run"

    public var passed: Bool { self == .passed }
}
