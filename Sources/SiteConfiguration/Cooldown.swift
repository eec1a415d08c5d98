import Foundation

/// How old a release must be upstream before it is built (`cooldown: 7d`): most malicious
/// releases of recent years were found and removed within hours or days, so a company that
/// waits a week builds almost none of them. Written as a whole number of hours, days or weeks
/// (`12h`, `7d`, `2w`), or `0` for none; at most a year.
public struct Cooldown: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let seconds: Int

    public static let none = Cooldown(seconds: 0)
    static let maximumSeconds = 366 * 86_400
    static let units: [(suffix: Character, seconds: Int, name: String)] = [("h", 3_600, "hour"), ("d", 86_400, "day"), ("w", 604_800, "week")]

    init(seconds: Int) { self.seconds = seconds }

    /// `12h`, `7d`, `2w` or `0`; nil for anything else (a sign, a fraction, another unit, more
    /// than a year, more than four digits).
    public init?(parsing text: String) {
        if text == "0" {
            self = .none
            return
        }
        guard let suffix = text.last, let unit = Self.units.first(where: { $0.suffix == suffix }) else { return nil }
        let digits = text.dropLast()
        guard (1...4).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(digits),
              count * unit.seconds <= Self.maximumSeconds else { return nil }
        seconds = count * unit.seconds
    }

    /// What a configuration error says the value must be.
    public static let expected = "a whole number of hours, days or weeks (12h, 7d, 2w), or 0 for none; at most a year"

    /// "7 days", "12 hours", "none".
    public var description: String { seconds == 0 ? "none" : Self.span(Double(seconds)) }

    /// Whether a release uploaded at `uploaded` is still in its cooldown at `now`; a release
    /// without an upload time always is (its age cannot be known).
    public func holds(uploaded: Date?, now: Date) -> Bool {
        guard seconds > 0 else { return false }
        guard let uploaded else { return true }
        return now.timeIntervalSince(uploaded) < Double(seconds)
    }

    /// When a release uploaded at `uploaded` leaves its cooldown.
    public func ends(uploaded: Date) -> Date { uploaded.addingTimeInterval(Double(seconds)) }

    /// A span in words, rounded down to days, hours or minutes: "2 days", "5 hours", "40 minutes".
    public static func span(_ seconds: Double) -> String {
        let whole = max(0, Int(min(seconds, 1e12)))
        for (_, unitSeconds, name) in units.reversed() where whole >= unitSeconds && name != "week" {
            let count = whole / unitSeconds
            return "\(count) \(name)\(count == 1 ? "" : "s")"
        }
        let minutes = whole / 60
        return "\(minutes) minute\(minutes == 1 ? "" : "s")"
    }

    public static func < (lhs: Cooldown, rhs: Cooldown) -> Bool { lhs.seconds < rhs.seconds }
}
