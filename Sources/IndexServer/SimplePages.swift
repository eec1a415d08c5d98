import Descriptions
import Foundation
import IndexAPI
import IndexStore
import Synchronization

/// Renders the simple API pages: pure functions of catalog data.
enum SimplePages {
    /// 1.4: PEP 792's project status markers (1.1 was PEP 700's sizes, times and versions).
    static let apiVersion = "1.4"

    static func projectList(_ projects: [String], format: SimpleFormat) -> String {
        switch format {
        case .json:
            // Written by hand: a list of 100,000 names goes faster so than through an encoder.
            var text = "{\"meta\":{\"api-version\":\"\(apiVersion)\"},\"projects\":["
            text.reserveCapacity(projects.count * 32)
            for (number, project) in projects.enumerated() {
                text += number > 0 ? ",{\"name\":" : "{\"name\":"
                text += jsonString(project)
                text += "}"
            }
            return text + "]}"
        case .html, .legacyHTML:
            var html = "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"\(apiVersion)\">\n<title>Simple index</title>\n</head>\n<body>\n"
            html.reserveCapacity(projects.count * 48)
            for project in projects {
                let name = escape(project)
                html += "<a href=\""
                html += name
                html += "/\">"
                html += name
                html += "</a>\n"
            }
            return html + "</body>\n</html>\n"
        }
    }

    /// The project's page; file URLs start with `prefix` (the proxy's path prefix, or ""). A
    /// status other than `active` is marked as PEP 792 says (absent means active).
    static func projectPage(_ project: String, files: [StoredFile], status: ProjectStanding, format: SimpleFormat, prefix: String) -> String {
        let marked = status.setting.map { SimpleProjectDocument.Status(status: $0.status, reason: $0.reason) }
        switch format {
        case .json:
            let document = SimpleProjectDocument(
                meta: .init(apiVersion: apiVersion), name: project, projectStatus: marked, versions: Array(Set(files.map(\.version))).sorted(),
                files: files.map { file in
                    SimpleProjectDocument.File(
                        filename: file.filename, url: url(of: file, prefix: prefix), hashes: ["sha256": file.sha256], size: file.size,
                        uploadTime: uploadTime(file.uploadTime), yanked: .init(yanked: file.yanked, reason: file.yankReason),
                        requiresPython: file.requiresPython, coreMetadata: file.metadataSHA256.map { ["sha256": $0] }
                    )
                }
            )
            return json(document)
        case .html, .legacyHTML:
            var html = "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"\(apiVersion)\">\n"
            if let marked {
                html += "<meta name=\"pypi:project-status\" content=\"\(marked.status.rawValue)\">\n"
                if let reason = marked.reason { html += "<meta name=\"pypi:project-status-reason\" content=\"\(escape(reason))\">\n" }
            }
            html += "<title>Links for \(escape(project))</title>\n</head>\n<body>\n<h1>Links for \(escape(project))</h1>\n"
            for file in files {
                var attributes = "href=\"\(escape(url(of: file, prefix: prefix)))#sha256=\(file.sha256)\""
                if let requiresPython = file.requiresPython {
                    attributes += " data-requires-python=\"\(escape(requiresPython))\""
                }
                if file.yanked { attributes += " data-yanked=\"\(escape(file.yankReason ?? ""))\"" }
                if let metadata = file.metadataSHA256 {
                    attributes += " data-core-metadata=\"sha256=\(metadata)\" data-dist-info-metadata=\"sha256=\(metadata)\""
                }
                html += "<a \(attributes)>\(escape(file.filename))</a><br>\n"
            }
            return html + "</body>\n</html>\n"
        }
    }

    /// The file's URL, absolute on this host: `PREFIX/USER/INDEX/+f/ab/cdef…/name.whl`.
    static func url(of file: StoredFile, prefix: String) -> String { "\(prefix)/\(file.index)/\(file.relativeURL)" }

    /// PEP 700: ISO 8601 with microseconds, UTC.
    static func uploadTime(_ seconds: Double) -> String {
        let c = utc(seconds)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, c.nanosecond! / 1000)
    }

    /// The date and time, to the nanosecond, at `seconds` since 1970 in UTC (PEP 700's times, devpi's logs).
    static func utc(_ seconds: Double) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: Date(timeIntervalSince1970: seconds))
    }

    static func escape(_ text: String) -> String { HTMLSanitizer.escape(text) }

    /// A JSON string literal for `text`.
    static func jsonString(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        return json(text)
    }

    /// A document as JSON, keys sorted (equal documents are equal bytes).
    static func json(_ document: some Encodable) -> String {
        (try? CanonicalJSON.string(document)) ?? "{}"
    }
}
