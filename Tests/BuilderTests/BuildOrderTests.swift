@testable import Builder
import Testing

/// The order of a plan's releases by their build requirements.
@Suite("Build order")
struct BuildOrderTests {
    static func order(_ releases: [String], _ needs: [String: Set<String>]) -> BuildOrder {
        BuildOrder(releases: releases.map { ($0, String($0.prefix { $0 != "=" })) }, needs: needs)
    }

    @Test("tools before what needs them, plan order otherwise; a project's own name and unplanned ones are ignored")
    func toolsFirst() {
        let order = Self.order(["app==1", "cy==3", "lib==2", "backend==1"],
                               ["app==1": ["cy", "backend", "setuptools"], "cy==3": ["backend"], "backend==1": ["backend"]])
        #expect(order.order == ["lib==2", "backend==1", "cy==3", "app==1"])
        #expect(order.prerequisites == ["app==1": ["backend==1", "cy==3"], "cy==3": ["backend==1"]])
        #expect(order.longestChain == ["backend==1", "cy==3", "app==1"])
        #expect(order.refused.isEmpty)
    }

    @Test("a cycle is refused with its members named, and what needs it says so; the rest still builds")
    func cycle() {
        let order = Self.order(["a==1", "b==1", "c==1", "d==1"], ["a==1": ["b"], "b==1": ["a"], "c==1": ["a"]])
        #expect(order.order == ["d==1"])
        #expect(order.refused["a==1"] == "build requirement cycle: a==1 → b==1 → a==1")
        #expect(order.refused["b==1"] == "build requirement cycle: b==1 → a==1 → b==1")
        #expect(order.refused["c==1"] == "needs a==1, which is in a build requirement cycle: a==1 → b==1 → a==1")
    }

    @Test("a tool's runtime dependencies, transitively, come before what the tool builds; the release's own project and what only it needs to run do not")
    func toolRuntimeDependencies() {
        let order = BuildOrder(releases: [("app==1", "app"), ("lib==1", "lib"), ("hatch==1", "hatch"), ("spec==1", "spec"), ("leaf==1", "leaf")],
                               needs: ["app==1": ["hatch"], "hatch==1": ["hatch"]],
                               runtime: ["app==1": ["lib"], "hatch==1": ["spec", "app"], "spec==1": ["leaf"]])
        #expect(order.prerequisites["app==1"] == ["hatch==1", "leaf==1", "spec==1"])
        #expect(order.order == ["lib==1", "hatch==1", "spec==1", "leaf==1", "app==1"])
    }

    @Test("a requirement learnt while building comes to its releases and what they need to run, never the release's own project")
    func learntRequirements() {
        let order = BuildOrder(releases: [("ninja==1", "ninja"), ("app==1", "app"), ("late==1", "late"), ("dep==1", "dep")],
                               needs: [:], runtime: ["ninja==1": ["dep", "app"]])
        #expect(order.releases(for: ["ninja", "late", "app", "unplanned"], of: "app") == ["dep==1", "late==1", "ninja==1"])
    }

    @Test("every release of a needed project comes first")
    func everyVersion() {
        let order = Self.order(["app==1", "tool==1", "tool==2"], ["app==1": ["tool"]])
        #expect(order.order == ["tool==1", "tool==2", "app==1"])
    }
}
