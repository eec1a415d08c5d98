import Testing
@testable import Whitelist
import YAMLFiles

/// `prebuilt:` entries: upstream's wheels pinned by their SHA-256.
@Suite("Prebuilt entries")
struct PrebuiltTests {
    static let sum = String(repeating: "ab", count: 32)

    @Test("a pinned wheel of the entry's exact version is read, and lint counts the entry as prebuilt")
    func valid() throws {
        let report = lint("""
            packages:
              - name: ninja
                versions: ["1.11.1.1"]
                reason: builds meson projects
                license: Apache-2.0
                prebuilt:
                  ninja-1.11.1.1-py2.py3-none-manylinux_2_12_x86_64.manylinux2014_x86_64.whl: \(Self.sum)
            """)
        let entry = try #require(report.whitelist?.packages.first?.entry)
        #expect(entry.prebuilt.map(\.filename) == ["ninja-1.11.1.1-py2.py3-none-manylinux_2_12_x86_64.manylinux2014_x86_64.whl"])
        #expect(entry.prebuilt.first?.sha256 == Self.sum)
        #expect(report.summary == "1 file, 1 package (1 prebuilt), 0 denied: 0 errors, 0 warnings", "\(report.diagnostics)")
    }

    @Test("not a wheel, another project's wheel, a version not listed, a malformed sum: each an error at its place",
          arguments: [
            ("ninja-1.0.tar.gz: \(sum)", "5:7: 'ninja-1.0.tar.gz' is not a wheel filename (NAME-VERSION-PY-ABI-PLATFORM.whl)"),
            ("cmake-1.0-py3-none-any.whl: \(sum)", "5:7: cmake-1.0-py3-none-any.whl is a wheel of cmake, not of ninja"),
            ("ninja-2.0-py3-none-any.whl: \(sum)", "5:7: ninja-2.0-py3-none-any.whl is version 2.0, which 'versions' does not list"),
            ("ninja-1.0-py3-none-any.whl: ABCD", "5:7: the SHA-256 of ninja-1.0-py3-none-any.whl must be 64 lower-case hex digits, found 'ABCD'"),
          ])
    func refused(_ line: String, _ expected: String) {
        let report = lint("packages:\n  - name: ninja\n    versions: [\"1.0\"]\n    prebuilt:\n      \(line)\n")
        let errors = report.diagnostics.filter { $0.severity == .error }.map { "\($0.location.line):\($0.location.column): \($0.message)" }
        #expect(errors == [expected], "\(errors)")
    }

    @Test("every listed version of a prebuilt entry has a pinned wheel")
    func pinPerVersion() {
        let report = lint("packages:\n  - name: ninja\n    versions: [\"1.0\", \"2.0\"]\n    prebuilt:\n      ninja-1.0-py3-none-any.whl: \(Self.sum)\n")
        #expect(report.diagnostics.contains { $0.severity == .error && $0.message.hasPrefix("no prebuilt wheel is pinned for version 2.0") }, "\(report.diagnostics)")
    }

    @Test("prebuilt wheels need exact versions")
    func followedVersions() {
        let report = lint("packages:\n  - name: ninja\n    specifier: \">=1\"\n    prebuilt:\n      ninja-1.0-py3-none-any.whl: \(Self.sum)\n")
        #expect(report.diagnostics.contains { $0.severity == .error && $0.message.hasPrefix("prebuilt wheels pin exact files") }, "\(report.diagnostics)")
    }
}
