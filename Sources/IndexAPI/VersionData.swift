/// A release as devpi describes it (`versiondata`; a project is `projectconfig`, these by
/// version): its metadata and `+links` to its files, which devpi-client lists, removes and
/// pushes by.
public struct VersionData: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public var summary: String?
    public var requiresPython: String?
    public var links: [ReleaseLink]
    /// The release's core metadata as devpi names it (from a wheel's, else the sdist's).
    public var author, authorEmail, maintainer, maintainerEmail, homePage, license, keywords: String?
    public var classifiers, platform: [String]?

    public init(name: String, version: String, summary: String? = nil, requiresPython: String? = nil, links: [ReleaseLink]) {
        (self.name, self.version, self.summary, self.requiresPython, self.links) = (name, version, summary, requiresPython, links)
    }

    enum CodingKeys: String, CodingKey {
        case name, version, summary, author, maintainer, license, keywords, classifiers, platform
        case requiresPython = "requires_python"
        case links = "+links"
        case authorEmail = "author_email", maintainerEmail = "maintainer_email", homePage = "home_page"
    }
}

/// One file of a release: devpi's `releasefile` link (an absolute path on the index), with its
/// digest; a test result for one (`toxresult`, `for_href` the file's link); or the release's
/// documentation zip (`doczip`).
public struct ReleaseLink: Codable, Sendable, Equatable {
    public var rel: String
    public var href: String
    public var hashSpec: String
    public var hashes: [String: String]
    public var yanked: Bool?
    public var forHref: String?
    /// How the file came to the index: devpi's upload and push entries.
    public var log: [LinkLogEntry]?

    public init(href: String, sha256: String, yanked: Bool) {
        (rel, self.href, hashSpec, hashes) = ("releasefile", href, "sha256=\(sha256)", ["sha256": sha256])
        self.yanked = yanked ? true : nil
    }

    public init(toxResult href: String, sha256: String, for file: String) {
        (rel, self.href, hashSpec, hashes, forHref) = ("toxresult", href, "sha256=\(sha256)", ["sha256": sha256], file)
    }

    public init(docs href: String, sha256: String) {
        (rel, self.href, hashSpec, hashes) = ("doczip", href, "sha256=\(sha256)", ["sha256": sha256])
    }

    enum CodingKeys: String, CodingKey {
        case rel, href, hashes, yanked, log
        case hashSpec = "hash_spec"
        case forHref = "for_href"
    }
}

/// One entry of a link's `log`, as devpi-server writes it: `when` is UTC as
/// `[year, month, day, hour, minute, second]`.
public struct LinkLogEntry: Codable, Sendable, Equatable {
    public var what, who: String
    public var when: [Int]
    public var src: String?
    public var dst: String

    public init(what: String, who: String, when: [Int], src: String?, dst: String) {
        (self.what, self.who, self.when, self.src, self.dst) = (what, who, when, src, dst)
    }
}
