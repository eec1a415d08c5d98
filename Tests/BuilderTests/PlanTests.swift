import Builder
import Foundation
import IndexAPI
import PythonPackaging
import SiteConfiguration
import TestSupport
import Testing
import Whitelist
import Workspace
import YAMLFiles

/// The targets the repository defines, as the plan sees them.
let repositoryTargets: [TargetDefinition] = {
    (try? ProjectFiles.targets(in: Repository.root.appendingPathComponent("containers").path).targets) ?? []
}()

func whitelist(_ text: String) throws -> Whitelist {
    let report = Whitelist.read([SourceFile(path: "w.yaml", text: text)], targets: repositoryTargets)
    return try #require(report.whitelist, "\(report.diagnostics)")
}

func wheel(_ name: String) throws -> WheelFilename { try WheelFilename(name) }

/// The pure core of a run: what to build from the whitelist, the versions upstream and what
/// the index already holds; and the deterministic split of a plan over machines.
@Suite("Plan, IndexContents and Shard")
struct PlanTests {
    let text = """
        defaults:
          targets: [debian-12, debian-13]
        packages:
          - name: Alpha_Pkg
            versions: ["1.0", "2.0"]
          - name: beta
            versions: ["0.5"]
            targets: [debian-12]
            system-packages: [libyaml-dev]
            env: {CFLAGS: "-O2"}
        deny:
          - name: alpha-pkg
            specifier: "==1.0"
            reason: CVE-2099-0001
        """

    @Test("entries × versions × targets × interpreters, denied versions skipped with their rule's place")
    func itemsAndDenials() throws {
        let plan = Plan(whitelist: try whitelist(text), versions: ["alpha-pkg": [try Version("1.0"), try Version("2.0")], "beta": [try Version("0.5")]],
                        holding: IndexContents(), selection: Plan.Selection())
        let pythons = Dictionary(uniqueKeysWithValues: repositoryTargets.map { ($0.name, $0.pythonVersions) })
        let expected = (pythons["debian-12"]!.map { "alpha-pkg-2.0-debian-12-py\($0)" } + pythons["debian-13"]!.map { "alpha-pkg-2.0-debian-13-py\($0)" }
            + pythons["debian-12"]!.map { "beta-0.5-debian-12-py\($0)" })
        #expect(plan.items.map(\.id) == expected)
        #expect(plan.skipped.count == pythons["debian-12"]!.count + pythons["debian-13"]!.count)
        #expect(plan.skipped.allSatisfy { $0.item.version == "1.0" && $0.reason.contains("denied at w.yaml:") && $0.reason.contains("CVE-2099-0001") })
        let beta = try #require(plan.items.first { $0.project == "beta" })
        #expect(beta.systemPackages == ["libyaml-dev"] && beta.environment == ["CFLAGS": "-O2"])
    }

