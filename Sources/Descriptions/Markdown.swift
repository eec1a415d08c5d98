import CMarkGFM

/// GitHub-flavoured Markdown to HTML with cmark-gfm (Debian's libcmark-gfm, the C library
/// GitHub uses and PyPI's readme renderer wraps as cmarkgfm): CommonMark with tables,
/// strikethrough, autolinks and the tag filter, raw HTML passed through for `HTMLSanitizer`
/// to judge, as PyPI renders a README. Debian 12's 0.29.0.gfm.6 still has the polynomial
/// cases fixed upstream in 2023 (`![[]()` repeated: 2.9 s for 128 KiB), so it runs in the
/// server's child process, never in the server (`DescriptionRenderer`).
enum Markdown {
    /// The extensions attached to every parser, as PyPI's renderer has them (tasklist aside:
    /// its checkboxes are not tags the sanitizer keeps).
    static let extensions = ["table", "strikethrough", "autolink", "tagfilter"]

    /// cmark-gfm's registry of extensions, filled once per process (Swift runs this once).
    private static let registered: Void = cmark_gfm_core_extensions_ensure_registered()

    static func html(_ text: String) -> String {
        _ = registered
        let options = CMARK_OPT_UNSAFE
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in extensions {
            if let syntax = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, syntax) }
        }
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { cmark_get_default_mem_allocator().pointee.free(rendered) }
        return String(cString: rendered)
    }
}
