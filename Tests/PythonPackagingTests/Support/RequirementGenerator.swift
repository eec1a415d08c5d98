import Foundation

/// PEP 508 inputs for the differential tests: names, extras, specifier lists (bare or in
/// parentheses), URLs and markers in many spellings, some mutated to be invalid.
extension InputGenerator {
    static let markerVariables = [
        "python_version", "python_full_version", "os_name", "os.name", "sys_platform", "sys.platform",
        "platform_release", "platform_system", "platform_version", "platform.version", "platform_machine",
        "platform.machine", "platform_python_implementation", "platform.python_implementation",
        "python_implementation", "implementation_name", "implementation_version", "extra", "extras",
        "dependency_groups",
    ]

    /// Values a variable is compared with: versions, platform words, extras, odd strings.
    mutating func markerValue() -> String {
        switch int(0...9) {
        case 0, 1: pick(["3", "3.8", "3.10", "3.11", "3.12", "3.11.2", "3.13.0rc1", "2.7", "3.11.*", "1!3.0", "3.11+local"])
        case 2: pick(["linux", "win32", "darwin", "cygwin", "posix", "nt", "Linux", "Windows"])
        case 3: pick(["x86_64", "aarch64", "AMD64", "arm64", "i686", "ppc64le"])
        case 4: pick(["CPython", "PyPy", "cpython", "pypy", "Jython"])
        case 5: pick(["socks", "Socks", "test_extra", "docs.all", "", "security", "dev-tools"])
        case 6: pick(["6.1.0-13-amd64", "5.15.0", "#1 SMP", "abc", "a b", "é", "x;y", "(", "3 .11"])
        default: version()
        }
    }

    mutating func quoted(_ value: String) -> String {
        if value.contains("\"") { return "'\(value)'" }
        if value.contains("'") { return "\"\(value)\"" }
        return chance(50) ? "\"\(value)\"" : "'\(value)'"
    }

    mutating func markerOperator() -> String {
        pick(["==", "!=", "<", "<=", ">", ">=", "~=", "===", "in", "not in", "not  in", "not\tin"])
    }

    mutating func spaces() -> String { pick(["", " ", " ", "  ", "\t"]) }

    /// One comparison; the variable on the left mostly, sometimes on the right or on both sides.
    mutating func markerComparison() -> String {
        let variable = pick(Self.markerVariables)
        let value = quoted(markerValue())
        let op = markerOperator()
        switch int(0...9) {
        case 0, 1: return value + spaces() + op + spaces() + variable
        case 2: return chance(50) ? "\(variable) \(op) \(pick(Self.markerVariables))" : "\(value) \(op) \(quoted(markerValue()))"
        default: return variable + spaces() + op + spaces() + value
        }
    }

    mutating func marker(depth: Int = 0) -> String {
        var text = depth < 3 && chance(20) ? "(" + spaces() + marker(depth: depth + 1) + spaces() + ")" : markerComparison()
        for _ in 0..<int(0...2) {
            let next = depth < 3 && chance(20) ? "(" + marker(depth: depth + 1) + ")" : markerComparison()
            text += pick([" and ", " or ", "  and\t", " or  ", ")and(", " AND "]) + next
        }
        return text
    }

    mutating func requirementName() -> String {
        pick(["requests", "Django", "zope.interface", "typing_extensions", "charset-normalizer", "A", "x1", "foo_", "a-b.c_d",
              "pkg.", "-bad", "_x", "é", "name1", "Pillow", "PyYAML"])
    }

    mutating func specifierList() -> String {
        let count = int(1...3)
        return (0..<count).map { _ in
            pick(["==", "!=", "<", "<=", ">", ">=", "~=", "==="]) + spaces() + version().trimmingCharacters(in: [" ", "\t", "\n"])
                + (chance(10) ? ".*" : "")
        }.joined(separator: pick([",", ", ", " ,", " , ", ",,"])) + (chance(5) ? "," : "")
    }

    /// A whole requirement; most are valid, some are broken by a one-character mutation.
    mutating func requirement() -> String {
        var text = spaces() + requirementName() + spaces()
        if chance(30) {
            let extras = (0..<int(0...3)).map { _ in pick(["socks", "Security", "test_all", "docs.extra", "a", "b-c", "1x"]) }
            text += "[" + spaces() + extras.joined(separator: pick([",", ", ", " , "])) + spaces() + "]" + spaces()
        }
        if chance(8) {
            text += "@" + spaces() + pick(["https://example.com/x-1.0.tar.gz", "file:///tmp/x.whl", "git+https://h/r.git@v1", "https://h/a;b"])
            if chance(50) { text += pick([" ", "  ", ""]) + ";" + spaces() + marker() }
        } else {
            if chance(70) {
                let list = specifierList()
                text += chance(20) ? "(" + spaces() + list + spaces() + ")" : list
            }
            if chance(45) { text += spaces() + ";" + spaces() + marker() }
        }
        text += spaces()
        return chance(10) ? mutate(text) : text
    }
}
