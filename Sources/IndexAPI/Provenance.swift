import Foundation

/// What a builder says about how a wheel was made, as it travels with an upload (the form
/// field `provenance`) and as the index shows it. A client's document is only accepted through
/// ``init(validating:)``: every key known, every value of its type and within its size. What
/// the server derives itself (the build log's digest and size, the uploader, the time) is not
/// part of it and cannot be sent.
public struct Provenance: Sendable, Codable, Hashable {
    /// A shared library a binary wheel needs from outside its manylinux policy, as the build
    /// environment had it: grafted into the wheel (`repair: graft`) or to be installed by the
    /// consumer (`repair: system`). With the package's license, the start of a per-wheel SBOM.
    public struct Library: Sendable, Codable, Hashable {
        public var soname: String
        public var package: String?
        public var version: String?
        public var license: String?

        public init(soname: String, package: String?, version: String?, license: String?) {
            (self.soname, self.package, self.version, self.license) = (soname, package, version, license)
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case soname, package, version, license }

        /// `libyaml-0.so.2 (libyaml-0-2 0.2.5-1, MIT)`
        public var summary: String {
            let about = [package.map { [$0, version].compactMap { $0 }.joined(separator: " ") }, license].compactMap { $0 }
            return about.isEmpty ? soname : "\(soname) (\(about.joined(separator: ", ")))"
        }
    }

    public var target: String
    public var os: String?
    public var python: String
    public var pythonFull: String?
    public var glibc: String?
    public var compiler: String?
    public var runner: String
    public var sdist: String
    public var sdistSHA256: String
    public var seconds: Double
    public var builder: String
    public var builtAt: String
    public var platformTag: String
    /// Why a binary wheel stayed `linux_<arch>`.
    public var auditReason: String?
    /// `graft` (libraries copied into the wheel) or `system` (the consumer installs them); nil
    /// where nothing needed repair.
    public var repair: RepairMode?
    public var libraries: [Library]?
    /// The whitelist entry that brought the package: who asked for it, and why.
    public var requestedBy: String?
    public var requestReason: String?
    /// The SHA-256 of the CycloneDX SBOM the builder put in the wheel (PEP 770:
    /// `.dist-info/sboms/wheelwright.cdx.json`); nil for a wheel without one.
    public var sbomSHA256: String?

    public init(
        target: String, os: String?, python: String, pythonFull: String?, glibc: String?, compiler: String?,
        runner: String, sdist: String, sdistSHA256: String, seconds: Double, builder: String, builtAt: String,
        platformTag: String, auditReason: String?, repair: RepairMode? = nil, libraries: [Library]? = nil,
        requestedBy: String? = nil, requestReason: String? = nil, sbomSHA256: String? = nil
    ) {
        self.sbomSHA256 = sbomSHA256
        self.requestedBy = requestedBy
        self.requestReason = requestReason
        self.target = target
        self.os = os
        self.python = python
        self.pythonFull = pythonFull
        self.glibc = glibc
        self.compiler = compiler
        self.runner = runner
        self.sdist = sdist
        self.sdistSHA256 = sdistSHA256
        self.seconds = seconds
        self.builder = builder
        self.builtAt = builtAt
        self.platformTag = platformTag
        self.auditReason = auditReason
        self.repair = repair
        self.libraries = libraries
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case target, os, python, pythonFull = "python_full", glibc, compiler, runner, sdist, sdistSHA256 = "sdist_sha256",
             seconds, builder, builtAt = "built_at", platformTag = "platform_tag", auditReason = "audit_reason",
             repair, libraries, requestedBy = "requested_by", requestReason = "request_reason", sbomSHA256 = "sbom_sha256"
    }

