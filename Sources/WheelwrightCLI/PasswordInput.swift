import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A new password typed by a person (asked twice, not echoed) or, when standard input is not a
/// terminal, its first line: never an argument, which `ps` would show.
enum PasswordInput {
    static func read(for user: String) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("no password on standard input: pipe one line, e.g. from a file of mode 0600")
            }
            return line
        }
        guard let first = getpass("New password for \(user): ").map({ String(cString: $0) }), !first.isEmpty,
              let second = getpass("Again: ").map({ String(cString: $0) }) else {
            throw ValidationError("no password given")
        }
        guard first == second else { throw ValidationError("the two passwords differ; nothing changed") }
        return first
    }
}
