import Crypto
import Foundation
import IndexAPI
import PythonPackaging
import Whitelist

/// What the index already holds, keyed the way a plan asks: built releases per target and
/// interpreter, and pure releases (which serve every target).
public struct IndexContents: Sendable {
    struct Key: Hashable {
        let project: String
        let version: Version
        let buildTag: Int?
    }

    private var pure: Set<Key> = []
    private var binary: [Key: Set<String>] = [:]

    public init() {}

    /// Records a wheel found in the pure index.
    public mutating func addPure(_ wheel: WheelFilename) {
        pure.insert(Key(project: wheel.normalizedName, version: wheel.version, buildTag: wheel.buildTag.map { Int($0.number) }))
    }

    /// Records a wheel found in a target's index, built with `python` (from its provenance, or
    /// read from a `cpXY` tag when it has none).
    public mutating func addBinary(_ wheel: WheelFilename, target: String, python: String?) {
        guard let python = python ?? Self.python(of: wheel) else { return }
        let key = Key(project: wheel.normalizedName, version: wheel.version, buildTag: wheel.buildTag.map { Int($0.number) })
        binary[key, default: []].insert("\(target)/\(python)")
    }

    /// Why the index already has `item`, or nil when it must be built.
    func holds(_ item: BuildItem) -> String? {
        guard let version = try? Version(item.version) else { return nil }
        let key = Key(project: item.project, version: version, buildTag: item.buildTag)
        if pure.contains(key) { return "a pure wheel is already published" }
        if binary[key]?.contains("\(item.target)/\(item.python)") == true { return "already built for \(item.target), Python \(item.python)" }
        return nil
    }

    /// `cp311` → `3.11`.
    static func python(of wheel: WheelFilename) -> String? {
        for interpreter in wheel.tagSet.interpreters where interpreter.hasPrefix("cp") && interpreter.count >= 4 {
            let digits = interpreter.dropFirst(2)
            return "\(digits.prefix(1)).\(digits.dropFirst())"
        }
        return nil
    }
}

/// A deterministic share of a plan: `i/n` takes the releases whose hash falls in it, so every
/// machine of a CI matrix computes the same split and all of a release stays on one machine.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    public func contains(_ item: BuildItem) -> Bool {
        let digest = SHA256.hash(data: Data(item.release.utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % UInt64(count)) == index - 1
    }

    public var description: String { "\(index)/\(count)" }
}

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
    public init(whitelist: Whitelist, versions: [String: [Version]], holding contents: IndexContents, selection: Selection) {
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
                            environment: Dictionary(entry.environment.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
                        )
                        if let shard = selection.shard, !shard.contains(item) { continue }
                        if let rule = whitelist.denial(of: entry.name, version: version) {
                            skipped.append(SkippedItem(item: item, reason: "denied at \(rule.location): \(rule.reason)"))
                        } else if let reason = contents.holds(item) {
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
}
