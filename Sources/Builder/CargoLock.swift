import Foundation

/// The packages a Cargo.lock pins: what `cargo vendor` must have fetched, and the SHA-256 of each
/// registry package's `.crate` file. Read with a line parser of the two shapes cargo writes
/// (`[[package]]` tables with a `checksum` key, and the old `[metadata]` table of
/// `"checksum NAME VERSION (SOURCE)" = "…"` lines); the bytes come from an sdist, so nothing in
/// them is trusted beyond being compared with what was vendored.
public struct CargoLock: Sendable, Equatable {
    public struct Package: Sendable, Equatable {
        public let name: String
        public let version: String
        /// `registry+…` or `sparse+…` for a crate fetched from a registry; nil for a path crate.
        public let source: String?
        /// Lower-case hex SHA-256 of the `.crate` file.
        public let checksum: String?

        /// Whether `cargo vendor` fetches this package from a registry (path crates stay in the tree).
        public var isFromRegistry: Bool {
            source.map { $0.hasPrefix("registry+") || $0.hasPrefix("sparse+") } ?? false
        }
    }

    public let packages: [Package]

    /// The registry packages' checksums: exactly the `package` sums of the vendored crates.
    public var registryChecksums: Set<String> {
        Set(packages.filter(\.isFromRegistry).compactMap(\.checksum))
    }

    public init(text: String) {
        var packages: [Package] = []
        var table = ""
        var fields: [String: String] = [:]
        var metadataSums: [String: String] = [:]
        func close() {
            if table == "[[package]]", let name = fields["name"], let version = fields["version"] {
                packages.append(Package(name: name, version: version, source: fields["source"], checksum: fields["checksum"]))
            }
            fields = [:]
        }
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") && !line.hasPrefix("[\"") {
                close()
                table = line
                continue
            }
            guard let (key, value) = Self.keyValue(line) else { continue }
            if table == "[metadata]", key.hasPrefix("checksum ") {
                metadataSums[String(key.dropFirst("checksum ".count))] = value
            } else if table == "[[package]]" {
                fields[key] = value
            }
        }
        close()
        self.packages = packages.map { package in
            guard package.checksum == nil, let source = package.source,
                  let sum = metadataSums["\(package.name) \(package.version) (\(source))"] else { return package }
            return Package(name: package.name, version: package.version, source: source, checksum: sum)
        }
    }

    /// `key = "value"` (the key bare or quoted), else nil: arrays, comments and other shapes.
    private static func keyValue(_ line: String) -> (String, String)? {
        guard let equals = line.range(of: " = ") else { return nil }
        var key = line[..<equals.lowerBound].trimmingCharacters(in: .whitespaces)
        let value = line[equals.upperBound...].trimmingCharacters(in: .whitespaces)
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return nil }
        if key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = String(key.dropFirst().dropLast()) }
        return (key, String(value.dropFirst().dropLast()))
    }
}
