import PythonPackaging
import Testing
@testable import Whitelist

@Suite("Whitelist editing")
struct WhitelistEditorTests {
    static let file = """
        # The company whitelist.
        defaults:
          targets: [debian-12]

        packages:
          # Compatibility layer.
          - name: six
            versions: ["1.16.0"]  # pinned for py2 code
            license: MIT

          - name: zope.interface
            versions:
              - "7.2"
            license: ZPL-2.1

        # Never build these.
        deny:
          - name: pycrypto
            reason: unmaintained

        """

    func request(_ name: String, _ version: String) throws -> WhitelistEditor.Request {
        WhitelistEditor.Request(name: try ProjectName(name), version: try Version(version), license: "BSD-3-Clause",
                                url: "https://pypi.org/project/\(name)/", reason: "needed: for tests", requestedBy: "alice")
    }

    func changed(_ outcome: WhitelistEditor.Outcome) throws -> String {
        guard case .changed(let text) = outcome else { throw WhitelistEditor.Failure(description: "expected a change, got \(outcome)") }
        return text
    }

    @Test("a new entry goes in its sorted place, with its own comments kept above the next one")
    func insertSorted() throws {
        let text = try changed(try WhitelistEditor.add(try request("markupsafe", "3.0.2"), to: Self.file, path: "w.yaml"))
        #expect(text == """
            # The company whitelist.
            defaults:
              targets: [debian-12]

            packages:
              - name: markupsafe
                versions: ["3.0.2"]
                license: BSD-3-Clause
                url: https://pypi.org/project/markupsafe/
                reason: "needed: for tests"
                requested-by: alice

              # Compatibility layer.
              - name: six
                versions: ["1.16.0"]  # pinned for py2 code
                license: MIT

              - name: zope.interface
                versions:
                  - "7.2"
                license: ZPL-2.1

            # Never build these.
            deny:
              - name: pycrypto
                reason: unmaintained

            """)
        #expect(lint(text).errorCount == 0)
    }

    @Test("the last name goes after the last entry, before the next key and its comment")
    func insertLast() throws {
        let text = try changed(try WhitelistEditor.add(try request("zzz", "1.0"), to: Self.file, path: "w.yaml"))
        #expect(text.contains("    license: ZPL-2.1\n\n  - name: zzz\n    versions: [\"1.0\"]"))
        #expect(text.contains("    requested-by: alice\n\n# Never build these.\ndeny:"))
        #expect(lint(text).errorCount == 0)
    }

    @Test("a new version extends a flow or block list, with who asked and why in a comment under it; one already there changes nothing")
    func extendVersions() throws {
        let flow = try changed(try WhitelistEditor.add(try request("Six", "1.17.0"), to: Self.file, path: "w.yaml"))
        #expect(flow.contains("""
                versions: ["1.16.0", "1.17.0"]  # pinned for py2 code
                # 1.17.0 requested by alice: needed: for tests
                license: MIT
            """))
        let block = try changed(try WhitelistEditor.add(try request("zope-interface", "7.3"), to: Self.file, path: "w.yaml"))
        #expect(block.contains("      - \"7.2\"\n      - \"7.3\"\n        # 7.3 requested by alice: needed: for tests\n    license: ZPL-2.1"))
        // A third version goes after the second one's note; a request with a newline in its reason stays one comment line.
        var third = try request("zope-interface", "7.4")
        third.reason = "line one\nline two"
        let again = try changed(try WhitelistEditor.add(third, to: block, path: "w.yaml"))
        #expect(again.contains("for tests\n      - \"7.4\"\n        # 7.4 requested by alice: line one line two\n    license"))
        let anonymous = try changed(try WhitelistEditor.add(WhitelistEditor.Request(name: try ProjectName("six"), version: try Version("1.17.0")), to: Self.file, path: "w.yaml"))
        #expect(!anonymous.contains("# 1.17.0"))
        #expect(lint(flow).errorCount == 0 && lint(block).errorCount == 0 && lint(again).errorCount == 0)
        #expect(lint(again).whitelist?.packages.first { $0.entry.name.normalized == "zope-interface" }?.entry.selection == .exact([try Version("7.2"), try Version("7.3"), try Version("7.4")]))
        let same = try WhitelistEditor.add(try request("six", "1.16"), to: Self.file, path: "w.yaml")
        #expect(same == .unchanged("six 1.16 is already in w.yaml: nothing changed"))
    }

    @Test("a file without entries gets a packages list")
    func emptyFiles() throws {
        for text in ["", "# nothing yet\n", "packages:\n", "packages: []\n"] {
            let result = try changed(try WhitelistEditor.add(try request("six", "1.17.0"), to: text, path: "w.yaml"))
            let report = lint(result)
            #expect(report.errorCount == 0, "\(text.debugDescription) → \(result)")
            #expect(report.whitelist?.packages.map(\.entry.name.normalized) == ["six"])
        }
    }
}
