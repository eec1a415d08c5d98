import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Progress of long work: a bar with counts and an ETA on a terminal, plain lines otherwise
/// (CI logs), nothing when the output is JSON.
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

    /// One item finished; `line` describes it (printed as is when not on a terminal).
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
            print(line)
        }
    }
}
