import Foundation
import PythonPackaging

/// One file a simple-API project page lists.
public struct RemoteFile: Sendable, Equatable {
    public let filename: String
    /// Absolute URL of the file.
    public let url: URL
    public let sha256: String?
    public let requiresPython: String?
    /// nil when not yanked; the reason (possibly empty) when yanked.
    public let yankReason: String?
    public let size: Int?
    /// Whether the index serves `<url>.metadata` (PEP 658/714).
    public let hasCoreMetadata: Bool

    public var isYanked: Bool { yankReason != nil }
}

/// A project page, from either representation.
public struct ProjectPage: Sendable {
    public let name: String
    public let files: [RemoteFile]

    /// Reads PEP 691 JSON.
    static func json(_ data: Data, pageURL: URL) throws(UpstreamError) -> ProjectPage {
        struct Page: Decodable {
            struct File: Decodable {
                let filename: String
                let url: String
                let hashes: [String: String]?
                let requiresPython: String?
                let yanked: Yanked?
                let size: Int?
                let coreMetadata: Flag?
                let distInfoMetadata: Flag?

                enum CodingKeys: String, CodingKey {
                    case filename, url, hashes, yanked, size
                    case requiresPython = "requires-python"
                    case coreMetadata = "core-metadata"
                    case distInfoMetadata = "dist-info-metadata"
                }
            }
            let name: String
            let files: [File]
        }
        /// `true`, `false` or a mapping of hashes.
        struct Flag: Decodable {
            let present: Bool
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                present = (try? container.decode(Bool.self)) ?? ((try? container.decode([String: String].self)) != nil)
            }
        }
        /// `false`, `true` or a reason.
        struct Yanked: Decodable {
            let reason: String?
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let flag = try? container.decode(Bool.self) {
                    reason = flag ? "" : nil
                } else {
                    reason = try container.decode(String.self)
                }
            }
        }
        let page: Page
        do {
            page = try JSONDecoder().decode(Page.self, from: data)
        } catch {
            throw .malformedPage(pageURL.absoluteString, reason: "not PEP 691 JSON: \(error)")
        }
        let files = page.files.compactMap { file -> RemoteFile? in
            guard let url = URL(string: file.url, relativeTo: pageURL)?.absoluteURL else { return nil }
            return RemoteFile(
                filename: file.filename, url: url, sha256: file.hashes?["sha256"], requiresPython: file.requiresPython,
                yankReason: file.yanked?.reason, size: file.size,
                hasCoreMetadata: file.coreMetadata?.present ?? file.distInfoMetadata?.present ?? false
            )
        }
        return ProjectPage(name: page.name, files: files)
    }

    /// Reads PEP 503 HTML: every `<a>` with its `href` (hash in the fragment) and data attributes.
    static func html(_ text: String, name: String, pageURL: URL) -> ProjectPage {
        var files: [RemoteFile] = []
        var rest = text[...]
        while let open = rest.range(of: "<a ", options: .caseInsensitive) {
            guard let close = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let attributes = HTMLAttributes.parse(rest[open.upperBound..<close])
            let textEnd = rest[close...].range(of: "</a>", options: .caseInsensitive)?.lowerBound ?? rest.endIndex
            let anchorText = HTMLAttributes.unescape(String(rest[rest.index(after: close)..<textEnd])).trimmingCharacters(in: .whitespacesAndNewlines)
            rest = rest[textEnd...]
            guard let href = attributes["href"], var components = URLComponents(string: href) else { continue }
            let fragment = components.fragment
            components.fragment = nil
            guard let url = components.url(relativeTo: pageURL)?.absoluteURL else { continue }
            let filename = anchorText.isEmpty ? url.lastPathComponent : anchorText
            var sha256: String?
            if let fragment, fragment.hasPrefix("sha256=") { sha256 = String(fragment.dropFirst("sha256=".count)) }
            files.append(RemoteFile(
                filename: filename, url: url, sha256: sha256, requiresPython: attributes["data-requires-python"],
                yankReason: attributes["data-yanked"], size: nil,
                hasCoreMetadata: attributes["data-core-metadata"] ?? attributes["data-dist-info-metadata"] != nil
            ))
        }
        return ProjectPage(name: name, files: files)
    }
}

/// The attributes of an HTML start tag, values unescaped.
enum HTMLAttributes {
    static func parse(_ tag: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var index = tag.startIndex
        func skipSpaces() { while index < tag.endIndex, tag[index].isWhitespace { index = tag.index(after: index) } }
        while index < tag.endIndex {
            skipSpaces()
            let nameStart = index
            while index < tag.endIndex, !tag[index].isWhitespace, tag[index] != "=", tag[index] != "/" { index = tag.index(after: index) }
            let name = tag[nameStart..<index].lowercased()
            if name.isEmpty {
                if index < tag.endIndex { index = tag.index(after: index) }
                continue
            }
            skipSpaces()
            guard index < tag.endIndex, tag[index] == "=" else {
                result[name] = ""
                continue
            }
            index = tag.index(after: index)
            skipSpaces()
            var value = ""
            if index < tag.endIndex, tag[index] == "\"" || tag[index] == "'" {
                let quote = tag[index]
                index = tag.index(after: index)
                let valueStart = index
                while index < tag.endIndex, tag[index] != quote { index = tag.index(after: index) }
                value = String(tag[valueStart..<index])
                if index < tag.endIndex { index = tag.index(after: index) }
            } else {
                let valueStart = index
                while index < tag.endIndex, !tag[index].isWhitespace { index = tag.index(after: index) }
                value = String(tag[valueStart..<index])
            }
            result[name] = unescape(value)
        }
        return result
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&")] {
            result = result.replacingOccurrences(of: entity, with: character)
        }
        return result
    }
}
