import Foundation
import PythonPackaging
import SiteConfiguration

/// What a cooldown asks of choosing a release: how old each release's sdist is upstream (PEP 700
/// upload times) against a clock. A release without an upload time counts as young.
public struct ReleaseAge: Sendable {
    public let cooldown: Cooldown
    /// Each release's sdist upload time, where upstream gives one.
    public let uploaded: [Version: Date]
    public let now: Date
    /// Whether a release in its cooldown may be taken (`--allow-young`).
    public let allowYoung: Bool

    public init(cooldown: Cooldown, uploaded: [Version: Date], now: Date, allowYoung: Bool = false) {
        (self.cooldown, self.uploaded, self.now, self.allowYoung) = (cooldown, uploaded, now, allowYoung)
    }

    /// Why `version` is still in its cooldown ("uploaded 2 days ago, cooldown 7 days"), or nil.
    public func young(_ version: Version) -> String? {
        let uploaded = uploaded[version]
        guard cooldown.holds(uploaded: uploaded, now: now) else { return nil }
        guard let uploaded else { return "upstream gives no upload time for its sdist, so it counts as young (cooldown \(cooldown))" }
        if uploaded > now { return "uploaded \(uploaded.ISO8601Format()), after the clock (--as-of \(now.ISO8601Format()))" }
        return "uploaded \(Cooldown.span(now.timeIntervalSince(uploaded))) ago, cooldown \(cooldown)"
    }

    /// When `version` leaves its cooldown, as an ISO 8601 UTC time; nil without an upload time.
    public func ends(_ version: Version) -> String? {
        uploaded[version].map { cooldown.ends(uploaded: $0).ISO8601Format() }
    }
}
