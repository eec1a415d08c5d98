@testable import Descriptions
import Foundation
import Testing

/// Release descriptions as the pages show them: Markdown rendered and sanitized, anything else
/// escaped; hostile HTML in every form a README can carry it.
@Suite("Descriptions")
struct DescriptionsTests {
    @Test("Markdown renders: headings, emphasis, lists, code, tables, links and images kept")
    func markdown() {
        let html = DescriptionRendering.html("""
            # demo

            A *small* **library**. See [the docs](https://demo.example/docs) or [the guide](guide.html).

            - one
            - two

            ```python
            import demo
            print(demo.answer() < 43)
            ```

            ![logo](https://demo.example/logo.png)
            """, contentType: "text/markdown; charset=UTF-8; variant=GFM")
        #expect(html.hasPrefix("<h1>demo</h1>"), "\(html)")
        #expect(html.contains("<em>small</em>") && html.contains("<strong>library</strong>"))
        #expect(html.contains("<a href=\"https://demo.example/docs\" rel=\"nofollow noopener noreferrer\">the docs</a>"), "\(html)")
        #expect(html.contains("<a href=\"guide.html\" rel=\"nofollow noopener noreferrer\">the guide</a>"))
        #expect(html.contains("<li>one</li>") && html.contains("print(demo.answer() &lt; 43)"), "\(html)")
        #expect(html.contains("<img src=\"https://demo.example/logo.png\" alt=\"logo\">"), "\(html)")
        #expect(HTMLSanitizer.unsafeParts(of: html).isEmpty)
    }

