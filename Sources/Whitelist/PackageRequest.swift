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

    /// The version chosen, and what the choice passed over or warns about.
    public struct Choice: Sendable {
        public let version: Version
        /// `skipped numpy 2.5.5: requires Python >=3.12; debian-12 has 3.11`, newest first.
        public let notes: [String]
    }

    /// The pinned version, or the newest of `offered` (the releases with an sdist, newest first)
    /// that the specifier admits and whose sdist's `Requires-Python` (`requiresPython`) admits
    /// every interpreter of the entry's targets (`interpreters`: target → versions); final
    /// releases only unless `prereleases`. `wheelOnly` (the versions with wheels and no sdist,
    /// and how many wheels each has) explains a refusal.
    public func choose(offered: [Version], wheelOnly: [Version: Int] = [:], requiresPython: [Version: RequiresPython] = [:],
                       interpreters: [String: [String]] = [:], prereleases: Bool, age: ReleaseAge? = nil) throws -> Choice {
        let pairs = interpreters.sorted { $0.key < $1.key }.flatMap { target, pythons in pythons.map { (target: target, python: $0) } }
        /// The interpreters `version` excludes, as `debian-12 has 3.11`.
        func excluded(_ version: Version) -> (required: RequiresPython, refused: [String])? {
            guard let required = requiresPython[version] else { return nil }
            let refused = pairs.filter { !required.admits(python: $0.python) }.map { "\($0.target) has \($0.python)" }
            return refused.isEmpty ? nil : (required, refused)
        }
        if let pinned {
            var notes: [String] = []
            if let young = age?.young(pinned) {
                guard age?.allowYoung == true else {
                    let from = age?.ends(pinned).map { "; it can be requested from \($0)" } ?? ""
                    throw Failure(description: "\(name) \(pinned) is in its cooldown: \(young)\(from). To build it now, say why: --allow-young --reason TEXT (the entry records it)")
                }
                notes.append("\(name) \(pinned) is in its cooldown (\(young)): taken with --allow-young, the reason recorded in the entry")
            }
            guard let (required, refused) = excluded(pinned) else { return Choice(version: pinned, notes: notes) }
            if refused.count == pairs.count {
                throw Failure(description: "\(name) \(pinned) requires Python \(required); \(refused.joined(separator: ", ")): it could never be built for this entry's targets. Request an older release (\(name) alone takes the newest that fits) or other targets")
            }
            return Choice(version: pinned, notes: notes + ["\(name) \(pinned) requires Python \(required); \(refused.joined(separator: ", ")): those builds will be skipped"])
        }
        let admitted = specifier ?? SpecifierSet([])
        let candidates = admitted.filter(offered, prereleases: prereleases)
        if !candidates.isEmpty {
            var notes: [String] = []
            var youngest: Version?
            for candidate in candidates {
                if let (required, refused) = excluded(candidate) {
                    notes.append("skipped \(name) \(candidate): requires Python \(required); \(refused.joined(separator: ", "))")
                } else if let young = age?.young(candidate), age?.allowYoung != true {
                    notes.append("skipped \(name) \(candidate): \(young)")
                    youngest = youngest ?? candidate
                } else {
                    return Choice(version: candidate, notes: Self.summarized(notes))
                }
            }
            if let youngest {
                throw Failure(description: "no release of \(name) with an sdist\(specifier.map { " that matches '\($0)'" } ?? "") is past its cooldown and admits the interpreters of this entry's targets:\n" + Self.summarized(notes).joined(separator: "\n") + "\nto take \(youngest) now, say why: \(name)==\(youngest) --allow-young --reason TEXT")
            }
            throw Failure(description: "no release of \(name) with an sdist\(specifier.map { " that matches '\($0)'" } ?? "") admits the interpreters of this entry's targets (\(pairs.map { "\($0.target) \($0.python)" }.joined(separator: ", "))):\n" + Self.summarized(notes).joined(separator: "\n"))
        }
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

    /// The first three notes, and how many more there are.
    static func summarized(_ notes: [String]) -> [String] {
        notes.count <= 3 ? notes : Array(notes.prefix(3)) + ["… and \(notes.count - 3) older releases likewise"]
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
