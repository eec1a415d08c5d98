import PythonPackaging

/// Why an entry is in the whitelist (`wheelwright why NAME`): what its entry says (where, who
/// asked, the reason), then each release that needs it — to run or to be built — and, under
/// each, why that release is there, up to the entries nobody else needs. Pure: the closure's
/// needs come from `DependencyClosure`.
public struct DependencyChain: Sendable {
    public let whitelist: Whitelist
    public let needs: [DependencyClosure.Need]

    public init(whitelist: Whitelist, needs: [DependencyClosure.Need]) {
        (self.whitelist, self.needs) = (whitelist, needs)
    }

    /// The lines for `project` (normalized), two spaces deeper per step.
    public func explain(_ project: String) -> [String] {
        var shown: Set<String> = []
        return lines(project, depth: 0, shown: &shown)
    }

    private func lines(_ project: String, depth: Int, shown: inout Set<String>) -> [String] {
        let indent = String(repeating: "  ", count: depth)
        let package = whitelist.packages.first { $0.entry.name.normalized == project }
        var out = [indent + (package.map(Self.describe) ?? "\(project): not whitelisted")]
        guard shown.insert(project).inserted else {
            out[0] += " (shown above)"
            return out
        }
        let requirers = needs.filter { $0.requirement.project == project && $0.requirer.project.normalized != project }
            .sorted { ($0.requirer.project.normalized, $0.requirer.version, $0.kind.rawValue) < ($1.requirer.project.normalized, $1.requirer.version, $1.kind.rawValue) }
        for need in requirers {
            let relation = need.kind == .build ? "build requirement of" : "dependency of"
            out.append("\(indent)  \(relation) \(need.requirer.project.normalized) \(need.requirer.version) (\(need.requirement)) on \(need.targets.joined(separator: ", "))")
            out += lines(need.requirer.project.normalized, depth: depth + 2, shown: &shown)
        }
        return out
    }

    /// "pyyaml (whitelists/a.yaml:12:5): requested by platform-team; configuration files".
    static func describe(_ package: ResolvedPackage) -> String {
        let entry = package.entry
        let said = [entry.requestedBy.map { "requested by \($0)" }, entry.reason].compactMap { $0 }
        return "\(entry.name.normalized) (\(entry.location))" + (said.isEmpty ? "" : ": " + said.joined(separator: "; "))
    }
}
