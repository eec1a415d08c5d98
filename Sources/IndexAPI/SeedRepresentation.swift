/// What `/USER/INDEX/` and `/USER/INDEX/NAME/` (devpi's URLs, the ones people put after
/// `pip install -i`) answer, from `Accept`: installers get the simple API there exactly as under
/// `+simple/`, browsers the pages for people, devpi's client its JSON.
public enum SeedRepresentation: Equatable, Sendable {
    case simple(SimpleFormat)
    case page
    case json

    /// A simple-API type anywhere (pip, uv) → the simple API; `text/html` at full quality with no
    /// simple type (a browser) → the page; `text/html` only at lower quality (an installer of the
    /// legacy API) → simple HTML; otherwise (devpi-client, curl, nothing) → JSON.
    public static func negotiate(_ accept: String?) -> SeedRepresentation {
        guard let accept, accept.utf8.count <= 1024 else { return .json }
        var html: Double?
        var simple = false
        for item in accept.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
            guard let range = parts.first?.lowercased() else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0, quality <= 1 else { continue }
            if range.hasPrefix("application/vnd.pypi.simple.") { simple = true }
            if range == "text/html" { html = max(html ?? 0, quality) }
        }
        if simple, let format = SimpleFormat.negotiate(accept) { return .simple(format) }
        if let html { return html >= 1 ? .page : .simple(.legacyHTML) }
        return .json
    }
}