    @Test("reStructuredText, plain text and an unnamed type are escaped preformatted text")
    func otherTypes() {
        let rst = "demo\n====\n\n.. raw:: html\n\n   <script>alert(1)</script>\n"
        for type in ["text/x-rst", "text/plain", nil] {
            #expect(DescriptionRendering.html(rst, contentType: type)
                    == "<pre>demo\n====\n\n.. raw:: html\n\n   &lt;script&gt;alert(1)&lt;/script&gt;\n</pre>")
        }
        let long = String(repeating: "é", count: DescriptionRendering.maximumBytes)
        let cut = DescriptionRendering.html(long, contentType: "text/plain")
        #expect(cut.hasSuffix("<p><em>The description is cut at 1024 KiB.</em></p>") && cut.utf8.count < DescriptionRendering.maximumBytes + 200)
    }

    /// Each hostile description, and what must not survive of it.
    static let hostile: [(markdown: String, banned: [String])] = [
        ("<script>alert(document.cookie)</script>", ["<script"]),
        ("Hello <img src=x onerror=alert(1)>", ["onerror"]),
        ("<img src=\"javascript:alert(1)\">", ["javascript:"]),
        ("[click](javascript:alert(1))", ["javascript:"]),
        ("[click](JaVaScRiPt:alert(1))", ["javascript:", "JaVaScRiPt:"]),
        ("<a href=\"jav&#x09;ascript:alert(1)\">x</a>", ["ascript:alert"]),
        ("<a href=\"&#106;avascript:alert(1)\">x</a>", ["#106;avascript", "avascript:alert"]),
        ("<a href=\" javascript:alert(1)\">x</a>", ["javascript:"]),
        ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", ["data:text/html"]),
        ("<a href=\"vbscript:msgbox(1)\">x</a>", ["vbscript:"]),
        ("<div onmouseover=\"alert(1)\" style=\"position:fixed;inset:0\">x</div>", ["onmouseover", "style="]),
        ("<iframe src=\"https://evil.example\"></iframe>", ["<iframe"]),
        ("<svg onload=alert(1)><circle/></svg>", ["<svg", "<circle"]),
        ("<style>body{display:none}</style>", ["<style"]),
        ("<form action=https://evil.example><input name=password></form>", ["<form", "<input"]),
        ("<base href=\"https://evil.example/\">", ["<base"]),
        ("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">", ["<meta"]),
        ("<object data=x.swf></object><embed src=x.swf>", ["<object", "<embed"]),
        ("<a href=x title='\"><script>alert(1)</script>'>y</a>", ["<script"]),
        ("<p <script>alert(1)</script>>", ["<script"]),
        ("<!--<script>alert(1)</script>-->", ["<script", "<!--"]),
        ("<scr<script>ipt>alert(1)</script>", ["<script", "<scr"]),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ["onerror", "<style", "<math"]),
        ("<img src=x:alert(alt) onerror=eval(src) alt=0>", ["onerror"]),
        ("<a/href=\"javascript:alert(1)\">x</a>", ["javascript:alert(1)\">"]),
        (String(repeating: "<div>", count: 5000) + "deep", []),
        ("<table><tr><td>never closed", []),
    ]

    @Test("hostile descriptions: no script, style, frame, form, event handler or javascript: link survives", arguments: 0..<hostile.count)
    func hostileDescriptions(_ number: Int) {
        let (markdown, banned) = Self.hostile[number]
        let html = DescriptionRendering.html(markdown, contentType: "text/markdown")
        #expect(HTMLSanitizer.unsafeParts(of: html).isEmpty, "\(html)")
        for text in banned { #expect(!html.contains(text), "\(text) in \(html)") }
        #expect(HTMLSanitizer.sanitize(html) == html, "a second pass changes it: \(html)")
        // Every tag opened is closed: the rest of the page keeps its layout.
        #expect(html.components(separatedBy: "<div").count == html.components(separatedBy: "</div>").count, "\(html.prefix(300))")
        #expect(html.components(separatedBy: "<table").count == html.components(separatedBy: "</table>").count)
    }

    @Test("the sanitizer keeps allowed tags with checked attributes, shows the rest as text, and keeps character references")
    func sanitizer() {
        #expect(HTMLSanitizer.sanitize("<P ALIGN=x>a &amp; b &copy; c & d</p>") == "<p>a &amp; b &copy; c &amp; d</p>")
        #expect(HTMLSanitizer.sanitize("<ol start=\"3\" type=i><li>x</ol>") == "<ol start=\"3\"><li>x</li></ol>")
        #expect(HTMLSanitizer.sanitize("<td align=center width=9>") == "<td align=\"center\"></td>")
        #expect(HTMLSanitizer.sanitize("<a href=\"mailto:a@b.c\">m</a>") == "<a href=\"mailto:a@b.c\" rel=\"nofollow noopener noreferrer\">m</a>")
        #expect(HTMLSanitizer.sanitize("<img src=\"mailto:a@b.c\">") == "<img>")
        #expect(HTMLSanitizer.sanitize("</b>text<b>") == "text<b></b>")
        #expect(HTMLSanitizer.sanitize("a < b > c") == "a &lt; b &gt; c")
        #expect(HTMLSanitizer.sanitize("<a href=\"/x?a=1&b=2\">") == "<a href=\"/x?a=1&amp;b=2\" rel=\"nofollow noopener noreferrer\"></a>")
        #expect(HTMLSanitizer.sanitize("x\u{0}y") == "x\u{FFFD}y")
    }

    /// The inputs that held Ink's child for its whole CPU limit or took it to 900 MB (issue 28),
    /// and inputs of 10 MB: cut to what metadata allows, rendered by cmark-gfm and sanitized.
    static let heavy: [(name: String, markdown: String)] = [
        ("link openers", String(repeating: "[a](", count: 60_000)),
        ("tag openers", String(repeating: "<a ", count: 80_000)),
        ("reference links", (0..<4_000).map { "[\($0)]: https://demo.example/\($0)\n" }.joined() + (0..<4_000).map { "[\($0)] " }.joined()),
        ("10 MB of prose", String(repeating: "Words and *more* words, [a link](https://demo.example/).\n\n", count: 180_000)),
        ("10 MB of nesting", String(repeating: "> - ", count: 2_600_000)),
        ("10 MB of tags", String(repeating: "<div><span>", count: 950_000)),
    ]

    @Test("a link just within the tag limit stays a tag after rel and escaping lengthen it: its href is left out, and a second pass changes nothing")
    func longestTag() {
        let input = "<a href=\"https://e/" + String(repeating: "x", count: 4070) + "\">t</a>"
        let clean = HTMLSanitizer.sanitize(input)
        #expect(clean == "<a rel=\"nofollow noopener noreferrer\">t</a>", "\(clean.prefix(80))")
        #expect(HTMLSanitizer.sanitize(clean) == clean && HTMLSanitizer.unsafeParts(of: clean).isEmpty)
        // The fuzzer's input: an autolink whose percent-encoded replacement characters make cmark's tag 4,115 bytes.
        let markdown = "[ref]: https://example" + String(repeating: "\u{FFFD}", count: 450) + "\n"
        let html = DescriptionRendering.html(markdown, contentType: "text/markdown")
        #expect(HTMLSanitizer.unsafeParts(of: html).isEmpty && HTMLSanitizer.sanitize(html) == html, "\(html.prefix(80))")
    }

    @Test("the worst inputs seen render, cut at 1 MiB, and come out safe", arguments: 0..<heavy.count)
    func heavyInputs(_ number: Int) {
        let (name, markdown) = Self.heavy[number]
        let html = DescriptionRendering.html(markdown, contentType: "text/markdown")
        #expect(!html.isEmpty && HTMLSanitizer.unsafeParts(of: html).isEmpty, "\(name)")
        #expect(html.hasSuffix("cut at 1024 KiB.</em></p>") == (markdown.utf8.count > DescriptionRendering.maximumBytes), "\(name)")
    }
}
