import Foundation
import Ink

/// A release's long description (the README in its core metadata) as HTML for its pages:
/// Markdown (`Description-Content-Type: text/markdown`) rendered by Ink and then sanitized;
/// reStructuredText, plain text and anything unnamed (PEP 566's default is reStructuredText)
/// shown escaped, preformatted. Runs in a child process of the server (`wheelwright
/// render-description`), because a Markdown renderer's trap must not end the server.
public enum DescriptionRendering {
    /// The most bytes rendered; a longer description is cut there (and says so).
    public static let maximumBytes = 256 * 1024

    public static func isMarkdown(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        return type == "text/markdown"
    }

    public static func html(_ description: String, contentType: String?) -> String {
        let (text, cut) = bounded(description)
        let note = cut ? "<p><em>The description is cut at \(maximumBytes / 1024) KiB.</em></p>" : ""
        guard isMarkdown(contentType: contentType) else { return preformatted(text) + note }
        return HTMLSanitizer.sanitize(MarkdownParser().html(from: text)) + note
    }

    /// The description as escaped, preformatted text: what every page shows when it is not
    /// Markdown, or when rendering failed.
    public static func preformatted(_ description: String) -> String {
        "<pre>" + HTMLSanitizer.escape(bounded(description).text) + "</pre>"
    }

    /// At most `maximumBytes` of it (a character cut in two becomes U+FFFD).
    static func bounded(_ description: String) -> (text: String, cut: Bool) {
        guard description.utf8.count > maximumBytes else { return (description, false) }
        return (String(decoding: description.utf8.prefix(maximumBytes), as: UTF8.self), true)
    }
}
