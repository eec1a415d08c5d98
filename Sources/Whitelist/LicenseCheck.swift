import PythonPackaging
import SiteConfiguration
import YAMLFiles

/// Every entry against the site's license policy: its `license:` read as an SPDX expression
/// and judged; one the policy refuses, or that cannot be read, is an error unless the entry
/// says why it is whitelisted anyway (`license-reason:`).
public enum LicenseCheck {
    public static func diagnostics(_ whitelist: Whitelist, policy: LicensePolicy) -> [Diagnostic] {
        whitelist.packages.compactMap { package -> Diagnostic? in
            let entry = package.entry
            guard entry.licenseReason == nil, let refusal = refusal(entry.name.original, license: entry.license, policy: policy) else { return nil }
            return .error(at: entry.location, refusal + "; to whitelist it anyway, say why in license-reason:")
        }
    }

    /// Why the policy refuses `name` under `license` (an SPDX expression, or nil), or nil.
    public static func refusal(_ name: String, license: String?, policy: LicensePolicy) -> String? {
        guard let license else {
            return "\(name) records no license, so the license policy (\(policy.location)) cannot allow it: record it (license: SPDX expression)"
        }
        let expression: SPDXExpression
        do {
            expression = try SPDXExpression(license)
        } catch {
            return "\(name)'s license '\(license)' is not an SPDX expression (\(error)), so the license policy (\(policy.location)) cannot judge it: write it as one (a license SPDX does not list is LicenseRef-NAME)"
        }
        return policy.explain(policy.judge(expression)).map { "\(name) is licensed \(expression): \($0)" }
    }
}
