import IndexAPI
import PythonPackaging
import YAMLFiles
import Yams

/// A target OS that wheels are built for, as `containers/<name>/target.yaml` defines it.
public struct TargetDefinition: Sendable, Hashable {
    public struct Interpreter: Sendable, Hashable {
        /// `3.11`
        public let version: String
        /// The interpreter's path inside the root filesystem (for a relocatable one, inside the
        /// folder it is mounted at).
        public let executable: String
        /// A relocatable CPython build on the build host (python-build-standalone's
        /// `install_only` layout: `bin/python3.X`, `lib/python3.X`, `include/`), mounted read-only
        /// at `relocatableMount` in every build of this interpreter; nil for the OS's own.
        public let home: String?

        public init(version: String, executable: String) {
            (self.version, self.executable, self.home) = (version, executable, nil)
        }

        /// A relocatable interpreter kept at `home` on the build host.
        public init(version: String, home: String) {
            (self.version, self.home) = (version, home)
            executable = "\(Self.relocatableMount)/bin/python\(version)"
        }

        /// Where builds see a relocatable interpreter's `home`.
        public static let relocatableMount = "/wheelwright/python"

        /// The interpreter's path on the build host, for a relocatable one.
        public var hostExecutable: String? { home.map { "\($0)/bin/python\(version)" } }
    }

    /// How the runner makes the root filesystem.
    public struct RootfsRecipe: Sendable, Hashable {
        public let tool: String
        public let suite: String
        public let variant: String
        public let mirror: String
    }

    public let name: String
    public let osID: String
    public let osVersion: String
    public let codename: String
    /// The glibc the OS ships: the ceiling of the manylinux tags its wheels can claim.
    public let glibc: SymbolVersion
    public let architecture: String
    public let interpreters: [Interpreter]
    public let basePackages: [String]
    /// The Debian packages that give this target `rustc` and `cargo`, installed on top of the
    /// base packages (and the entry's) for every sdist that holds a Rust crate.
    public let rustPackages: [String]
    public let rootfs: RootfsRecipe
    /// The default `repair:` of the entries built for this target (nil: graft).
    public let repair: RepairMode?

    public var pythonVersions: [String] { interpreters.map(\.version) }

    static let keys = ["name", "os", "glibc", "architecture", "pythons", "base-packages", "rust-packages", "rootfs", "repair"]

