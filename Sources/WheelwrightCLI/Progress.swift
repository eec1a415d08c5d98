import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Progress of long work: a bar with counts and an ETA on a terminal; otherwise (cron, journald,
/// CI logs) one line per event, each stamped with the UTC time; nothing when the output is JSON.
final class Progress: @unchecked Sendable {
    private var total: Int
    private let label: String
    private let isTerminal: Bool
    private let quiet: Bool
    private let start = Date()
    private let lock = NSLock()
    private var done = 0
    private var failed = 0

    init(total: Int = 0, label: String, quiet: Bool) {
        self.total = total
        self.label = label
        self.quiet = quiet
        isTerminal = isatty(STDOUT_FILENO) == 1
    }

    /// Sets how many items there are, once they are known.
    func start(total: Int) {
        lock.lock()
        defer { lock.unlock() }
        self.total = total
    }

    /// An item started: a stamped line when not on a terminal (the bar shows only what finished).
    func started(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        guard !quiet, !isTerminal else { return }
        Self.write(Self.stamped(line))
    }

    /// A line about the work (the plan, a warning): as is on a terminal, stamped otherwise.
    func note(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        guard !quiet else { return }
        if isTerminal && done > 0 && done < total { FileHandle.standardOutput.write(Data("\n".utf8)) }
        Self.write(isTerminal ? line : Self.stamped(line))
    }

    /// One line on standard output at once: `print` would hold it in a buffer while stdout is a
    /// file or a pipe (cron, journald), so a night's log would appear only at its end.
    static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `2026-11-30T01:30:00Z line`: when each event happened, for a log read the next morning.
    static func stamped(_ line: String) -> String { "\(Date().ISO8601Format()) \(line)" }

    /// One item finished; `line` describes it (printed stamped when not on a terminal).
    func finished(_ line: String, failed didFail: Bool) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if didFail { failed += 1 }
        guard !quiet else { return }
        if isTerminal {
            let width = 30
            let filled = total == 0 ? width : done * width / total
            let elapsed = Date().timeIntervalSince(start)
            let eta = done == 0 ? 0 : elapsed / Double(done) * Double(total - done)
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            let text = "\r\(label) [\(bar)] \(done)/\(total), \(failed) failed, ETA \(Int(eta.rounded()))s "
            FileHandle.standardOutput.write(Data(text.utf8))
            if done == total { FileHandle.standardOutput.write(Data("\n".utf8)) }
        } else {
            Self.write(Self.stamped(line))
        }
    }
}
