import IndexAPI
import SiteConfiguration
import YAMLFiles
import PythonPackaging
import Yams

/// Decodes one whitelist file, checking everything that one file can show: shapes, names,
/// versions, specifiers, targets and interpreters against the known targets.
struct WhitelistDecoder {
    static let topLevelKeys = ["defaults", "packages", "deny"]
    static let packageKeys = [
        "name", "versions", "specifier", "latest", "targets", "pythons", "build", "env",
        "system-packages", "repair", "requested-by", "reason", "license", "url", "prebuilt", "cooldown", "allow-young", "license-reason",
        "test",
    ]
    static let denyKeys = ["name", "specifier", "reason"]
    static let defaultsKeys = ["targets", "pythons"]
    /// The most releases a `latest:` entry may follow.
    static let maximumLatest = 50

    let targets: [TargetDefinition]
    var reader: NodeReader
    /// Names of the entries read so far, valid or not otherwise.
    var listedNames: [(name: ProjectName, location: SourceLocation)] = []

    init(file: String, targets: [TargetDefinition]) {
        self.targets = targets
        self.reader = NodeReader(file: file)
    }

    var diagnostics: [Diagnostic] { reader.log.diagnostics }

    /// The decoded file (nil when it cannot be read at all) and its diagnostics.
    static func decode(_ source: SourceFile, targets: [TargetDefinition]) -> (WhitelistFile?, [Diagnostic]) {
        switch YAMLLoader.load(source) {
        case .failure(let diagnostic):
            return (nil, [diagnostic])
        case .success(nil):
            return (.empty(source.path), [])
        case .success(let root?):
            var decoder = WhitelistDecoder(file: source.path, targets: targets)
            let file = decoder.decodeFile(root)
            return (file, decoder.diagnostics)
        }
    }

    mutating func decodeFile(_ root: Node) -> WhitelistFile? {
        if NodeReader.isNull(root) {
            return .empty(reader.file)
        }
        guard case .mapping = root else {
            reader.log.error(reader.location(root), "a whitelist file is a mapping with 'packages:', 'deny:' and 'defaults:' at the top, found \(NodeReader.describe(root))")
            return nil
        }
        guard let pairs = reader.mapping(root, "a whitelist", allowed: Self.topLevelKeys) else { return nil }
        // Defaults first, wherever they stand in the file: the entries are read against them.
        let defaults = pairs.first { $0.key == "defaults" }.map { decodeDefaults($0.value) } ?? .none
        var packages: [PackageEntry] = []
        var deny: [DenyEntry] = []
        for pair in pairs {
            switch pair.key {
            case "packages":
                packages = list(pair.value, "packages entries").compactMap { decodePackage($0, defaults: defaults) }
            case "deny":
                deny = list(pair.value, "deny entries").compactMap { decodeDeny($0) }
            default:
                break
            }
        }
        return WhitelistFile(path: reader.file, defaults: defaults, packages: packages, deny: deny, listedNames: listedNames)
    }

    /// The items of a list; `packages:` with nothing under it is an empty list.
    private mutating func list(_ node: Node, _ what: String) -> [Node] {
        if NodeReader.isNull(node) { return [] }
        guard case .sequence(let sequence) = node else {
            reader.log.error(reader.location(node), "expected a list of \(what) (one '- name: …' per entry), found \(NodeReader.describe(node))")
            return []
        }
        return Array(sequence)
    }

    private mutating func decodeDefaults(_ node: Node) -> WhitelistDefaults {
        guard let pairs = reader.mapping(node, "defaults", allowed: Self.defaultsKeys) else { return .none }
        var targets: [String]?
        var pythons: [String]?
        for pair in pairs {
            if pair.key == "targets" {
                targets = decodeTargets(pair.value)
            } else {
                pythons = decodePythons(pair.value, targets: targets)
            }
        }
        return WhitelistDefaults(targets: targets, pythons: pythons)
    }

    private mutating func decodeName(_ node: Node?, in entry: Node) -> ProjectName? {
        guard let node else {
            reader.log.error(reader.location(entry), "this entry has no 'name': add the project's name on PyPI")
            return nil
        }
        guard let text = reader.string(node, "the project's name") else { return nil }
        do {
            return try ProjectName(text)
        } catch {
            reader.log.error(reader.location(node), error.description)
            return nil
        }
    }

