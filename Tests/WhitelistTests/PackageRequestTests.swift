import PythonPackaging
import SiteConfiguration
import Testing
@testable import Whitelist
import YAMLFiles

/// `whitelist add`'s decisions, as pure functions of their input.
@Suite("whitelist add decisions")
struct PackageRequestTests {
    func versions(_ texts: [String]) throws -> [Version] { try texts.map { try Version($0) } }

    @Test("a request: NAME, NAME==VERSION, NAME with a specifier; the newest admitted final release")
    func requests() throws {
        let offered = try versions(["3.0rc1", "2.1", "2.0", "1.9"])
        #expect(try PackageRequest(parsing: "Six").choose(offered: offered, prereleases: false).version.description == "2.1")
        #expect(try PackageRequest(parsing: "six").choose(offered: offered, prereleases: true).version.description == "3.0rc1")
        #expect(try PackageRequest(parsing: " six >=1.5,<2 ").choose(offered: offered, prereleases: false).version.description == "1.9")
        let pinned = try PackageRequest(parsing: "six==1.17.0")
        #expect(pinned.pinned?.description == "1.17.0" && pinned.name.normalized == "six")
        #expect(try PackageRequest(parsing: "six==1.*").pinned == nil)
        #expect(throws: PackageRequest.Failure.self) { try PackageRequest(parsing: "six>5").choose(offered: offered, prereleases: false) }
        #expect(throws: (any Error).self) { try PackageRequest(parsing: "six>>5") }
        // Wheels without an sdist: said so, with the newest such version and its wheel count.
        let wheels = [try Version("1.20.1"): 12, try Version("1.19.0"): 1]
        #expect { try PackageRequest(parsing: "onnxruntime").choose(offered: [], wheelOnly: wheels, prereleases: false) } throws: { error in
            "\(error)" == "onnxruntime publishes only wheels: no release has an sdist (newest: 1.20.1 (12 wheels, no sdist)); wheelwright builds every wheel from an sdist, so onnxruntime cannot be whitelisted for building. Install it from upstream, or ask its maintainers to publish an sdist"
        }
        #expect { try PackageRequest(parsing: "six>=3").choose(offered: offered, wheelOnly: [try Version("3.1"): 1], prereleases: false) } throws: { error in
            "\(error)" == "no release of six that matches '>=3' has an sdist: the newest that matches is 3.1 (1 wheel, no sdist), and wheelwright builds every wheel from an sdist; the newest release with an sdist is 3.0rc1: request six==3.0rc1 or widen the specifier"
        }
        #expect(throws: (any Error).self) { try PackageRequest(parsing: "") }
    }

    @Test("the newest release whose Requires-Python admits every interpreter of the entry's targets, saying what it skipped; a pin that fits none is refused")
    func interpreterAware() throws {
        let offered = try versions(["2.5.5", "2.5.4", "2.4.0", "2.3.0", "2.2.6", "1.0"])
        let modern = try #require(RequiresPython(">=3.12"))
        var requiresPython = [Version: RequiresPython]()
        for version in offered.prefix(4) { requiresPython[version] = modern }
        requiresPython[try Version("2.2.6")] = RequiresPython(">=3.10")
        let interpreters = ["debian-12": ["3.11"], "debian-13": ["3.13"]]
        let numpy = try PackageRequest(parsing: "numpy")
        let choice = try numpy.choose(offered: offered, requiresPython: requiresPython, interpreters: interpreters, prereleases: false)
        #expect(choice.version.description == "2.2.6")
        #expect(choice.notes == ["skipped numpy 2.5.5: requires Python >=3.12; debian-12 has 3.11", "skipped numpy 2.5.4: requires Python >=3.12; debian-12 has 3.11",
                                 "skipped numpy 2.4.0: requires Python >=3.12; debian-12 has 3.11", "… and 1 older releases likewise"])
        // For debian-13 alone, the newest fits.
        #expect(try numpy.choose(offered: offered, requiresPython: requiresPython, interpreters: ["debian-13": ["3.13"]], prereleases: false).version.description == "2.5.5")
        // A pin that fits some targets is taken with a warning; one that fits none is refused.
        let pinned = try PackageRequest(parsing: "numpy==2.5.5").choose(offered: offered, requiresPython: requiresPython, interpreters: interpreters, prereleases: false)
        #expect(pinned.version.description == "2.5.5" && pinned.notes == ["numpy 2.5.5 requires Python >=3.12; debian-12 has 3.11: those builds will be skipped"])
        #expect { try PackageRequest(parsing: "numpy==2.5.5").choose(offered: offered, requiresPython: requiresPython, interpreters: ["debian-12": ["3.11"]], prereleases: false) } throws: { error in
            "\(error)".hasPrefix("numpy 2.5.5 requires Python >=3.12; debian-12 has 3.11: it could never be built for this entry's targets")
        }
        #expect { try PackageRequest(parsing: "numpy>=2.3").choose(offered: offered, requiresPython: requiresPython, interpreters: ["debian-12": ["3.11"]], prereleases: false) } throws: { error in
            "\(error)".hasPrefix("no release of numpy with an sdist that matches '>=2.3' admits the interpreters of this entry's targets (debian-12 3.11):\nskipped numpy 2.5.5")
        }
    }

    @Test("the project URL: Source, then Homepage, then PyPI's page only for PyPI")
    func projectURL() throws {
        let name = try ProjectName("Demo_Pkg")
        let metadata = try CoreMetadata(parsing: "Metadata-Version: 2.1\nName: demo\nVersion: 1\nProject-URL: Homepage, https://home\nProject-URL: Source, https://src\n")
        #expect(PackageRequest.projectURL(metadata, name: name, indexHost: "pypi.org") == "https://src")
        let bare = try CoreMetadata(parsing: "Metadata-Version: 2.1\nName: demo\nVersion: 1\n")
        #expect(PackageRequest.projectURL(bare, name: name, indexHost: "pypi.org") == "https://pypi.org/project/demo-pkg/")
        #expect(PackageRequest.projectURL(bare, name: name, indexHost: "mirror.example") == nil)
    }

    @Test("a whitelist broken before the change is refused as broken, naming what is wrong, never blamed on the change; with no targets defined, the error says where they are looked for")
    func brokenBefore() throws {
        let example = SourceFile(path: "w/example.yaml", text: "defaults:\n  targets: [debian-12]\npackages:\n  - name: six\n    versions: [\"1.17.0\"]\n    reason: r\n    license: MIT\n")
        let request = WhitelistEditor.Request(name: try ProjectName("rich"), version: try Version("14.0.0"), license: "MIT", url: nil,
                                              reason: "needed", requestedBy: nil, targets: nil)
        #expect {
            try WhitelistAddition.add([request], to: "w/example.yaml", original: String(decoding: example.bytes, as: UTF8.self), whitelist: [example], targets: [])
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("the whitelist has 1 error before this change:\nw/example.yaml:2:13: error: unknown target 'debian-12'")
                && text.contains("no containers/*/target.yaml was found") && text.contains("--containers") && text.hasSuffix("fix it first (wheelwright whitelist lint shows the same); nothing is changed")
        }
    }

    @Test("an addition is linted with the whole folder, refused when denied, and shown as a diff")
    func additions() throws {
        let other = SourceFile(path: "w/deny.yaml", text: "deny:\n  - name: evil\n    reason: no\n")
        let request = WhitelistEditor.Request(name: try ProjectName("six"), version: try Version("1.17.0"), license: "MIT", url: nil,
                                              reason: "needed", requestedBy: "me", targets: nil)
        let outcome = try WhitelistAddition.add([request], to: "w/new.yaml", original: "", whitelist: [other], targets: testTargets)
        guard case let .changed(files, summary) = outcome, let text = files.first?.text, let diff = files.first?.diff else { Issue.record("expected a change"); return }
        #expect(files.map(\.path) == ["w/new.yaml"])
        #expect(text.contains("name: six") && diff.hasPrefix("--- w/new.yaml\n+++ w/new.yaml\n@@ -0,0 +1,") && summary.contains("0 errors"))
        let again = try WhitelistAddition.add([request], to: "w/new.yaml", original: text, whitelist: [other, SourceFile(path: "./w/new.yaml", text: text)], targets: testTargets)
        guard case .unchanged = again else { Issue.record("expected no change"); return }
        // Several requests (a closure) are one change: one diff, linted once.
        let dependency = WhitelistEditor.Request(name: try ProjectName("attrs"), version: try Version("24.2.0"), reason: "dependency of six")
        guard case let .changed(bothFiles, _) = try WhitelistAddition.add([request, dependency], to: "w/new.yaml", original: "", whitelist: [other], targets: testTargets),
              let both = bothFiles.first?.text, let bothDiff = bothFiles.first?.diff else {
            Issue.record("expected a change"); return
        }
        #expect(both.contains("name: six") && both.contains("name: attrs") && bothDiff.contains("+    reason: dependency of six"), "\(bothDiff)")
        // A dependency another file lists already gets its version there, in the same change.
        let tools = SourceFile(path: "w/tools.yaml", text: "packages:\n  - name: attrs\n    versions: [\"23.1.0\"]\n    reason: r\n    license: MIT\n")
        guard case let .changed(routed, routedSummary) = try WhitelistAddition.add([request, dependency], to: "w/new.yaml", original: "", whitelist: [other, tools], targets: testTargets) else {
            Issue.record("expected a change"); return
        }
        #expect(routed.map(\.path) == ["w/new.yaml", "w/tools.yaml"] && routedSummary.contains("0 errors"), "\(routed)")
        #expect(!routed[0].text.contains("attrs") && routed[1].text.contains("versions: [\"23.1.0\", \"24.2.0\"]"), "\(routed[1].text)")
        // Listed in another file of the folder: the command that adds the version there.
        let listed = SourceFile(path: "w/example.yaml", text: "packages:\n  - name: Six\n    versions: [\"1.16.0\"]\n    reason: r\n    license: MIT\n")
        var asked = request
        asked.reason = "needed by the billing team's jobs"
        #expect { try WhitelistAddition.add([asked], to: "w/new.yaml", original: "", whitelist: [other, listed], targets: testTargets) } throws: { error in
            "\(error)" == """
                six is already listed at w/example.yaml:2:5, in another file than w/new.yaml; to add 1.17.0 to that entry, run:
                  wheelwright whitelist add six==1.17.0 --file w/example.yaml --requested-by me --reason 'needed by the billing team'\\''s jobs'
                """
        }
        let denied = WhitelistEditor.Request(name: try ProjectName("Evil"), version: try Version("1"), license: nil, url: nil, reason: nil, requestedBy: nil, targets: nil)
        #expect { try WhitelistAddition.add([request, denied], to: "w/new.yaml", original: "", whitelist: [other], targets: testTargets) } throws: { error in
            "\(error)".contains("Evil 1 is denied at w/deny.yaml:2:")
        }
    }
}
