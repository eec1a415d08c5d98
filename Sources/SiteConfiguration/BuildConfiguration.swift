import PythonPackaging
import YAMLFiles
import Yams

import Foundation

/// `wheelwright.yaml`: the settings a site keeps rather than types on every `build` and `plan`.
/// Every key is optional; flags override it, and defaults fill what neither gives. A service
/// reads every path it uses from here (`resolved(against:)`), never from its working folder.
public struct BuildConfiguration: Sendable, Equatable {
    /// Whitelist files or folders of them.
    public var whitelists: [String]?
    /// The folder of target definitions.
    public var containers: String?
    /// Root filesystems, the run lock, each run's workspace.
    public var data: String?
    public var server: String?
    /// Who uploads, with `passwordFile`; or `tokenFile` alone.
    public var user: String?
    /// A file of mode 0600 whose first line is the user's password.
    public var passwordFile: String?
    /// A file of mode 0600 whose first line is an API token.
    public var tokenFile: String?
    public var upstream: [String]?
    /// Where Rust extensions' crates are vendored from (`CrateRegistry`); nil: crates.io.
    public var crateRegistry: String?
    public var cache: String?
    public var pureIndex: String?
    public var binaryIndex: String?
    public var consumerIndex: String?
    /// rootfs, oci or host.
    public var runner: String?
    public var jobs: Int?
    /// Seconds per build step.
    public var timeout: Int?
    /// MiB per build.
    public var memory: Int?
    public var processes: Int?
    /// Where `build` writes its figures for Prometheus' textfile collector.
    public var metricsFile: String?
    /// Where build requirements come from (`build-requirements:`).
    public var buildRequirements: BuildRequirementsSource?
    /// How old a release must be upstream before it is built, unless its entry says otherwise.
    public var cooldown: Cooldown?
    /// The licenses releases may be used under (`policy: licenses:`).
    public var licensePolicy: LicensePolicy?

    public init() {}

    /// This configuration with every key `flags` sets taken from `flags`.
    public func overridden(by flags: BuildConfiguration) -> BuildConfiguration {
        var merged = self
        merged.whitelists = flags.whitelists ?? whitelists
        merged.containers = flags.containers ?? containers
        merged.data = flags.data ?? data
        merged.user = flags.user ?? user
        merged.passwordFile = flags.passwordFile ?? passwordFile
        merged.tokenFile = flags.tokenFile ?? tokenFile
        merged.server = flags.server ?? server
        merged.upstream = flags.upstream ?? upstream
        merged.crateRegistry = flags.crateRegistry ?? crateRegistry
        merged.cache = flags.cache ?? cache
        merged.pureIndex = flags.pureIndex ?? pureIndex
        merged.binaryIndex = flags.binaryIndex ?? binaryIndex
        merged.consumerIndex = flags.consumerIndex ?? consumerIndex
        merged.runner = flags.runner ?? runner
        merged.jobs = flags.jobs ?? jobs
        merged.timeout = flags.timeout ?? timeout
        merged.memory = flags.memory ?? memory
        merged.processes = flags.processes ?? processes
        merged.metricsFile = flags.metricsFile ?? metricsFile
        merged.buildRequirements = flags.buildRequirements ?? buildRequirements
        merged.cooldown = flags.cooldown ?? cooldown
        merged.licensePolicy = flags.licensePolicy ?? licensePolicy
        return merged
    }