    /// `text` as a value the schema accepts: control characters (a multi-line YAML reason's
    /// newlines) as spaces, cut to `maximumValueLength` bytes at a character's end.
    public static func value(_ text: String?) -> String? {
        guard let text else { return nil }
        var line = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 && $0 != "\t" ? " " : $0 }))
        while line.utf8.count > maximumValueLength { line.removeLast() }
        return line
    }

    /// The most libraries one wheel's provenance lists.
    public static let maximumLibraries = 64

    /// Keys the server sets from what it saw; a client that sends one is refused.
    public static let serverDerivedKeys: Set<String> = ["log_sha256", "log_size", "uploader", "upload_time"]
    /// The longest text value accepted (an audit reason is the longest in practice, ~200 bytes).
    public static let maximumValueLength = 1024
    /// The largest document accepted.
    public static let maximumDocumentSize = 16 * 1024

    /// Decodes a client's document against the schema; the error names the offending key.
    public init(validating document: String) throws(SchemaError) {
        guard document.utf8.count <= Self.maximumDocumentSize else {
            throw SchemaError(field: "provenance", "is \(document.utf8.count) bytes; at most \(Self.maximumDocumentSize) are accepted")
        }
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(document.utf8)) else {
            throw SchemaError(field: "provenance", "is not a JSON object")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        for key in object.keys.sorted() where !known.contains(key) {
            if Self.serverDerivedKeys.contains(key) {
                throw SchemaError(field: "provenance.\(key)", "is set by the server from what it stores; do not send it")
            }
            throw SchemaError(field: "provenance.\(key)", "is not a provenance key (known: \(known.sorted().joined(separator: ", ")))")
        }
        func text(_ key: CodingKeys, required: Bool = true) throws(SchemaError) -> String? {
            let string: String
            switch object[key.rawValue] {
            case nil, .null?:
                if required { throw SchemaError(field: "provenance.\(key.rawValue)", "is missing") }
                return nil
            case .string(let text)?:
                string = text
            default:
                throw SchemaError(field: "provenance.\(key.rawValue)", "must be a string")
            }
            guard string.utf8.count <= Self.maximumValueLength else {
                throw SchemaError(field: "provenance.\(key.rawValue)", "is longer than \(Self.maximumValueLength) bytes")
            }
            guard !string.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" }) else {
                throw SchemaError(field: "provenance.\(key.rawValue)", "contains control characters")
            }
            return string
        }
        let target = try text(.target)!, os = try text(.os, required: false), python = try text(.python)!
        let pythonFull = try text(.pythonFull, required: false), glibc = try text(.glibc, required: false)
        let compiler = try text(.compiler, required: false), runner = try text(.runner)!, sdist = try text(.sdist)!
        func digest(_ key: CodingKeys, required: Bool = true) throws(SchemaError) -> String? {
            guard let hex = try text(key, required: required) else { return nil }
            guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw SchemaError(field: "provenance.\(key.rawValue)", "must be 64 lower-case hex digits")
            }
            return hex
        }
        let sha256 = try digest(.sdistSHA256)!
        guard case .number(let seconds)? = object[CodingKeys.seconds.rawValue], seconds.isFinite, (0...1e7).contains(seconds) else {
            throw SchemaError(field: "provenance.seconds", "must be a number of seconds between 0 and 10,000,000")
        }
        let repairText = try text(.repair, required: false)
        let repair = repairText.flatMap(RepairMode.init(rawValue:))
        if repairText != nil, repair == nil {
            throw SchemaError(field: "provenance.repair", "must be \"graft\" or \"system\"")
        }
        self.init(
            target: target, os: os, python: python, pythonFull: pythonFull, glibc: glibc, compiler: compiler, runner: runner,
            sdist: sdist, sdistSHA256: sha256, seconds: seconds, builder: try text(.builder)!,
            builtAt: try text(.builtAt)!, platformTag: try text(.platformTag)!, auditReason: try text(.auditReason, required: false),
            repair: repair, libraries: try Self.libraries(object[CodingKeys.libraries.rawValue]),
            requestedBy: try text(.requestedBy, required: false), requestReason: try text(.requestReason, required: false),
            sbomSHA256: try digest(.sbomSHA256, required: false)
        )
    }

    /// `libraries`: at most `maximumLibraries` objects of known string keys, `soname` required.
    private static func libraries(_ value: JSONValue?) throws(SchemaError) -> [Library]? {
        let field = "provenance.libraries"
        switch value {
        case nil, .null?: return nil
        case .list(let items)?:
            guard items.count <= maximumLibraries else { throw SchemaError(field: field, "lists more than \(maximumLibraries) libraries") }
            var libraries: [Library] = []
            for (position, item) in items.enumerated() {
                guard case .object(let fields) = item else { throw SchemaError(field: "\(field)[\(position)]", "must be an object") }
                var strings: [String: String] = [:]
                for (key, value) in fields {
                    guard Library.CodingKeys(rawValue: key) != nil else {
                        throw SchemaError(field: "\(field)[\(position)].\(key)", "is not a library key (known: license, package, soname, version)")
                    }
                    guard case .string(let text) = value, text.utf8.count <= maximumValueLength,
                          !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                        throw SchemaError(field: "\(field)[\(position)].\(key)", "must be a line of at most \(maximumValueLength) bytes")
                    }
                    strings[key] = text
                }
                guard let soname = strings["soname"], !soname.isEmpty else { throw SchemaError(field: "\(field)[\(position)].soname", "is missing") }
                libraries.append(Library(soname: soname, package: strings["package"], version: strings["version"], license: strings["license"]))
            }
            return libraries
        default:
            throw SchemaError(field: field, "must be a list")
        }
    }

    /// The document as stored and sent: sorted keys, so equal provenance gives equal bytes.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The fields as (key, value) pairs in key order, for pages.
    public var fields: [(key: String, value: String)] {
        let values: [CodingKeys: String?] = [
            .target: target, .os: os, .python: python, .pythonFull: pythonFull, .glibc: glibc, .compiler: compiler,
            .runner: runner, .sdist: sdist, .sdistSHA256: sdistSHA256,
            .seconds: String(format: "%.1f", seconds) + " s, the build step alone (the run page and the log time the whole item: wheelhouse, build, repair, checks, upload)",
            .builder: builder, .builtAt: builtAt, .platformTag: platformTag, .auditReason: auditReason, .repair: repair?.rawValue,
            .libraries: libraries.map { $0.map(\.summary).joined(separator: "; ") },
            .requestedBy: requestedBy, .requestReason: requestReason, .sbomSHA256: sbomSHA256,
        ]
        return values.compactMap { key, value in value.map { (key.rawValue, $0) } }.sorted { $0.key < $1.key }
    }
}
