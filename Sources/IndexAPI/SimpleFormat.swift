import Foundation
import Synchronization

/// The representations the simple API offers (PEP 503 HTML, PEP 691 JSON).
public enum SimpleFormat: String, CaseIterable, Sendable {
    case json = "application/vnd.pypi.simple.v1+json"
    case html = "application/vnd.pypi.simple.v1+html"
    case legacyHTML = "text/html"

    public var contentType: String { self == .legacyHTML ? "text/html; charset=utf-8" : rawValue }

    /// Answers for the `Accept` headers seen so far: installers send the same few strings on
    /// every request, so each is parsed once.
    private static let remembered = Mutex<[String: SimpleFormat?]>([:])

    /// Content negotiation with q-values (RFC 9110). No `Accept` means HTML; nil means 406.
    public static func negotiate(_ accept: String?) -> SimpleFormat? {
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