    @Test("an item whose release's Requires-Python excludes its interpreter is a skip that says why, never a build")
    func interpreterMismatch() throws {
        let plan = Plan(whitelist: try whitelist(text), versions: ["alpha-pkg": [try Version("2.0")], "beta": [try Version("0.5")]],
                        holding: IndexContents(), selection: Plan.Selection())
        // debian-12 has 3.11, debian-13 3.13.
        let narrowed = plan.skippingUnsupportedInterpreters(["alpha-pkg==2.0": try #require(RequiresPython(">=3.12")),
                                                             "beta==0.5": try #require(RequiresPython(">3.11"))])
        #expect(narrowed.items.map(\.id) == ["alpha-pkg-2.0-debian-13-py3.13", "beta-0.5-debian-12-py3.11"])
        #expect(narrowed.skipped.map(\.reason) == ["alpha-pkg 2.0 requires Python >=3.12; debian-12 has 3.11"])
        #expect(plan.skippingUnsupportedInterpreters([:]).items.count == plan.items.count)
    }

    @Test("Requires-Python against a target's interpreter: some micro version of it admitted; a full version as it is; nonsense admits all")
    func requiresPython() throws {
        let check = { (text: String, python: String) in RequiresPython(text)?.admits(python: python) ?? true }
        #expect(check(">=3.8", "3.11") && !check(">=3.12", "3.11") && check(">3.11", "3.11") && check("<3.11.5", "3.11"))
        #expect(!check("!=3.11.*", "3.11") && check("~=3.10", "3.13") && !check("<3.11", "3.11"))
        #expect(!check(">3.11.2", "3.11.2") && check(">=3.11.2", "3.11.2"))
        #expect(RequiresPython("") == nil && RequiresPython("not a specifier") == nil && RequiresPython(nil) == nil)
    }

    @Test("repair: the entry's, else its target's (target.yaml), else nil (graft)")
    func repairModes() throws {
        let definition = try String(contentsOfFile: Repository.root.appendingPathComponent("containers/debian-12/target.yaml").path, encoding: .utf8)
        let (system, diagnostics) = TargetDefinition.decode(SourceFile(path: "target.yaml", text: definition + "repair: system\n"), folder: "debian-12")
        let target = try #require(system, "\(diagnostics)")
        #expect(target.repair == .system)
        let list = try whitelist("""
            defaults:
              targets: [debian-12]
            packages:
              - name: follows
                versions: ["1.0"]
              - name: grafts
                versions: ["1.0"]
                repair: graft
            """)
        let versions = ["follows": [try Version("1.0")], "grafts": [try Version("1.0")]]
        let plan = Plan(whitelist: list, versions: versions, holding: IndexContents(), selection: .init(), targets: [target])
        #expect(plan.items.first { $0.project == "follows" }?.repair == .system)
        #expect(plan.items.first { $0.project == "grafts" }?.repair == .graft)
        #expect(Plan(whitelist: list, versions: versions, holding: IndexContents(), selection: .init()).items.first { $0.project == "follows" }?.repair == nil)
        let (_, refused) = TargetDefinition.decode(SourceFile(path: "target.yaml", text: definition + "repair: magic\n"), folder: "debian-12")
        #expect(refused.contains { $0.message.contains("repair must be 'graft' or 'system', found 'magic'") })
    }

    @Test("an entry missing from the resolved versions is not planned; --only takes any spelling; --target one target")
    func selection() throws {
        let list = try whitelist(text)
        let versions = ["alpha-pkg": [try Version("2.0")]]
        #expect(Plan(whitelist: list, versions: versions, holding: IndexContents(), selection: .init()).items.allSatisfy { $0.project == "alpha-pkg" })
        let only = Plan(whitelist: list, versions: versions, holding: IndexContents(), selection: .init(only: ["ALPHA.pkg"], target: "debian-13"))
        #expect(!only.items.isEmpty && only.items.allSatisfy { $0.project == "alpha-pkg" && $0.target == "debian-13" })
        #expect(Plan(whitelist: list, versions: versions, holding: IndexContents(), selection: .init(only: ["gamma"])).items.isEmpty)
    }

    @Test("what the index holds: a pure wheel serves every target; a binary one only its target and interpreter; a cpXY tag stands in for provenance")
    func holdings() throws {
        let list = try whitelist(text)
        let python = try #require(repositoryTargets.first { $0.name == "debian-12" }?.pythonVersions.first)
        let tag = "cp" + python.replacingOccurrences(of: ".", with: "")
        var contents = IndexContents()
        contents.addPure(try wheel("alpha_pkg-2.0-py3-none-any.whl"))
        contents.addBinary(try wheel("beta-0.5-\(tag)-\(tag)-linux_x86_64.whl"), target: "debian-12", python: nil)
        let plan = Plan(whitelist: list, versions: ["alpha-pkg": [try Version("2.0")], "beta": [try Version("0.5")]], holding: contents, selection: .init())
        #expect(!plan.items.contains { $0.project == "alpha-pkg" })
        #expect(!plan.items.contains { $0.project == "beta" && $0.python == python })
        #expect(plan.skipped.contains { $0.item.project == "alpha-pkg" && $0.reason == "a pure wheel is already published" })
        #expect(plan.skipped.contains { $0.item.project == "beta" && $0.reason == "already built for debian-12, Python \(python)" })

        var other = IndexContents()
        other.addBinary(try wheel("beta-0.5-\(tag)-\(tag)-linux_x86_64.whl"), target: "debian-13", python: python)
        other.addPure(try wheel("alpha_pkg-2.0-1-py3-none-any.whl"))
        let again = Plan(whitelist: list, versions: ["alpha-pkg": [try Version("2.0")], "beta": [try Version("0.5")]], holding: other, selection: .init())
        #expect(again.items.contains { $0.project == "beta" && $0.target == "debian-12" }, "a wheel on another target does not count")
        #expect(again.items.contains { $0.project == "alpha-pkg" }, "a wheel with another build number does not count")
    }

    @Test("shards: i/n parses only with 1 ≤ i ≤ n; the shards of a plan are disjoint, cover it, and keep a release on one machine")
    func shards() throws {
        for bad in ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3", "-1/2", ""] { #expect(Shard(bad) == nil, "\(bad)") }
        #expect(Shard("2/3")?.description == "2/3")
        var lines = "defaults:\n  targets: [debian-12, debian-13]\npackages:\n"
        var versions: [String: [Version]] = [:]
        for number in 0..<60 {
            lines += "  - name: project-\(number)\n    versions: [\"1.\(number)\"]\n"
            versions["project-\(number)"] = [try Version("1.\(number)")]
        }
        let list = try whitelist(lines)
        let whole = Plan(whitelist: list, versions: versions, holding: IndexContents(), selection: .init())
        for count in [1, 2, 3, 7] {
            let parts = (1...count).map { index in
                Plan(whitelist: list, versions: versions, holding: IndexContents(), selection: .init(shard: Shard("\(index)/\(count)")))
            }
            let ids = parts.flatMap { $0.items.map(\.id) }
            #expect(ids.count == whole.items.count && Set(ids) == Set(whole.items.map(\.id)))
            for part in parts {
                let releases = Set(part.items.map(\.release))
                for other in parts where other.items.first?.id != part.items.first?.id {
                    #expect(releases.isDisjoint(with: other.items.map(\.release)))
                }
            }
            if count > 1 { #expect(parts.allSatisfy { $0.items.count < whole.items.count }, "every shard takes a share, not all") }
        }
    }
}
