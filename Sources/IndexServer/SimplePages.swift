import Foundation
import IndexStore
import Synchronization

/// The representations the simple API offers (PEP 503 HTML, PEP 691 JSON).
enum SimpleFormat: String, CaseIterable {
    case json = "application/vnd.pypi.simple.v1+json"
    case html = "application/vnd.pypi.simple.v1+html"
    case legacyHTML = "text/html"

    var contentType: String { self == .legacyHTML ? "text/html; charset=utf-8" : rawValue }

    /// Answers for the `Accept` headers seen so far: installers send the same few strings on
    /// every request, so each is parsed once.
    private static let remembered = Mutex<[String: SimpleFormat?]>([:])

    /// Content negotiation with q-values (RFC 9110). No `Accept` means HTML; nil means 406.
    static func negotiate(_ accept: String?) -> SimpleFormat? {
        guard let accept else { return .legacyHTML }
        if let known = remembered.withLock({ $0[accept] }) { return known }
        let format = parse(accept)
        remembered.withLock { table in
            if table.count < 256 { table[accept] = format }
        }
        return format
    }

    private static func parse(_ accept: String) -> SimpleFormat? {
        guard !accept.trimmingCharacters(in: " ").isEmpty else { return .legacyHTML }
        var best: (format: SimpleFormat, quality: Double, order: Int)?
        for (order, item) in accept.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
            guard let range = parts.first?.lowercased() else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0 else { continue }
            let formats: [SimpleFormat]
            switch range {
            case "application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json": formats = [.json]
            case "application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html": formats = [.html]
            case "text/html", "text/*": formats = [.legacyHTML]
            case "*/*", "application/*": formats = [.legacyHTML]
            default: formats = []
            }
            for format in formats where best == nil || quality > best!.quality {
                best = (format, quality, order)
            }
        }
        return best?.format
    }
}

/// Renders the simple API pages: pure functions of catalog data.
enum SimplePages {
    static let apiVersion = "1.1"

    static func projectList(_ projects: [String], format: SimpleFormat) -> String {
        switch format {
        case .json:
            // Written by hand: a list of 100,000 names must not go through JSONSerialization.
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

    static func projectPage(_ project: String, files: [StoredFile], format: SimpleFormat) -> String {
        switch format {
        case .json:
            let versions = Array(Set(files.map(\.version))).sorted()
            let entries: [[String: Any]] = files.map { file in
                var entry: [String: Any] = [
                    "filename": file.filename,
                    "url": url(of: file),
                    "hashes": ["sha256": file.sha256],
                    "size": file.size,
                    "upload-time": uploadTime(file.uploadTime),
                    "yanked": file.yanked ? (file.yankReason.map { $0.isEmpty ? true : $0 as Any } ?? true) : false,
                ]
                if let requiresPython = file.requiresPython { entry["requires-python"] = requiresPython }
                // PEP 714: only the new key in JSON. pip 23.0 (Debian 12's) breaks on the old
                // `dist-info-metadata` as a mapping; the HTML attribute keeps both names.
                if let metadata = file.metadataSHA256 { entry["core-metadata"] = ["sha256": metadata] }
                return entry
            }
            return json(["meta": ["api-version": apiVersion], "name": project, "versions": versions, "files": entries])
        case .html, .legacyHTML:
            var html = "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"\(apiVersion)\">\n<title>Links for \(escape(project))</title>\n</head>\n<body>\n<h1>Links for \(escape(project))</h1>\n"
            for file in files {
                var attributes = "href=\"\(escape(url(of: file)))#sha256=\(file.sha256)\""
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

    /// The file's URL, absolute on this host: `/USER/INDEX/+f/ab/cdef…/name.whl`.
    static func url(of file: StoredFile) -> String { "/\(file.index)/\(file.relativeURL)" }

    /// PEP 700: ISO 8601 with microseconds, UTC.
    static func uploadTime(_ seconds: Double) -> String {
        let date = Date(timeIntervalSince1970: seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, c.nanosecond! / 1000)
    }

    static func escape(_ text: String) -> String {
        // Most values (normalized names, hashes) need nothing: check the bytes first.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) {
            return text
        }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A JSON string literal for `text`.
    static func jsonString(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        return json([text]).dropFirst().dropLast().description
    }

    static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