    private mutating func decodePackage(_ node: Node, defaults: WhitelistDefaults) -> PackageEntry? {
        guard let pairs = reader.mapping(node, "a packages entry", allowed: Self.packageKeys) else { return nil }
        let fields = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let name = decodeName(fields["name"], in: node)
        let label = name.map { "'\($0)'" } ?? "this entry"
        if let name { listedNames.append((name, reader.location(node))) }

        var versions: [Version]?
        if let versionsNode = fields["versions"] {
            versions = decodeVersions(versionsNode)
        }
        var specifier: SpecifierSet?
        if let specifierNode = fields["specifier"], let text = reader.string(specifierNode, "a version specifier (>=2.0,<3)") {
            do {
                specifier = try SpecifierSet(text)
            } catch {
                reader.log.error(reader.location(specifierNode), error.description)
            }
        }
        var latest: Int?
        if let latestNode = fields["latest"] {
            latest = reader.integer(latestNode, "how many of the newest releases to build", in: 1...Self.maximumLatest)
        }
        let hasVersions = fields["versions"] != nil
        let followedBy = fields["specifier"] != nil ? "specifier" : fields["latest"] != nil ? "latest" : nil
        var selection: VersionSelection?
        switch (hasVersions, followedBy) {
        case (true, let key?):
            reader.log.error(reader.location(fields[key]!), "\(label) has both 'versions' and '\(key)': list exact versions, or follow releases with specifier + latest, not both")
        case (true, nil):
            if let versions, versions.isEmpty {
                reader.log.error(reader.location(fields["versions"]!), "\(label) lists no versions: add at least one")
            }
            selection = versions.map(VersionSelection.exact)
        case (false, _?):
            let specifierRead = fields["specifier"] == nil || specifier != nil
            let latestRead = fields["latest"] == nil || latest != nil
            if specifierRead && latestRead {
                selection = .latest(specifier ?? SpecifierSet([]), count: latest ?? 1)
            }
        case (false, nil):
            reader.log.error(reader.location(node), "\(label) says no versions: add 'versions: [\"1.2.3\"]', or 'specifier' and 'latest: N' to follow new releases")
        }

        let targets = fields["targets"].flatMap { decodeTargets($0) }
        let pythons = fields["pythons"].flatMap { decodePythons($0, targets: targets ?? defaults.targets) }
        let build = fields["build"].flatMap { reader.integer($0, "the wheel build number", in: 0...999_999) }
        let environment = fields["env"].flatMap { decodeEnvironment($0) } ?? []
        let systemPackages = fields["system-packages"].flatMap { decodeSystemPackages($0) } ?? []
        var repair: RepairMode?
        if let repairNode = fields["repair"], let text = reader.string(repairNode, "graft or system") {
            repair = RepairMode(rawValue: text)
            if repair == nil {
                reader.log.error(reader.location(repairNode), "repair must be 'graft' (copy the libraries into the wheel, tag it manylinux) or 'system' (keep linux_<arch>, list the Debian packages it needs), found '\(text)'")
            }
        }
        let requestedBy = fields["requested-by"].flatMap { reader.string($0, "who asked for the package") }
        let reason = fields["reason"].flatMap { reader.string($0, "why the company needs the package") }
        let license = fields["license"].flatMap { reader.string($0, "the package's license") }
        let licenseReason = fields["license-reason"].flatMap { reader.string($0, "why it is whitelisted outside the license policy") }
        if let node = fields["license-reason"], let licenseReason, licenseReason.allSatisfy(\.isWhitespace) {
            reader.log.error(reader.location(node), "license-reason is empty: say why it may be used outside the license policy")
        }
        var url: String?
        if let urlNode = fields["url"], let text = reader.string(urlNode, "the project's URL") {
            if text.hasPrefix("https://") || text.hasPrefix("http://") {
                url = text
            } else {
                reader.log.error(reader.location(urlNode), "expected an http(s):// URL, found '\(text)'")
            }
        }

        var test: String?
        if let testNode = fields["test"], let text = reader.string(testNode, "a command run after the import check (python -c \"…\")") {
            if text.isEmpty || text.utf8.count > 1_000 || text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                reader.log.error(reader.location(testNode), "test must be one line of at most 1,000 bytes (a shell command, run where the wheel was installed), found \(text.utf8.count) bytes")
            } else {
                test = text
            }
        }
        let prebuilt = fields["prebuilt"].flatMap { decodePrebuilt($0, name: name, selection: selection) } ?? []
        var cooldown: Cooldown?
        if let cooldownNode = fields["cooldown"], let text = reader.string(cooldownNode, "the cooldown (7d)") {
            cooldown = Cooldown(parsing: text)
            if cooldown == nil { reader.log.error(reader.location(cooldownNode), "the cooldown must be \(Cooldown.expected), found '\(text)'") }
        }
        let allowYoung = fields["allow-young"].flatMap { decodeAllowYoung($0) } ?? [:]
        if case .exact(let listed)? = selection, let node = fields["allow-young"] {
            for version in allowYoung.keys.sorted() where !listed.contains(version) {
                reader.log.warning(reader.location(node), "allow-young names \(version), which 'versions' does not list: it allows nothing; drop it")
            }
        }

