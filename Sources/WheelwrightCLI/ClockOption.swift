import ArgumentParser
import Foundation

/// `--as-of`: the clock a cooldown is measured against, for a plan of a night to come (or a
/// test's), as an ISO 8601 UTC time.
enum ClockOption {
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return text.hasSuffix("Z") ? formatter.date(from: text) : nil
    }

    /// Refuses an `--as-of` that is not such a time.
    static func validate(_ text: String?) throws {
        if let text, date(text) == nil { throw ValidationError("--as-of must be an ISO 8601 UTC time (2026-12-24T00:00:00Z), found '\(text)'") }
    }
}
