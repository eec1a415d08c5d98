import Crypto
import Foundation
import IndexAPI
import PythonPackaging
import SiteConfiguration
import Whitelist

/// What to build: every selected entry's versions × targets × interpreters, minus denied
/// versions and what the index already holds, in a stable order.
public struct Plan: Sendable, Codable {
    public let items: [BuildItem]
    public let skipped: [SkippedItem]

    /// Which entries to take.
    public struct Selection: Sendable {
        public var only: Set<String> = []
        public var target: String?
        public var shard: Shard?

        public init(only: Set<String> = [], target: String? = nil, shard: Shard? = nil) {
            self.only = Set(only.map(ProjectName.normalize))
            self.target = target
            self.shard = shard
        }
    }

    /// `versions` holds each selected entry's versions (resolved upstream where the entry follows
    /// a specifier); entries missing from it are not planned.
    /// `targets` gives each target's defaults (its `repair:`).
    public init(whitelist: Whitelist, versions: [String: [Version]], holding contents: IndexContents, selection: Selection,
                targets: [TargetDefinition] = []) {
        let definitions = Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var items: [BuildItem] = []
        var skipped: [SkippedItem] = []
        for package in whitelist.packages {
            let entry = package.entry
            guard selection.only.isEmpty || selection.only.contains(entry.name.normalized) else { continue }
            for version in versions[entry.name.normalized] ?? [] {
                for target in package.targets where selection.target == nil || selection.target == target {
                    for python in package.pythons[target] ?? [] {
                        let item = BuildItem(
                            project: entry.name.normalized, version: version.description, target: target, python: python,
                            buildTag: entry.build, systemPackages: entry.systemPackages,
                            environment: Dictionary(entry.environment.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }),
                            repair: entry.repair ?? definitions[target]?.repair, requestedBy: entry.requestedBy, requestReason: entry.reason,
                            prebuilt: entry.prebuilt.isEmpty ? nil : Dictionary(entry.prebuilt.filter { $0.wheel.version == version }.map { ($0.filename, $0.sha256) },
                                                                                uniquingKeysWith: { first, _ in first }),
                            test: entry.test
                        )
                        if let shard = selection.shard, !shard.contains(item) { continue }
                        if let rule = whitelist.denial(of: entry.name, version: version) {
                            skipped.append(SkippedItem(item: item, reason: "denied at \(rule.location): \(rule.reason)"))
                        } else if let reason = contents.holds(item, version: version) {
                            skipped.append(SkippedItem(item: item, reason: reason))
                        } else {
                            items.append(item)
                        }
                    }
                }
            }
        }
        self.items = items
        self.skipped = skipped
    }

    private init(items: [BuildItem], skipped: [SkippedItem]) {
        (self.items, self.skipped) = (items, skipped)
    }

    /// The plan with each item whose release's `Requires-Python` (by `BuildItem.release`)
    /// excludes its interpreter turned into a skip that says so: such a build could never work.
    /// The plan without the releases `reasons` names (`project==version` → why), each of their
    /// items skipped with its release's reason.
    public func skipping(_ reasons: [String: String]) -> Plan {
        guard !reasons.isEmpty else { return self }
        var kept: [BuildItem] = []
        var skipped = self.skipped
        for item in items {
            if let reason = reasons[item.release] {
                skipped.append(SkippedItem(item: item, reason: reason))
            } else {
                kept.append(item)
            }
        }
        return Plan(items: kept, skipped: skipped)
    }

    public func skippingUnsupportedInterpreters(_ requiresPython: [String: RequiresPython]) -> Plan {
        var kept: [BuildItem] = []
        var skipped = self.skipped
        for item in items {
            if let required = requiresPython[item.release], !required.admits(python: item.python) {
                skipped.append(SkippedItem(item: item, reason: "\(item.project) \(item.version) requires Python \(required); \(item.target) has \(item.python)"))
            } else {
                kept.append(item)
            }
        }
        return Plan(items: kept, skipped: skipped)
    }
}
