/// The lines one text changes into another, as hunks: Myers' shortest edit script, which
/// costs time and memory by the number of changed lines, not by the file's length (a
/// whitelist of 50,000 entries with three entries added is three short hunks, found at once).
/// `whitelist add` prints it: each hunk's place, then its removed and added lines.
public enum LineDiff {
    /// One run of changed lines: `old` removed at line `oldStart`, `new` in their place at
    /// `newStart` (1-based).
    public struct Hunk: Equatable, Sendable {
        public let oldStart: Int
        public let newStart: Int
        public let old: [Substring]
        public let new: [Substring]
    }

    public static func hunks(_ old: String, _ new: String) -> [Hunk] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false)
        var hunks: [Hunk] = []
        var (x, y) = (0, 0)
        for step in editScript(a, b) {
            switch step {
            case .same:
                (x, y) = (x + 1, y + 1)
            case .remove, .add:
                let continues = hunks.last.map { $0.oldStart - 1 + $0.old.count == x && $0.newStart - 1 + $0.new.count == y } ?? false
                if !continues { hunks.append(Hunk(oldStart: x + 1, newStart: y + 1, old: [], new: [])) }
                let last = hunks.removeLast()
                if step == .remove {
                    hunks.append(Hunk(oldStart: last.oldStart, newStart: last.newStart, old: last.old + [a[x]], new: last.new))
                    x += 1
                } else {
                    hunks.append(Hunk(oldStart: last.oldStart, newStart: last.newStart, old: last.old, new: last.new + [b[y]]))
                    y += 1
                }
            }
        }
        return hunks
    }

    /// `hunks` as printed: a header naming `path`, then per hunk `@@ -OLD +NEW @@` and its
    /// `-` and `+` lines.
    public static func text(_ old: String, _ new: String, path: String) -> String {
        var lines = ["--- \(path)", "+++ \(path)"]
        for hunk in hunks(old, new) {
            lines.append("@@ -\(hunk.oldStart),\(hunk.old.count) +\(hunk.newStart),\(hunk.new.count) @@")
            lines += hunk.old.map { "-" + $0 } + hunk.new.map { "+" + $0 }
        }
        return lines.joined(separator: "\n")
    }

    enum Step: Equatable { case same, remove, add }

    /// The shortest sequence of kept, removed and added lines that makes `b` of `a` (Myers
    /// 1986): per edit distance d, the furthest reach on each diagonal k, kept for d ≤ D only
    /// (O(D²) memory), then walked back from the end.
    static func editScript(_ a: [Substring], _ b: [Substring]) -> [Step] {
        let (n, m) = (a.count, b.count)
        var reach: [Int: Int] = [1: 0]
        var trace: [[Int: Int]] = []
        search: for d in 0...(n + m) {
            trace.append(reach)
            for k in stride(from: -d, through: d, by: 2) {
                var x = k == -d || (k != d && reach[k - 1, default: -1] < reach[k + 1, default: -1]) ? reach[k + 1, default: 0] : reach[k - 1, default: 0] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] { (x, y) = (x + 1, y + 1) }
                reach[k] = x
                if x >= n, y >= m { break search }
            }
        }
        var steps: [Step] = []
        var (x, y) = (n, m)
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let before = trace[d]
            let k = x - y
            let previousK = k == -d || (k != d && before[k - 1, default: -1] < before[k + 1, default: -1]) ? k + 1 : k - 1
            let previousX = before[previousK, default: 0]
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                steps.append(.same)
                (x, y) = (x - 1, y - 1)
            }
            if d > 0 { steps.append(x == previousX ? .add : .remove) }
            (x, y) = (previousX, previousY)
        }
        return steps.reversed()
    }
}
