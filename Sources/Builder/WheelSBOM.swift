import Basics
import Foundation
import IndexAPI
import PythonPackaging

/// What a wheel built here is made of, as a CycloneDX 1.6 document for its
/// `.dist-info/sboms/wheelwright.cdx.json` (PEP 770): the sdist it was built from, the target
/// it was built for, every wheel its build environment was installed from, the crates compiled
/// into it, and the runner. Pure: the build's facts in, the document's bytes out. Grafted
/// Debian libraries are auditwheel's to list (`auditwheel.cdx.json` beside it).
struct WheelSBOM: Sendable {
    /// The member's path inside the wheel's `.dist-info`.
    static let member = "sboms/wheelwright.cdx.json"

    struct Source: Sendable {
        let filename, sha256: String
        /// Where it was downloaded from, and the simple index that listed it.
        let url: URL?
        let index: URL?
        let uploadTime: Date?
    }

    struct Target: Sendable {
        let name, architecture, runner: String
        /// As the build environment reported them (`Debian GNU/Linux 12 (bookworm)`, `2.36`, `3.11.2`).
        let os, glibc, python: String?
    }

    /// A wheel the build (or the wheel's repair) installed, and where the index had it from.
    struct InstalledWheel: Sendable {
        enum Origin: String, Sendable {
            case builtHere = "built here"
            case prebuilt = "prebuilt (pinned in the whitelist)"
            case upstream
        }

        enum Role: String, Sendable {
            case buildRequirement = "build requirement"
            case repairTool = "repair tool"
        }

        let filename, sha256: String
        let origin: Origin
        let role: Role
    }

    let wheel: WheelFilename
    let source: Source
    let target: Target
    let installed: [InstalledWheel]
    let crates: [CargoLock.Package]

    /// The document, keys sorted; `serial` and `time` make it this build's.
    func document(serial: UUID, time: Date) throws -> [UInt8] {
        let project = ProjectName.normalize(wheel.distribution)
        let subject = Component(type: "library", bomRef: "wheel", name: project, version: wheel.versionText,
                                purl: Self.pypiPurl(project, wheel.versionText, qualifiers: ["file_name": wheel.description]))
        var components = [Component(
            type: "library", bomRef: "sdist", name: project, version: wheel.versionText, scope: "excluded",
            purl: Self.pypiPurl(project, wheel.versionText, qualifiers: ["file_name": source.filename, "repository_url": source.index?.absoluteString]),
            hashes: [Hash(content: source.sha256)],
            externalReferences: source.url.map { [Reference(type: "distribution", url: $0.absoluteString)] },
            properties: Self.properties([("wheelwright:role", "source"), ("wheelwright:upload-time", source.uploadTime.map(Self.timestamp))])
        )]
        components.append(Component(
            type: "operating-system", bomRef: "target", name: target.os ?? target.name, version: target.glibc.map { "glibc \($0)" },
            properties: Self.properties([("wheelwright:role", "target"), ("wheelwright:target", target.name), ("wheelwright:architecture", target.architecture),
                                         ("wheelwright:glibc", target.glibc), ("wheelwright:runner", target.runner)])
        ))
        if let python = target.python {
            components.append(Component(type: "application", bomRef: "interpreter", name: "cpython", version: python, scope: "excluded",
                                        properties: Self.properties([("wheelwright:role", "interpreter")])))
        }
        for (number, wheel) in installed.enumerated() {
            let parsed = try? WheelFilename(wheel.filename)
            let name = parsed.map { ProjectName.normalize($0.distribution) } ?? wheel.filename
            let version = parsed?.versionText
            components.append(Component(
                type: "library", bomRef: "installed-\(number + 1)", name: name, version: version, scope: "excluded",
                purl: version.map { Self.pypiPurl(name, $0, qualifiers: ["file_name": wheel.filename]) }, hashes: [Hash(content: wheel.sha256)],
                properties: Self.properties([("wheelwright:role", wheel.role.rawValue), ("wheelwright:origin", wheel.origin.rawValue)])
            ))
        }
        for (number, crate) in crates.enumerated() {
            components.append(Component(
                type: "library", bomRef: "crate-\(number + 1)", name: crate.name, version: crate.version, scope: "required",
                purl: "pkg:cargo/\(Self.percentEncoded(crate.name))@\(Self.percentEncoded(crate.version))",
                hashes: crate.checksum.map { [Hash(content: $0)] },
                properties: Self.properties([("wheelwright:role", "vendored crate")])
            ))
        }
        let built = components.filter { $0.bomRef == "sdist" || $0.bomRef.hasPrefix("crate-") }.map(\.bomRef)
        let document = BOM(
            serialNumber: "urn:uuid:\(serial.uuidString.lowercased())",
            metadata: Metadata(timestamp: Self.timestamp(time), tools: Tools(components: [Component(type: "application", bomRef: "wheelwright", name: "wheelwright", version: WheelwrightVersion.current)]),
                               component: subject),
            components: components,
            dependencies: [Dependency(ref: "wheel", dependsOn: built)]
        )
        return Array(try CanonicalJSON.string(document).utf8)
    }

    /// `pkg:pypi/NAME@VERSION?file_name=…&repository_url=…`: the purl spec's PyPI type
    /// (normalized name), qualifiers sorted and percent-encoded.
    static func pypiPurl(_ name: String, _ version: String, qualifiers: [String: String?]) -> String {
        let query = qualifiers.compactMapValues { $0 }.sorted { $0.key < $1.key }.map { "\($0.key)=\(percentEncoded($0.value))" }
        return "pkg:pypi/\(percentEncoded(name))@\(percentEncoded(version))" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// Every byte but unreserved ASCII (letters, digits, `-._~`) as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// `2026-12-07T03:20:00Z`
    static func timestamp(_ date: Date) -> String { date.ISO8601Format() }

    private static func properties(_ pairs: [(String, String?)]) -> [Property] {
        pairs.compactMap { name, value in value.map { Property(name: name, value: $0) } }
    }

    // CycloneDX 1.6's JSON, as much of it as this document uses.

    private struct BOM: Encodable {
        let bomFormat = "CycloneDX"
        let specVersion = "1.6"
        let serialNumber: String
        let version = 1
        let metadata: Metadata
        let components: [Component]
        let dependencies: [Dependency]
    }

    private struct Metadata: Encodable {
        let timestamp: String
        let tools: Tools
        let component: Component
    }

    private struct Tools: Encodable {
        let components: [Component]
    }

    private struct Component: Encodable {
        let type: String
        let bomRef: String
        let name: String
        var version: String? = nil
        var scope: String? = nil
        var purl: String? = nil
        var hashes: [Hash]? = nil
        var externalReferences: [Reference]? = nil
        var properties: [Property]? = nil

        enum CodingKeys: String, CodingKey {
            case type, name, version, scope, purl, hashes, externalReferences, properties
            case bomRef = "bom-ref"
        }
    }

    private struct Hash: Encodable {
        let alg = "SHA-256"
        let content: String
    }

    private struct Reference: Encodable {
        let type: String
        let url: String
    }

    private struct Property: Encodable {
        let name: String
        let value: String
    }

    private struct Dependency: Encodable {
        let ref: String
        let dependsOn: [String]
    }
}
