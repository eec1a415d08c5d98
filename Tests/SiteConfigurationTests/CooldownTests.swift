import Foundation
@testable import SiteConfiguration
import YAMLFiles
import Testing

@Suite("Cooldown")
struct CooldownTests {
    @Test("hours, days and weeks, or 0; anything else is refused", arguments: [
        ("12h", 43_200), ("7d", 604_800), ("2w", 1_209_600), ("0", 0), ("366d", 31_622_400), ("1h", 3_600),
    ])
    func parses(text: String, seconds: Int) {
        #expect(Cooldown(parsing: text)?.seconds == seconds)
    }

    @Test("refused: signs, fractions, other units, spaces, more than a year, more than four digits, empty", arguments: [
        "", "d", "7", "-7d", "+7d", "7.5d", "7 d", " 7d", "7D", "7m", "7s", "367d", "53w", "00000d", "99999h", "7dd", "٧d", "0d0", "1e3d",
    ])
    func refuses(text: String) {
        #expect(Cooldown(parsing: text) == nil, "\(text)")
    }

    @Test("a release is held while younger than the cooldown; one without an upload time always; no cooldown holds nothing")
    func holds() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let week = Cooldown(parsing: "7d")!
        #expect(week.holds(uploaded: now.addingTimeInterval(-3 * 86_400), now: now))
        #expect(!week.holds(uploaded: now.addingTimeInterval(-7 * 86_400), now: now))
        #expect(week.holds(uploaded: nil, now: now))
        #expect(!Cooldown.none.holds(uploaded: nil, now: now))
        #expect(week.ends(uploaded: now) == now.addingTimeInterval(604_800))
    }

    @Test("spans in words, rounded down")
    func spans() {
        #expect(Cooldown.span(3_600) == "1 hour")
        #expect(Cooldown.span(2 * 86_400 + 5_000) == "2 days")
        #expect(Cooldown.span(14 * 86_400) == "14 days")
        #expect(Cooldown.span(.infinity) == "11574074 days")
        #expect(Cooldown.span(10 * 86_400) == "10 days")
        #expect(Cooldown.span(59) == "0 minutes")
        #expect(Cooldown.span(-5) == "0 minutes")
        #expect(Cooldown(parsing: "7d")?.description == "7 days")
        #expect(Cooldown(parsing: "2w")?.description == "14 days")
        #expect(Cooldown.none.description == "none")
    }
}

@Suite("Cooldown in wheelwright.yaml")
struct CooldownConfigurationTests {
    @Test("cooldown: is read; a bad one is an error at its place")
    func key() {
        let (good, _) = BuildConfiguration.decode(SourceFile(path: "w.yaml", text: "cooldown: 7d\n"))
        #expect(good?.cooldown?.seconds == 604_800)
        let (bad, diagnostics) = BuildConfiguration.decode(SourceFile(path: "w.yaml", text: "cooldown: -1d\n"))
        #expect(bad == nil && diagnostics.map(\.description).contains { $0.hasPrefix("w.yaml:1:11: error: the cooldown must be") }, "\(diagnostics)")
    }
}
