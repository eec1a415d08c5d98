import PythonPackaging
import IndexAPI

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

    /// Why the index already has `item` (of `version`, as the plan has it, never parsed back
    /// from the item's text), or nil when it must be built.
    func holds(_ item: BuildItem, version: Version) -> String? {
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