    /// Decodes `target.yaml`; `folder` is the name of the folder it sits in, which `name` must equal.
    public static func decode(_ file: SourceFile, folder: String) -> (TargetDefinition?, [Diagnostic]) {
        let root: Node
        switch YAMLLoader.load(file) {
        case .failure(let diagnostic): return (nil, [diagnostic])
        case .success(nil):
            return (nil, [.error(at: SourceLocation(file: file.path, line: 1, column: 1), "the target definition is empty")])
        case .success(let node?): root = node
        }
        var reader = NodeReader(file: file.path)
        guard let pairs = reader.mapping(root, "a target definition", allowed: keys) else {
            return (nil, reader.log.diagnostics)
        }
        var fields: [String: Node] = [:]
        for pair in pairs { fields[pair.key] = pair.value }
        func require(_ key: String) -> Node? {
            if let node = fields[key] { return node }
            reader.log.error(reader.location(root), "the target definition needs '\(key)'")
            return nil
        }

        let name = require("name").flatMap { reader.string($0, "the target name") }
        if let name, name != folder, let node = fields["name"] {
            reader.log.error(reader.location(node), "the target is named '\(name)' but its folder is '\(folder)': they must be equal")
        }
        var osID: String?, osVersion: String?, codename: String?
        if let os = require("os"), let osPairs = reader.mapping(os, "the OS identity", allowed: ["id", "version", "codename"]) {
            for pair in osPairs {
                switch pair.key {
                case "id": osID = reader.string(pair.value, "the OS id (debian)")
                case "version": osVersion = reader.string(pair.value, "the OS version (12)")
                default: codename = reader.string(pair.value, "the OS codename (bookworm)")
                }
            }
            if osID == nil || osVersion == nil || codename == nil {
                reader.log.error(reader.location(os), "the OS identity needs id, version and codename")
            }
        }
        var glibc: SymbolVersion?
        if let node = require("glibc"), let text = reader.string(node, "the glibc version (2.36)") {
            glibc = SymbolVersion(text)
            if glibc == nil { reader.log.error(reader.location(node), "expected a glibc version like 2.36, found '\(text)'") }
        }
        let architecture = require("architecture").flatMap { reader.string($0, "the architecture (x86_64)") }
        var interpreters: [Interpreter] = []
        if let node = require("pythons") {
            if case .sequence(let items) = node, !items.isEmpty {
                for item in items {
                    guard let itemPairs = reader.mapping(item, "an interpreter", allowed: ["version", "executable", "home"]) else { continue }
                    let values = Dictionary(itemPairs.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                    guard let versionNode = values["version"], (values["executable"] == nil) != (values["home"] == nil) else {
                        reader.log.error(reader.location(item), "an interpreter needs 'version' and one of 'executable' (inside the rootfs) or 'home' (a relocatable CPython build on the build host)")
                        continue
                    }
                    guard let version = reader.string(versionNode, "the Python version (3.11)") else { continue }
                    if !PythonVersionSyntax.isValid(version) {
                        reader.log.error(reader.location(versionNode), "expected a Python version like 3.11, found '\(version)'")
                    }
                    if interpreters.contains(where: { $0.version == version }) {
                        reader.log.error(reader.location(versionNode), "Python \(version) is listed twice: a target has one interpreter per version")
                    }
                    if let homeNode = values["home"] {
                        guard let home = reader.string(homeNode, "the folder of a relocatable CPython build") else { continue }
                        guard home.hasPrefix("/"), !home.split(separator: "/").contains(".."), !home.contains("\0") else {
                            reader.log.error(reader.location(homeNode), "'home' must be an absolute folder on the build host without '..', found '\(home)'")
                            continue
                        }
                        interpreters.append(Interpreter(version: version, home: home))
                    } else if let executableNode = values["executable"], let executable = reader.string(executableNode, "the interpreter's path") {
                        interpreters.append(Interpreter(version: version, executable: executable))
                    }
                }
            } else {
                reader.log.error(reader.location(node), "expected a list of interpreters (- version: \"3.11\"), found \(NodeReader.describe(node))")
            }
        }
        let basePackages = require("base-packages").flatMap { reader.strings($0, "Debian packages") }?.map(\.value) ?? []
        let rustPackages = fields["rust-packages"].flatMap { reader.strings($0, "the Debian packages of rustc and cargo") }?.map(\.value) ?? []
        var rootfs: RootfsRecipe?
        if let node = require("rootfs"),
           let recipePairs = reader.mapping(node, "the rootfs recipe", allowed: ["tool", "suite", "variant", "mirror"]) {
            let values = Dictionary(recipePairs.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            let strings = ["tool", "suite", "variant", "mirror"].map { key in
                values[key].flatMap { reader.string($0, "the rootfs \(key)") }
            }
            if strings.contains(where: { $0 == nil }) {
                reader.log.error(reader.location(node), "the rootfs recipe needs tool, suite, variant and mirror")
            } else {
                rootfs = RootfsRecipe(tool: strings[0]!, suite: strings[1]!, variant: strings[2]!, mirror: strings[3]!)
            }
        }
        var repair: RepairMode?
        if let node = fields["repair"], let text = reader.string(node, "graft or system") {
            repair = RepairMode(rawValue: text)
            if repair == nil { reader.log.error(reader.location(node), "repair must be 'graft' or 'system', found '\(text)'") }
        }
        guard !reader.log.hasErrors, let name, let osID, let osVersion, let codename, let glibc,
              let architecture, let rootfs else {
            return (nil, reader.log.diagnostics)
        }
        return (TargetDefinition(
            name: name, osID: osID, osVersion: osVersion, codename: codename, glibc: glibc,
            architecture: architecture, interpreters: interpreters, basePackages: basePackages, rustPackages: rustPackages,
            rootfs: rootfs, repair: repair
        ), reader.log.diagnostics)
    }
}

/// `3.11`: a major and a minor number, the way whitelists and targets name interpreters.
package enum PythonVersionSyntax {
    package static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0) != nil }
    }
}
