import Foundation

/// Where a command's settings come from, the first that names one winning: its flag, the
/// process environment (an empty variable counts as unset), the config file. One place, so that
/// every command orders them alike.
public struct SettingSources: Sendable {
    public let environment: [String: String]

    public init(environment: [String: String]) { self.environment = environment }

    /// This process's environment.
    public static var process: SettingSources { SettingSources(environment: ProcessInfo.processInfo.environment) }

    /// The variable's value; nil when it is unset or empty.
    public func variable(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The flag, else the variable, else the file's.
    public func value(_ flag: String?, variable name: String, file: String? = nil) -> String? {
        flag ?? variable(name) ?? file
    }

    /// The flags (repeated), else the variable's comma-separated items, else the file's; nil
    /// when none names any.
    public func list(_ flags: [String], variable name: String, file: [String]? = nil) -> [String]? {
        if !flags.isEmpty { return flags }
        if let text = variable(name) {
            let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if !items.isEmpty { return items }
        }
        return file
    }
}
