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
    /// that the specifier admits; final releases only unless `prereleases`.
    public func choose(offered: [Version], prereleases: Bool) throws -> Version {
        if let pinned { return pinned }
        guard let newest = (specifier ?? SpecifierSet([])).filter(offered, prereleases: prereleases).first else {
            throw Failure(description: "no release of \(name) with an sdist matches '\(specifier?.description ?? "")' (newest: \(offered.first?.description ?? "none"))")
        }
        return newest
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
