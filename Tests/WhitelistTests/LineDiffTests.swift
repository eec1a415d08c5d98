import Testing
@testable import Whitelist

/// `whitelist add`'s diff: only the lines that changed, as separate hunks.
@Suite("Line diff")
struct LineDiffTests {
    @Test("entries inserted at two places of a file are two hunks of added lines; nothing that stayed is shown removed and added again")
    func insertionsAreTheirOwnHunks() {
        let old = (1...40).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var lines = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert(contentsOf: ["  - name: anyio", "    versions: [\"4.9.0\"]"], at: 30)
        lines.insert(contentsOf: ["  - name: certifi"], at: 5)
        let new = lines.joined(separator: "\n")
        let hunks = LineDiff.hunks(old, new)
        #expect(hunks == [LineDiff.Hunk(oldStart: 6, newStart: 6, old: [], new: ["  - name: certifi"]),
                          LineDiff.Hunk(oldStart: 31, newStart: 32, old: [], new: ["  - name: anyio", "    versions: [\"4.9.0\"]"])])
        #expect(LineDiff.text(old, new, path: "w.yaml") == """
            --- w.yaml
            +++ w.yaml
            @@ -5,0 +6,1 @@
            +  - name: certifi
            @@ -30,0 +32,2 @@
            +  - name: anyio
            +    versions: ["4.9.0"]
            """)
    }

    @Test("a changed line is removed and added in one hunk; equal texts have none; a new file is all added")
    func replacementsAndEdges() {
        #expect(LineDiff.hunks("a\nb\nc\n", "a\nB\nc\n") == [LineDiff.Hunk(oldStart: 2, newStart: 2, old: ["b"], new: ["B"])])
        #expect(LineDiff.hunks("a\nb\n", "a\nb\n").isEmpty)
        #expect(LineDiff.hunks("", "x\ny\n") == [LineDiff.Hunk(oldStart: 1, newStart: 1, old: [], new: ["x", "y"])])
        #expect(LineDiff.hunks("x\ny\n", "") == [LineDiff.Hunk(oldStart: 1, newStart: 1, old: ["x", "y"], new: [])])
        // CRLF files are lines too (Swift reads CRLF as one character).
        #expect(LineDiff.hunks("a\r\nb\r\n", "a\r\nx\r\nb\r\n") == [LineDiff.Hunk(oldStart: 2, newStart: 2, old: [], new: ["x"])])
        #expect(LineDiff.hunks("a\nb\n", "a\r\nb\r\n").isEmpty, "line ends alone are no change")
    }

    @Test("past the most changed lines searched, the change is one hunk from the first changed line to the last")
    func tooManyChanges() {
        let old = (0..<3_000).map { "old \($0)" }.joined(separator: "\n")
        let new = "head\n" + (0..<3_000).map { "new \($0)" }.joined(separator: "\n")
        let hunks = LineDiff.hunks(old, new)
        #expect(hunks.count == 1 && hunks[0].old.count == 3_000 && hunks[0].new.count == 3_001)
    }

    @Test("every edit script rebuilds the new text from the old, on seeded random edits")
    func rebuilds() {
        var seed: UInt64 = 7
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<200 {
            let old = (0..<next(30)).map { _ in "l\(next(6))" }
            var new = old
            for _ in 0..<next(6) {
                if !new.isEmpty, next(2) == 0 { new.remove(at: next(new.count)) } else { new.insert("n\(next(4))", at: next(new.count + 1)) }
            }
            var rebuilt = old.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            for hunk in LineDiff.hunks(old.joined(separator: "\n"), new.joined(separator: "\n")).reversed() {
                let start = hunk.oldStart - 1
                #expect(Array(rebuilt[start..<(start + hunk.old.count)]) == hunk.old)
                rebuilt.replaceSubrange(start..<(start + hunk.old.count), with: hunk.new)
            }
            #expect(rebuilt.joined(separator: "\n") == new.joined(separator: "\n"), "\(old) → \(new)")
        }
    }
}
