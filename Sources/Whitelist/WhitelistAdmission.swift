import Foundation
import PythonPackaging
import SiteConfiguration

/// What the company whitelist lets a gated mirror show: its projects, and of each the versions
/// a build would take from what upstream offers — its pins or the newest releases its specifier
/// admits, none that a `deny:` rule stops, none still in its cooldown (unless `allow-young`).
/// Pure: the server hands in what upstream lists and the clock.
public struct WhitelistAdmission: Sendable {
    private let entries: [String: PackageEntry]
    private let whitelist: Whitelist
    private let cooldown: Cooldown

    /// `cooldown` is the site's (`wheelwright.yaml`); an entry's own replaces it.
    public init(_ whitelist: Whitelist, cooldown: Cooldown) {
        self.whitelist = whitelist
        self.cooldown = cooldown
        entries = Dictionary(whitelist.packages.map { ($0.entry.name.normalized, $0.entry) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every whitelisted project (PEP 503 names), sorted.
    public var projects: [String] { entries.keys.sorted() }

    /// Whether `project` (a PEP 503 name) is on the whitelist at all.
    public func lists(_ project: String) -> Bool { entries[project] != nil }

    /// The versions of `project` shown, given upstream's releases (non-yanked, each with its
    /// newest upload time when known) and those of them that have an sdist, at `now`; nil when
    /// the project is not whitelisted. A followed entry built here chooses its newest releases
    /// among those with an sdist, as `plan` does (a wheel-only `.post1` does not push the built
    /// release out); pins and `prebuilt:` entries name their versions themselves. `sdists` is nil
    /// when unknown (the upstream unread, only held files known): then every offered version counts.
    public func admitted(_ project: String, offered: [Version: Date?], sdists: Set<Version>?, now: Date) -> Set<Version>? {
        guard let entry = entries[project] else { return nil }
        let wait = entry.cooldown ?? cooldown
        let candidates = offered.compactMap { version, uploaded -> Version? in
            if whitelist.denial(of: entry.name, version: version) != nil { return nil }
            if entry.allowYoung[version] == nil, wait.holds(uploaded: uploaded, now: now) { return nil }
            return version
        }
        var pool = candidates
        if case .latest = entry.selection, entry.prebuilt.isEmpty, let sdists { pool = candidates.filter(sdists.contains) }
        return Set(entry.selection.versions(offered: pool)).intersection(candidates)
    }
}
