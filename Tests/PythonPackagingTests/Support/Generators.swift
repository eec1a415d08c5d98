import Basics

/// Random inputs for the differential tests: every part of PEP 440's grammar in every
/// spelling, plus mutations that make some of them invalid.
struct InputGenerator {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    mutating func pick<T>(_ options: [T]) -> T { options.randomElement(using: &random)! }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    mutating func number() -> String {
        switch int(0...9) {
        case 0: return "0" + String(int(0...9))
        case 1: return String(int(10...99_999))
        case 2: return "20240101"
        default: return String(int(0...5))
        }
    }

    mutating func separator() -> String { chance(50) ? "" : pick([".", "-", "_"]) }

    mutating func randomCase(_ word: String) -> String {
        switch int(0...5) {
        case 0: word.uppercased()
        case 1: String(word.map { chance(50) ? Character($0.uppercased()) : $0 })
        default: word
        }
    }

    mutating func whitespace() -> String {
        chance(85) ? "" : pick([" ", "  ", "\t", "\n", "\u{A0}", "\u{2003}", "\r\n", "\u{85}"])
    }

    /// A version string; most are valid, some are deliberately broken.
    mutating func version() -> String {
        var text = whitespace()
        if chance(10) { text += pick(["v", "V"]) }
        if chance(12) { text += number() + "!" }
        text += (0..<int(1...5)).map { _ in number() }.joined(separator: ".")
        if chance(35) {
            text += separator() + randomCase(pick(["a", "b", "c", "rc", "alpha", "beta", "pre", "preview"]))
            if chance(80) { text += separator() + number() }
        }
        if chance(30) {
            if chance(30) {
                text += "-" + number()
            } else {
                text += separator() + randomCase(pick(["post", "rev", "r"]))
                if chance(80) { text += separator() + number() }
            }
        }
        if chance(30) {
            text += separator() + randomCase("dev")
            if chance(80) { text += separator() + number() }
        }
        if chance(20) {
            let segments = (0..<int(1...4)).map { _ in localSegment() }
            text += "+" + segments.dropFirst().reduce(segments[0]) { $0 + pick([".", "-", "_"]) + $1 }
        }
        text += whitespace()
        return chance(12) ? mutate(text) : text
    }

    mutating func localSegment() -> String {
        switch int(0...3) {
        case 0: number()
        case 1: pick(["ubuntu", "abc", "Local", "deb12", "g1a2b3c", "0a"])
        default: String((0..<int(1...5)).map { _ in pick(Array("abcxyz0129ABZ")) })
        }
    }

    /// Inserts, deletes or replaces one character.
    mutating func mutate(_ text: String) -> String {
        var characters = Array(text)
        let junk: [Character] = Array("+-._!*~ v1aZ@é") + ["\u{0}"]
        switch int(0...2) {
        case 0:
            characters.insert(pick(junk), at: int(0...characters.count))
        case 1 where !characters.isEmpty:
            characters.remove(at: int(0...characters.count - 1))
        default:
            if !characters.isEmpty { characters[int(0...characters.count - 1)] = pick(junk) }
        }
        return String(characters)
    }

    /// A specifier clause around one of a few base versions, so membership is often true.
    mutating func specifier() -> String {
        let op = pick(["~=", "==", "!=", "<=", ">=", "<", ">", "===", "==", ">=", "<"])
        var version = pick(["1", "1.0", "1.0.0", "1.2", "1!1.0", "0.9", "2.0", "1.0.1"])
        if op == "===" {
            version = pick(["1.0", "1.0a1", "foo", "1.0+local", "1.0.POST1"])
        } else if (op == "==" || op == "!=") && chance(25) {
            version += ".*"
        } else {
            if chance(25) { version += pick(["a1", "b2", "rc1", ".a", "-beta.3"]) }
            if chance(20) { version += pick([".post1", "-1", ".rev2", "post"]) }
            if chance(20) { version += pick([".dev1", ".dev0", "dev"]) }
            if chance(15) { version += pick(["+local", "+abc.1", "+1"]) }
        }
        let spaced = chance(20) ? " " : ""
        let text = whitespace() + op + spaced + version + whitespace()
        return chance(5) ? mutate(text) : text
    }

    /// A candidate version near the specifier bases.
    mutating func candidate() -> String {
        let base = pick(["1", "1.0", "1.0.0", "1.1", "0.9", "1.2", "1.2.1", "2.0", "1!1.0", "1.0.1", "1.3"])
        var text = base
        if chance(30) { text += pick(["a1", "a2", "b1", "rc1", "rc2", "a0"]) }
        if chance(25) { text += pick([".post1", ".post0", ".post2"]) }
        if chance(25) { text += pick([".dev0", ".dev1", ".dev2"]) }
        if chance(20) { text += pick(["+local", "+abc.1", "+1", "+abc"]) }
        return text
    }

    mutating func projectName() -> String {
        let alphabet = Array("abcXYZ019._-") + ["é", "İ", " ", "ß", "K"]
        return String((0..<int(0...12)).map { _ in pick(alphabet) })
    }
}
