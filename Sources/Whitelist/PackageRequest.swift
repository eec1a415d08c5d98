import YAMLFiles
import PythonPackaging

/// What a developer asks `whitelist add` for: `NAME`, `NAME==VERSION` or `NAME` with a specifier
/// (`NAME>=2,<3`), and the choice of version among those upstream offers.
public struct PackageRequest: Sendable {
    public let name: ProjectName
    public let specifier: SpecifierSet?

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// `six==1.17.0` → six, `==1.17.0`; `six` → six, no specifier.
    public init(parsing requirement: String) throws {
        let text = requirement.trimmingCharacters(in: " \t")
        let end = text.firstIndex { !($0.isLetter || $0.isNumber || "._-".contains($0)) } ?? text.endIndex
        name = try ProjectName(text[..<end])
        let rest = String(text[end...]).trimmingCharacters(in: " \t")
        specifier = rest.isEmpty ? nil : try SpecifierSet(rest)
    }

    /// The version a `==VERSION` request pins, if it is one.
    public var pinned: Version? {
        guard let specifier, specifier.specifiers.count == 1, let only = specifier.specifiers.first,
              only.op == .equal, !only.isWildcard else { return nil }
        return only.version
    }

    /// The pinned version, or the newest of `offered` (the releases with an sdist, newest first)
    /// that the specifier admits; final releases only unless `prereleases`. `wheelOnly` (the
    /// versions with wheels and no sdist, and how many wheels each has) explains a refusal.
    public func choose(offered: [Version], wheelOnly: [Version: Int] = [:], prereleases: Bool) throws -> Version {
        if let pinned { return pinned }
        let admitted = specifier ?? SpecifierSet([])
        if let newest = admitted.filter(offered, prereleases: prereleases).first { return newest }
        let builtFromSdists = "wheelwright builds every wheel from an sdist"
        if let wheels = admitted.filter(wheelOnly.keys.sorted().reversed(), prereleases: prereleases).first {
            let count = wheelOnly[wheels] ?? 0
            let published = "\(wheels) (\(count) wheel\(count == 1 ? "" : "s"), no sdist)"
            if offered.isEmpty {
                throw Failure(description: "\(name) publishes only wheels: no release has an sdist (newest: \(published)); \(builtFromSdists), so \(name) cannot be whitelisted for building. Install it from upstream, or ask its maintainers to publish an sdist")
            }
            let matching = specifier.map { " that matches '\($0)'" } ?? ""
            throw Failure(description: "no release of \(name)\(matching) has an sdist: the newest\(matching.isEmpty ? "" : " that matches") is \(published), and \(builtFromSdists); the newest release with an sdist is \(offered[0]): request \(name)==\(offered[0])\(matching.isEmpty ? "" : " or widen the specifier")")
        }
        throw Failure(description: "no release of \(name) with an sdist matches '\(specifier?.description ?? "")' (newest: \(offered.first?.description ?? "none"))")
    }

    /// The project's page from its metadata: its Source or Homepage URL, else PyPI's project
    /// page when it came from PyPI (`indexHost`).
    public static func projectURL(_ metadata: CoreMetadata?, name: ProjectName, indexHost: String?) -> String? {
        let urls = metadata?.projectURLs ?? []
        for label in ["source", "homepage", "repository", "source code"] {
            if let match = urls.first(where: { $0.label.lowercased() == label }), match.url.hasPrefix("http") { return match.url }
        }
        if let home = metadata?.homePage, home.hasPrefix("http") { return home }
        if indexHost == "pypi.org" { return "https://pypi.org/project/\(name.normalized)/" }
        return nil
    }
}
