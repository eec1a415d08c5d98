import SiteConfiguration
import YAMLFiles

/// What the site's config file asks of every entry, checked by `whitelist lint`: the license
/// policy (`LicenseCheck`), and cooldowns shorter than the site's (allowed, but a decision
/// worth seeing).
public enum SitePolicyCheck {
    public static func diagnostics(_ whitelist: Whitelist, site: BuildConfiguration) -> [Diagnostic] {
        var found: [Diagnostic] = []
        if let cooldown = site.cooldown {
            found += whitelist.packages.compactMap { package in
                guard let own = package.entry.cooldown, own < cooldown else { return nil }
                return .warning(at: package.entry.location, "\(package.entry.name)'s cooldown (\(own)) is shorter than the site's (\(cooldown)): its releases are built sooner than the rest; say why in its reason")
            }
        }
        if let policy = site.licensePolicy { found += LicenseCheck.diagnostics(whitelist, policy: policy) }
        return found
    }
}