    /// This configuration with its relative paths taken relative to `folder` (the config
    /// file's), so that the file means the same from any working folder (cron, systemd: `/`).
    public func resolved(against folder: URL) -> BuildConfiguration {
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : folder.appendingPathComponent(path).standardizedFileURL.path
        }
        var resolved = self
        resolved.whitelists = whitelists?.map(absolute)
        resolved.containers = containers.map(absolute)
        resolved.data = data.map(absolute)
        resolved.cache = cache.map(absolute)
        resolved.crateRegistry = crateRegistry.map { $0.hasPrefix("sparse+") ? $0 : absolute($0) }
        resolved.passwordFile = passwordFile.map(absolute)
        resolved.tokenFile = tokenFile.map(absolute)
        resolved.metricsFile = metricsFile.map(absolute)
        return resolved
    }

    static let keys = ["whitelists", "containers", "data", "user", "password-file", "token-file", "server", "upstream", "crate-registry", "cache", "pure-index", "binary-index", "consumer-index",
                       "runner", "jobs", "timeout", "memory", "processes", "metrics-file", "build-requirements", "cooldown", "policy"]
    static let runners = ["rootfs", "oci", "host"]

    /// Decodes the file; any unknown key or value of the wrong shape is an error at its position.
    public static func decode(_ file: SourceFile) -> (BuildConfiguration?, [Diagnostic]) {
        let root: Node
        switch YAMLLoader.load(file) {
        case .failure(let diagnostic): return (nil, [diagnostic])
        case .success(nil): return (BuildConfiguration(), [])
        case .success(let node?): root = node
        }
        var reader = NodeReader(file: file.path)
        guard let pairs = reader.mapping(root, "the build configuration", allowed: keys) else { return (nil, reader.log.diagnostics) }
        var configuration = BuildConfiguration()
        for pair in pairs {
            let value = pair.value
            switch pair.key {
            case "whitelists": configuration.whitelists = reader.strings(value, "whitelist files or folders")?.map(\.value)
            case "containers": configuration.containers = reader.string(value, "the folder of target definitions")
            case "data": configuration.data = reader.string(value, "the data folder (root filesystems, run workspaces)")
            case "user": configuration.user = reader.string(value, "the user who uploads")
            case "password-file": configuration.passwordFile = reader.string(value, "the file holding the user's password")
            case "token-file": configuration.tokenFile = reader.string(value, "the file holding an API token")
            case "server": configuration.server = reader.string(value, "the index server's URL")
            case "upstream": configuration.upstream = reader.strings(value, "upstream index URLs")?.map(\.value)
            case "crate-registry":
                guard let text = reader.string(value, "the crate registry (sparse+https://… or a folder)") else { continue }
                // A relative folder is taken relative to this file later (`resolved(against:)`): checked as if absolute.
                let checked = text.hasPrefix("sparse+") || text.hasPrefix("/") ? text : "/" + text
                if case .failure(let error) = CrateRegistry.parse(checked) {
                    reader.log.error(reader.location(value), CrateRegistryError(text: text, reason: error.reason).description)
                } else {
                    configuration.crateRegistry = text
                }
            case "cache": configuration.cache = reader.string(value, "the download cache's folder")
            case "pure-index": configuration.pureIndex = reader.string(value, "the pure wheels' index (USER/NAME)")
            case "binary-index": configuration.binaryIndex = reader.string(value, "the binary wheels' index (USER/{target})")
            case "consumer-index": configuration.consumerIndex = reader.string(value, "the consumers' index (USER/{target})")
            case "runner":
                guard let runner = reader.string(value, "the runner") else { continue }
                if runners.contains(runner) {
                    configuration.runner = runner
                } else {
                    reader.log.error(reader.location(value), "the runner must be \(runners.joined(separator: ", ")), found '\(runner)'")
                }
            case "build-requirements":
                guard let text = reader.string(value, "where build requirements come from") else { continue }
                if let source = BuildRequirementsSource(rawValue: text) {
                    configuration.buildRequirements = source
                } else {
                    let choices = BuildRequirementsSource.allCases.map(\.rawValue).joined(separator: " or ")
                    reader.log.error(reader.location(value), "build-requirements must be \(choices), found '\(text)'")
                }
            case "policy": configuration.licensePolicy = decodePolicy(value, reader: &reader)
            case "cooldown":
                guard let text = reader.string(value, "the cooldown (7d)") else { continue }
                configuration.cooldown = Cooldown(parsing: text)
                if configuration.cooldown == nil { reader.log.error(reader.location(value), "the cooldown must be \(Cooldown.expected), found '\(text)'") }
            case "metrics-file": configuration.metricsFile = reader.string(value, "the file for Prometheus' textfile collector")
            case "jobs": configuration.jobs = reader.integer(value, "the builds at once", in: 1...1024)
            case "timeout": configuration.timeout = reader.integer(value, "the time limit of a build step in seconds", in: 1...604_800)
            case "memory": configuration.memory = reader.integer(value, "the memory limit of a build in MiB", in: 1...16_777_216)
            default: configuration.processes = reader.integer(value, "the limit on a build's processes", in: 1...1_000_000)
            }
        }
        return reader.log.hasErrors ? (nil, reader.log.diagnostics) : (configuration, reader.log.diagnostics)
    }

    /// `policy: {licenses: {allow: [ID, …], deny: [ID, …]}}`, each an SPDX license identifier.
    static func decodePolicy(_ node: Node, reader: inout NodeReader) -> LicensePolicy? {
        guard let pairs = reader.mapping(node, "the policy", allowed: ["licenses"]),
              let licenses = pairs.first(where: { $0.key == "licenses" })?.value,
              let lists = reader.mapping(licenses, "the license policy", allowed: ["allow", "deny"]) else { return nil }
        var read: [String: [String]] = [:]
        for pair in lists {
            for (id, item) in reader.strings(pair.value, "SPDX license identifiers") ?? [] {
                if case .license(let parsed, orLater: false)? = try? SPDXExpression(id) {
                    read[pair.key, default: []].append(parsed)
                } else {
                    reader.log.error(reader.location(item), "'\(id)' is not an SPDX license identifier (MIT, Apache-2.0, LicenseRef-Company): the policy lists licenses, not expressions")
                }
            }
        }
        let both = Set((read["allow"] ?? []).map { $0.lowercased() }).intersection((read["deny"] ?? []).map { $0.lowercased() })
        if !both.isEmpty { reader.log.error(reader.location(licenses), "\(both.sorted().joined(separator: ", ")) both allowed and denied: list each once") }
        return LicensePolicy(allow: read["allow"] ?? [], deny: read["deny"] ?? [], location: reader.location(licenses))
    }
}
