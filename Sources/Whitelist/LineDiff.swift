/// The lines one text changes into another, as hunks: Myers' shortest edit script, which
/// costs time and memory by the number of changed lines, not by the file's length (a
/// whitelist of 50,000 entries with three entries added is three short hunks, found at once).
/// `whitelist add` prints it: each hunk's place, then its removed and added lines.
public enum LineDiff {
    /// One run of changed lines: `old` removed at line `oldStart`, `new` in their place at
    /// `newStart` (1-based: the line the run starts at in each text).
    public struct Hunk: Equatable, Sendable {
        public var oldStart: Int
        public var newStart: Int
        public var old: [Substring] = []
        public var new: [Substring] = []
    }

    /// Past this many changed lines the edit script is not searched for (its memory grows with
    /// their square): the changes are one hunk from the first changed line to the last.
    public static let maximumChangedLines = 2_000

    public static func hunks(_ old: String, _ new: String) -> [Hunk] {
        let a = lines(old), b = lines(new)
        guard let script = editScript(a, b) else { return [span(a, b)] }
        var hunks: [Hunk] = []
        var (x, y) = (0, 0)
        var open: Hunk?
        for step in script {
            if step == .same {
                if let done = open { hunks.append(done) }
                open = nil
                (x, y) = (x + 1, y + 1)
                continue
            }
            if open == nil { open = Hunk(oldStart: x + 1, newStart: y + 1) }
            if step == .remove {
                open?.old.append(a[x])
                x += 1
            } else {
                open?.new.append(b[y])
                y += 1
            }
        }
        if let done = open { hunks.append(done) }
        return hunks
    }

    /// `hunks` as a unified diff without context: a header naming `path`, then per hunk
    /// `@@ -START,COUNT +START,COUNT @@` (an empty side's start is the line before, as `diff -U0`
    /// writes it) and its `-` and `+` lines.
    public static func text(_ old: String, _ new: String, path: String) -> String {
        var output = ["--- \(path)", "+++ \(path)"]
        for hunk in hunks(old, new) {
            let oldStart = hunk.old.isEmpty ? hunk.oldStart - 1 : hunk.oldStart
            let newStart = hunk.new.isEmpty ? hunk.newStart - 1 : hunk.newStart
            output.append("@@ -\(oldStart),\(hunk.old.count) +\(newStart),\(hunk.new.count) @@")
            output += hunk.old.map { "-" + $0 } + hunk.new.map { "+" + $0 }
        }
        return output.joined(separator: "\n")
    }

    /// A text's lines, ended by LF or CRLF (Swift reads CRLF as one character: splitting on "\n"
    /// alone would see a CRLF file as one line).
    static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    /// The whole changed span as one hunk: what differs between the common prefix and suffix.
    static func span(_ a: [Substring], _ b: [Substring]) -> Hunk {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        return Hunk(oldStart: prefix + 1, newStart: prefix + 1, old: Array(a[prefix..<(a.count - suffix)]), new: Array(b[prefix..<(b.count - suffix)]))
    }

    enum Step: Equatable { case same, remove, add }

    /// The shortest sequence of kept, removed and added lines that makes `b` of `a` (Myers
    /// 1986): per edit distance d, the furthest reach on each diagonal k (an array indexed
    /// k + d), kept for every d so that the path can be walked back from the end; nil past
    /// `maximumChangedLines`.
    static func editScript(_ a: [Substring], _ b: [Substring]) -> [Step]? {
        let (n, m) = (a.count, b.count)
        var trace: [[Int]] = []
        var previous: [Int] = [0, 0, 0]  // d = -1: diagonal 1 reaches x = 0
        var found = false
        for d in 0...min(n + m, maximumChangedLines) {
            var reach = [Int](repeating: 0, count: 2 * d + 1)
            func before(_ k: Int) -> Int { previous[k + d] }  // previous round's diagonal k (offset d - 1, shifted by one)
            for k in stride(from: -d, through: d, by: 2) {
                var x = k == -d || (k != d && before(k - 1) < before(k + 1)) ? before(k + 1) : before(k - 1) + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] { (x, y) = (x + 1, y + 1) }
                reach[k + d] = x
                if x >= n, y >= m { found = true }
            }
            trace.append(reach)
            if found { break }
            // Padded by one each side, so that the next round reads k ± 1 without a bounds check.
            previous = [0] + reach + [0]
        }
        guard found else { return nil }
        var steps: [Step] = []
        var (x, y) = (n, m)
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let k = x - y
            guard d > 0 else {
                steps += Array(repeating: .same, count: x)
                break
            }
            let earlier = trace[d - 1]
            func reached(_ k: Int) -> Int { earlier[k + d - 1] }
            let previousK = k == -d || (k != d && reached(k - 1) < reached(k + 1)) ? k + 1 : k - 1
            let previousX = reached(previousK)
            let previousY = previousX - previousK
            while x > (previousK == k + 1 ? previousX : previousX + 1), y > (previousK == k + 1 ? previousY + 1 : previousY) {
                steps.append(.same)
                (x, y) = (x - 1, y - 1)
            }
            steps.append(previousK == k + 1 ? .add : .remove)
            (x, y) = (previousX, previousY)
        }
        return steps.reversed()
    }
}
