import Foundation

/// A release's long description (the README in its core metadata) as HTML for its pages:
/// Markdown (`Description-Content-Type: text/markdown`) rendered by cmark-gfm and then
/// sanitized; reStructuredText, plain text and anything unnamed (PEP 566's default is
/// reStructuredText) shown escaped, preformatted. Markdown is rendered in a child process of
/// the server (`wheelwright render-description`): a renderer's slow case must not hold the server.
public enum DescriptionRendering {
    /// The most bytes rendered, what core metadata allows a description; a longer one is cut
    /// there (and says so).
    public static let maximumBytes = 1 << 20

    public static func isMarkdown(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        return type == "text/markdown"
    }

    public static func html(_ description: String, contentType: String?) -> String {
        let (text, cut) = bounded(description)
        let note = cut ? "<p><em>The description is cut at \(maximumBytes / 1024) KiB.</em></p>" : ""
        guard isMarkdown(contentType: contentType) else { return preformatted(text) + note }
        return HTMLSanitizer.sanitize(Markdown.html(text)) + note
    }

    /// The description as escaped, preformatted text: what every page shows when it is not
    /// Markdown, or when rendering failed.
    public static func preformatted(_ description: String) -> String {
        "<pre>" + HTMLSanitizer.escape(bounded(description).text) + "</pre>"
    }

    /// At most `maximumBytes` of it (a character cut in two becomes U+FFFD).
    public static func bounded(_ description: String) -> (text: String, cut: Bool) {
        guard description.utf8.count > maximumBytes else { return (description, false) }
        return (String(decoding: description.utf8.prefix(maximumBytes), as: UTF8.self), true)
    }
}