        let location = reader.location(node)
        if fields["reason"] == nil {
            reader.log.warning(location, "\(label) has no 'reason': say why the company needs it, for reviewers and audits")
        }
        if fields["license"] == nil {
            reader.log.warning(location, "\(label) has no 'license': record it (wheelwright whitelist add does this from PyPI)")
        }
        guard let name, let selection else { return nil }
        return PackageEntry(
            name: name, selection: selection, targets: targets, pythons: pythons, build: build,
            environment: environment, systemPackages: systemPackages, repair: repair, requestedBy: requestedBy,
            reason: reason, license: license, url: url, prebuilt: prebuilt, location: location,
            cooldown: cooldown, allowYoung: allowYoung, licenseReason: licenseReason, test: test
        )
    }

    /// `allow-young:`, a mapping of versions to the reason each is built in its cooldown.
    private mutating func decodeAllowYoung(_ node: Node) -> [Version: String]? {
        guard let pairs = reader.stringPairs(node, "releases built in their cooldown (VERSION: REASON)") else { return nil }
        var allowed: [Version: String] = [:]
        for (text, reason, keyNode) in pairs {
            guard let version = try? Version(text) else {
                reader.log.error(reader.location(keyNode), "'\(text)' is not a PEP 440 version")
                continue
            }
            guard reason.contains(where: { !$0.isWhitespace }) else {
                reader.log.error(reader.location(keyNode), "version \(text) is allowed in its cooldown without a reason: say why it cannot wait")
                continue
            }
            allowed[version] = reason
        }
        return allowed
    }

    /// `prebuilt:`, a mapping of wheel filenames to their SHA-256: each a wheel of this project
    /// at one of the entry's exact versions.
    private mutating func decodePrebuilt(_ node: Node, name: ProjectName?, selection: VersionSelection?) -> [PrebuiltWheel]? {
        guard let pairs = reader.stringPairs(node, "prebuilt wheels (FILENAME.whl: SHA256)") else { return nil }
        guard case .exact(let versions)? = selection else {
            reader.log.error(reader.location(node), "prebuilt wheels pin exact files: list the entry's 'versions', not a specifier or latest")
            return nil
        }
        var wheels: [PrebuiltWheel] = []
        for (text, sha256, keyNode) in pairs {
            guard let filename = try? WheelFilename(text) else {
                reader.log.error(reader.location(keyNode), "'\(text)' is not a wheel filename (NAME-VERSION-PY-ABI-PLATFORM.whl)")
                continue
            }
            if let name, filename.normalizedName != name.normalized {
                reader.log.error(reader.location(keyNode), "\(text) is a wheel of \(filename.normalizedName), not of \(name.normalized)")
            } else if !versions.contains(filename.version) {
                reader.log.error(reader.location(keyNode), "\(text) is version \(filename.version), which 'versions' does not list")
            } else if sha256.utf8.count != 64 || !sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
                reader.log.error(reader.location(keyNode), "the SHA-256 of \(text) must be 64 lower-case hex digits, found '\(sha256)'")
            } else {
                wheels.append(PrebuiltWheel(filename: text, wheel: filename, sha256: sha256))
            }
        }
        // Each listed version is taken prebuilt, so each needs a pinned wheel.
        for version in versions where !wheels.isEmpty && !wheels.contains(where: { $0.wheel.version == version }) {
            reader.log.error(reader.location(node), "no prebuilt wheel is pinned for version \(version): pin one of upstream's wheels of it, or drop the version")
        }
        return wheels
    }

    private mutating func decodeVersions(_ node: Node) -> [Version]? {
        guard let items = reader.strings(node, "versions") else { return nil }
        var versions: [Version] = []
        var seen: [Version: String] = [:]
        for (text, item) in items {
            do {
                let version = try Version(text)
                if let previous = seen[version] {
                    reader.log.error(reader.location(item), "version \(text) is listed twice (also as \(previous))")
                    continue
                }
                seen[version] = text
                versions.append(version)
            } catch {
                reader.log.error(reader.location(item), error.description)
            }
        }
        return versions
    }

    private mutating func decodeTargets(_ node: Node) -> [String]? {
        guard let items = reader.strings(node, "target names") else { return nil }
        let known = targets.map(\.name)
        var names: [String] = []
        for (name, item) in items {
            guard known.contains(name) else {
                let available = known.isEmpty
                    ? "no targets are defined here (no containers/*/target.yaml was found: run where the target definitions are, or name their folder with --containers or containers: in wheelwright.yaml)"
                    : "known targets: \(known.joined(separator: ", "))"
                reader.log.error(reader.location(item), "unknown target '\(name)': there is no containers/\(name)/ folder\(Suggestion.didYouMean(name, among: known)); \(available)")
                continue
            }
            if names.contains(name) {
                reader.log.error(reader.location(item), "target '\(name)' is listed twice")
                continue
            }
            names.append(name)
        }
        return names
    }

    /// Interpreter versions; each must exist on at least one of `targets` (all targets when nil).
    private mutating func decodePythons(_ node: Node, targets chosen: [String]?) -> [String]? {
        guard let items = reader.strings(node, "Python versions") else { return nil }
        let candidates = targets.filter { chosen?.contains($0.name) ?? true }
        var versions: [String] = []
        for (version, item) in items {
            guard PythonVersionSyntax.isValid(version) else {
                reader.log.error(reader.location(item), "expected a Python version like \"3.11\", found '\(version)'")
                continue
            }
            if !candidates.contains(where: { $0.pythonVersions.contains(version) }) {
                let offered = Set(candidates.flatMap(\.pythonVersions)).sorted()
                let names = candidates.map(\.name).joined(separator: ", ")
                reader.log.error(reader.location(item), "Python \(version) is not available on any of the targets (\(names)); they offer \(offered.joined(separator: ", "))")
                continue
            }
            versions.append(version)
        }
        return versions
    }

    private mutating func decodeEnvironment(_ node: Node) -> [(name: String, value: String)]? {
        guard let pairs = reader.stringPairs(node, "env") else { return nil }
        var result: [(name: String, value: String)] = []
        for (name, value, keyNode) in pairs {
            let valid = name.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
                && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            guard valid else {
                reader.log.error(reader.location(keyNode), "'\(name)' is not an environment variable name: use letters, digits and '_', not starting with a digit")
                continue
            }
            result.append((name, value))
        }
        return result
    }

    private mutating func decodeSystemPackages(_ node: Node) -> [String]? {
        guard let items = reader.strings(node, "Debian package names") else { return nil }
        return items.compactMap { name, item in
            guard DebianPackageName.isValid(name) else {
                reader.log.error(reader.location(item), "'\(name)' is not a Debian package name (lower-case letters, digits, '+', '-', '.'; at least two characters)")
                return nil
            }
            return name
        }
    }

    private mutating func decodeDeny(_ node: Node) -> DenyEntry? {
        guard let pairs = reader.mapping(node, "a deny entry", allowed: Self.denyKeys) else { return nil }
        let fields = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let name = decodeName(fields["name"], in: node)
        var specifier: SpecifierSet?
        var specifierValid = true
        if let specifierNode = fields["specifier"], let text = reader.string(specifierNode, "the denied versions (<1.26.5)") {
            do {
                specifier = try SpecifierSet(text)
            } catch {
                specifierValid = false
                reader.log.error(reader.location(specifierNode), error.description)
            }
        }
        let reason = fields["reason"].flatMap { reader.string($0, "why the package is denied") }
        if fields["reason"] == nil {
            reader.log.error(reader.location(node), "a deny entry needs a 'reason': say why, so that nobody adds it back unknowingly")
        }
        guard let name, let reason, specifierValid else { return nil }
        return DenyEntry(name: name, specifier: specifier, reason: reason, location: reader.location(node))
    }
}

/// Debian policy §5.6.1: at least two characters, lower-case letters, digits, `+`, `-`, `.`,
/// starting with a letter or digit.
enum DebianPackageName {
    static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count >= 2, let first = bytes.first,
              (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z")) || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            return false
        }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }
}
