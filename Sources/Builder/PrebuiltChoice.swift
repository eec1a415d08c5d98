import PythonPackaging

/// Which of an entry's pinned prebuilt wheels serves one item: a wheel whose tags an
/// interpreter of `python` on one of the target's platforms installs (a pure `py3-none-any`,
/// `cp311-cp311-manylinux…`, `cp38-abi3-…`, `py2.py3-none-manylinux…`). Pure.
enum PrebuiltChoice {
    /// The first pinned wheel (by filename) the item can use, with its SHA-256; nil when none fits.
    static func choose(_ pinned: [String: String], python: String, platforms: [String]) -> (filename: String, sha256: String)? {
        let parts = python.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2 else { return nil }
        let (major, minor) = (parts[0], parts[1])
        let accepted = Set(platforms + ["any"])
        for (filename, sha256) in pinned.sorted(by: { $0.key < $1.key }) {
            guard let wheel = try? WheelFilename(filename) else { continue }
            let fits = wheel.tags.contains { tag in
                accepted.contains(tag.platform) && Self.runs(interpreter: tag.interpreter, abi: tag.abi, major: major, minor: minor)
            }
            if fits { return (filename, sha256) }
        }
        return nil
    }

    /// Whether CPython `major.minor` runs code tagged `interpreter`-`abi`.
    static func runs(interpreter: String, abi: String, major: Int, minor: Int) -> Bool {
        let own = "cp\(major)\(minor)"
        switch abi {
        case "none": return ["py\(major)", "py\(major)\(minor)", own].contains(interpreter)
        case "abi3": return Self.olderCPython(interpreter, major: major, minor: minor)
        default: return abi == own && interpreter == own
        }
    }

    /// `cp3X` with X ≤ minor (the stable ABI runs on later interpreters).
    private static func olderCPython(_ interpreter: String, major: Int, minor: Int) -> Bool {
        guard interpreter.hasPrefix("cp\(major)"), let version = Int(interpreter.dropFirst(3)) else { return false }
        return version <= minor
    }
}
