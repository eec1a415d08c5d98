import Foundation

/// One wheel to make: a project's version, for one target and interpreter.
public struct BuildItem: Sendable, Hashable, Codable {
    /// The PEP 503 name.
    public let project: String
    public let version: String
    public let target: String
    public let python: String
    /// The entry's `build: N`: the wheel's build tag.
    public let buildTag: Int?
    public let systemPackages: [String]
    public let environment: [String: String]
    /// The entry's `repair:`; nil is the default, `graft`.
    public let repair: RepairMode?
    /// The whitelist entry's `requested-by` and `reason`: why the company has the package,
    /// which every wheel built from it carries in its provenance.
    public let requestedBy: String?
    public let requestReason: String?
    /// The entry's `prebuilt:` wheels (filename → SHA-256): taken from upstream, never built.
    public let prebuilt: [String: String]?
    /// The entry's `test:` command, run after the import check of each binary wheel.
    public let test: String?

    public init(project: String, version: String, target: String, python: String, buildTag: Int?,
                systemPackages: [String], environment: [String: String], repair: RepairMode? = nil,
                requestedBy: String? = nil, requestReason: String? = nil, prebuilt: [String: String]? = nil, test: String? = nil) {
        self.prebuilt = prebuilt
        self.test = test
        self.requestedBy = requestedBy
        self.requestReason = requestReason
        self.project = project
        self.version = version
        self.target = target
        self.python = python
        self.buildTag = buildTag
        self.systemPackages = systemPackages
        self.environment = environment
        self.repair = repair
    }

    /// `markupsafe-3.0.2-debian-12-py3.11`: the name of the item in reports, JUnit and logs.
    public var id: String { "\(project)-\(version)-\(target)-py\(python)" }

    /// The project and version: items of one release build one after another (a pure wheel
    /// made for the first target serves the rest).
    public var release: String { "\(project)==\(version)" }

    enum CodingKeys: String, CodingKey {
        case project, version, target, python, buildTag = "build_tag", systemPackages = "system_packages", environment, repair
        case requestedBy = "requested_by", requestReason = "request_reason", prebuilt, test
    }
}
