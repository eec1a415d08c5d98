import Foundation
import PythonPackaging

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
                let uploadTime: Text?

                enum CodingKeys: String, CodingKey {
                    case filename, url, hashes, yanked, size
                    case uploadTime = "upload-time"
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
        /// A string, or nothing when the value is of another kind (a page's optional field
        /// that does not spoil the page).
        struct Text: Decodable {
            let value: String?
            init(from decoder: any Decoder) throws {
                value = try? decoder.singleValueContainer().decode(String.self)
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
                hasCoreMetadata: file.coreMetadata?.present ?? file.distInfoMetadata?.present ?? false,
                uploadTime: file.uploadTime?.value.flatMap(UploadTime.parse)
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
