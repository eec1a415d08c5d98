import PythonPackaging
import YAMLFiles

/// The site's license policy (`policy: licenses: {allow: [...], deny: [...]}` in
/// `wheelwright.yaml`): SPDX license identifiers a release may be used under, and those it may
/// not. With an allow list, a license outside it is refused too; without one, only denied ones.
public struct LicensePolicy: Sendable, Equatable {
    /// Identifiers, lower-cased (SPDX compares them without case).
    public let allow: Set<String>
    public let deny: Set<String>
    /// Where the policy is written, for messages.
    public let location: SourceLocation

    public init(allow: [String], deny: [String], location: SourceLocation) {
        self.allow = Set(allow.map { Self.canonical($0, orLater: false) })
        self.deny = Set(deny.map { Self.canonical($0, orLater: false) })
        self.location = location
    }

    /// An identifier as the policy compares it: lower-cased, the deprecated GNU forms and `+`
    /// spelled out (`GPL-3.0` is `gpl-3.0-only`, `GPL-3.0+` `gpl-3.0-or-later`), so a deny list
    /// cannot be walked around by an older spelling.
    static func canonical(_ id: String, orLater: Bool) -> String {
        var lowered = id.lowercased()
        for family in ["agpl", "lgpl", "gpl"] where lowered.hasPrefix(family + "-") && !lowered.hasSuffix("-only") && !lowered.hasSuffix("-or-later") {
            lowered += orLater ? "-or-later" : "-only"
            return lowered
        }
        return lowered
    }

    public enum Verdict: Sendable, Equatable {
        case allowed
        /// The licenses the policy denies that no alternative avoids.
        case denied([String])
        /// The licenses outside the allow list that no alternative avoids.
        case outside([String])
    }

    /// Whether a release under `expression` may be used: `A OR B` when either may, `A AND B`
    /// when both may, `A WITH exception` as A.
    public func judge(_ expression: SPDXExpression) -> Verdict {
        let (allowed, denied, outside) = evaluate(expression)
        if allowed { return .allowed }
        return denied.isEmpty ? .outside(outside.sorted()) : .denied(denied.sorted())
    }

    private func evaluate(_ expression: SPDXExpression) -> (Bool, Set<String>, Set<String>) {
        switch expression {
        case let .license(id, orLater):
            let key = Self.canonical(id, orLater: orLater)
            if deny.contains(key) { return (false, [id], []) }
            return allow.isEmpty || allow.contains(key) ? (true, [], []) : (false, [], [id])
        case .with(let inner, _):
            return evaluate(inner)
        case .and(let parts):
            let results = parts.map(evaluate)
            return (results.allSatisfy(\.0), results.reduce(into: Set()) { $0.formUnion($1.1) }, results.reduce(into: Set()) { $0.formUnion($1.2) })
        case .or(let parts):
            let results = parts.map(evaluate)
            if results.contains(where: \.0) { return (true, [], []) }
            return (false, results.reduce(into: Set()) { $0.formUnion($1.1) }, results.reduce(into: Set()) { $0.formUnion($1.2) })
        }
    }

    /// What a refusal says: "GPL-3.0-only is denied by the license policy (wheelwright.yaml:4:5)".
    public func explain(_ verdict: Verdict) -> String? {
        switch verdict {
        case .allowed: nil
        case .denied(let ids): "\(ids.joined(separator: ", ")) \(ids.count == 1 ? "is" : "are") denied by the license policy (\(location))"
        case .outside(let ids): "\(ids.joined(separator: ", ")) \(ids.count == 1 ? "is" : "are") not on the license policy's allow list (\(location))"
        }
    }
}
