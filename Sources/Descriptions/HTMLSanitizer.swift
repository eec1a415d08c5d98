/// Makes HTML from an untrusted source safe inside a page: the tags of a README (paragraphs,
/// headings, lists, code, tables, links, images) are kept with a few checked attributes; every
/// other tag, comment or declaration is shown as text; `href` and `src` keep only http(s),
/// mailto and relative URLs; text and attribute values come out escaped; tags left open are
/// closed. No script, style, event handler or `javascript:` link survives, whatever the input.
public enum HTMLSanitizer {
    /// The tags kept, each with the attributes it may keep.
    static let allowed: [String: Set<String>] = {
        var tags: [String: Set<String>] = [:]
        for tag in ["p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s", "del", "ins",
                    "code", "pre", "kbd", "samp", "var", "blockquote", "ul", "li", "dl", "dt", "dd", "sup", "sub",
                    "table", "thead", "tbody", "tfoot", "tr", "caption", "details", "summary", "div", "span"] {
            tags[tag] = []
        }
        tags["ol"] = ["start"]
        tags["a"] = ["href", "title"]
        tags["img"] = ["src", "alt", "title", "width", "height"]
        tags["th"] = ["align"]
        tags["td"] = ["align"]
        return tags
    }()
    static let voidTags: Set<String> = ["br", "hr", "img"]
    /// Nesting beyond this is shown as text: a page's layout must not depend on an attacker's depth.
    static let maximumDepth = 64
    /// A tag longer than this is shown as text.
    static let maximumTagLength = 4096

    public static func sanitize(_ html: String) -> String {
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        var open: [String] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "<"):
                if let tag = Tag.parse(bytes, at: index), let attributes = allowed[tag.name],
                   tag.closing || voidTags.contains(tag.name) || open.count < maximumDepth {
                    if tag.closing {
                        if let position = open.lastIndex(of: tag.name) {
                            for name in open[position...].reversed() { output += Array("</\(name)>".utf8) }
                            open.removeSubrange(position...)
                        }
                    } else {
                        output += Array(tag.rendered(keeping: attributes).utf8)
                        if !voidTags.contains(tag.name) { open.append(tag.name) }
                    }
                    index = tag.end
                } else {
                    output += Array("&lt;".utf8)
                    index += 1
                }
            case UInt8(ascii: "&"):
                if let end = entityEnd(bytes, at: index) {
                    output += bytes[index..<end]
                    index = end
                } else {
                    output += Array("&amp;".utf8)
                    index += 1
                }
            case UInt8(ascii: ">"):
                output += Array("&gt;".utf8)
                index += 1
            case 0:
                output += Array("\u{FFFD}".utf8)
                index += 1
            default:
                output.append(byte)
                index += 1
            }
        }
        for name in open.reversed() { output += Array("</\(name)>".utf8) }
        return String(decoding: output, as: UTF8.self)
    }

    /// What in `html` the sanitizer would not have let through: a `<` that starts no tag, a tag
    /// or attribute off the allowlist, an unsafe URL. Empty for the sanitizer's output (the
    /// fuzzer's and the tests' check).
    package static func unsafeParts(of html: String) -> [String] {
        let bytes = Array(html.utf8)
        var found: [String] = []
        for index in bytes.indices where bytes[index] == UInt8(ascii: "<") {
            guard let tag = Tag.parse(bytes, at: index) else {
                found.append("a bare < at byte \(index)")
                continue
            }
            guard let kept = allowed[tag.name] else {
                found.append("<\(tag.name)>")
                continue
            }
            for (name, value) in tag.attributes {
                if !kept.contains(name), !(tag.name == "a" && name == "rel") { found.append("\(name) on <\(tag.name)>") }
                if name == "href" || name == "src", !isSafeURL(decodeEntities(value), image: tag.name == "img") { found.append("\(name)=\(value)") }
            }
        }
        return found
    }

    /// Where a character reference starting at `start` (`&amp;`, `&#39;`, `&#x27;`) ends; nil
    /// when the `&` starts none.
    static func entityEnd(_ bytes: [UInt8], at start: Int) -> Int? {
        var index = start + 1
        var digits = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "#") {
            index += 1
            let hex = index < bytes.count && (bytes[index] | 0x20) == UInt8(ascii: "x")
            if hex { index += 1 }
            while index < bytes.count, digits < 7, hex ? bytes[index].isHexDigit : bytes[index].isDigit {
                index += 1
                digits += 1
            }
        } else {
            while index < bytes.count, digits < 32, bytes[index].isLetterOrDigit, digits > 0 || bytes[index].isLetter {
                index += 1
                digits += 1
            }
        }
        return digits > 0 && index < bytes.count && bytes[index] == UInt8(ascii: ";") ? index + 1 : nil
    }

    /// The text of an attribute value as a browser reads it: character references decoded.
    /// Scalar by scalar: a `&` or `;` followed by a combining mark is still one.
    static func decodeEntities(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains("&") else { return text }
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "&", let semicolon = scalars[(index + 1)..<min(scalars.count, index + 12)].firstIndex(of: ";"),
               let scalar = characterReference(String(String.UnicodeScalarView(scalars[(index + 1)..<semicolon]))[...]) {
                result.append(scalar)
                index = semicolon + 1
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    private static func characterReference(_ name: Substring) -> Unicode.Scalar? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "colon": return ":"
        case "tab": return "\t"
        case "newline": return "\n"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return value.flatMap(Unicode.Scalar.init)
        }
    }

    /// Whether a link or image may point at `url`: relative, or http(s) (and mailto for links),
    /// judged as a browser would read it (references decoded, whitespace and controls ignored).
    static func isSafeURL(_ url: String, image: Bool) -> Bool {
        // Scalars, not characters: a ':' followed by a combining mark is still the scheme's end.
        let scalars = decodeEntities(url).unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }
        guard let colon = scalars.firstIndex(of: ":") else { return true }
        if let separator = scalars.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }), separator < colon { return true }
        let scheme = String(String.UnicodeScalarView(scalars[..<colon])).lowercased()
        return scheme == "https" || scheme == "http" || (!image && scheme == "mailto")
    }

    /// One start or end tag as the source has it.
    struct Tag {
        let name: String
        let closing: Bool
        let attributes: [(name: String, value: String)]
        /// Just after its `>`.
        let end: Int

        static func parse(_ bytes: [UInt8], at start: Int) -> Tag? {
            var index = start + 1
            let limit = min(bytes.count, start + HTMLSanitizer.maximumTagLength)
            let closing = index < limit && bytes[index] == UInt8(ascii: "/")
            if closing { index += 1 }
            let nameStart = index
            guard index < limit, bytes[index].isLetter else { return nil }
            while index < limit, bytes[index].isLetterOrDigit { index += 1 }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            var attributes: [(name: String, value: String)] = []
            while index < limit {
                while index < limit, bytes[index].isSpace { index += 1 }
                guard index < limit else { return nil }
                if bytes[index] == UInt8(ascii: ">") { return Tag(name: name, closing: closing, attributes: attributes, end: index + 1) }
                if bytes[index] == UInt8(ascii: "/"), index + 1 < limit, bytes[index + 1] == UInt8(ascii: ">") {
                    return Tag(name: name, closing: closing, attributes: attributes, end: index + 2)
                }
                let attributeStart = index
                while index < limit, !bytes[index].isSpace, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ">"),
                      bytes[index] != UInt8(ascii: "/") || attributeStart == index {
                    index += 1
                }
                let attribute = String(decoding: bytes[attributeStart..<index], as: UTF8.self).lowercased()
                while index < limit, bytes[index].isSpace { index += 1 }
                var value = ""
                if index < limit, bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    while index < limit, bytes[index].isSpace { index += 1 }
                    guard index < limit else { return nil }
                    let quote = bytes[index]
                    if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                        guard let close = bytes[(index + 1)..<limit].firstIndex(of: quote) else { return nil }
                        value = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
                        index = close + 1
                    } else {
                        let valueStart = index
                        while index < limit, !bytes[index].isSpace, bytes[index] != UInt8(ascii: ">") { index += 1 }
                        value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                    }
                }
                attributes.append((attribute, value))
            }
            return nil
        }

        /// The start tag with only the attributes kept (URLs checked), values escaped; a link
        /// also says it leads away (`rel`). An attribute that would make the tag longer than
        /// `maximumTagLength` is left out: the output must read back as the same tags (escaping
        /// and `rel` can lengthen a tag that was just within the limit).
        func rendered(keeping kept: Set<String>) -> String {
            let rel = name == "a" ? " rel=\"nofollow noopener noreferrer\"" : ""
            var text = "<" + name
            var seen: Set<String> = []
            for (attribute, raw) in attributes where kept.contains(attribute) && seen.insert(attribute).inserted {
                let value = HTMLSanitizer.decodeEntities(raw)
                if attribute == "href" || attribute == "src", !HTMLSanitizer.isSafeURL(value, image: name == "img") { continue }
                if ["start", "width", "height"].contains(attribute), value.isEmpty || value.count > 6 || !value.allSatisfy(\.isASCII) || Int(value) == nil { continue }
                if attribute == "align", !["left", "right", "center"].contains(value.lowercased()) { continue }
                let written = " \(attribute)=\"\(HTMLSanitizer.escape(value))\""
                guard text.utf8.count + written.utf8.count + rel.utf8.count + 1 <= HTMLSanitizer.maximumTagLength else { continue }
                text += written
            }
            return text + rel + ">"
        }
    }

    /// `text` with `& < > " '` as references: safe as text and inside a quoted attribute. Byte
    /// by byte: a `"` or `<` followed by a combining mark is one `Character` in Swift but still a
    /// quote or a tag's start to a browser.
    public static func escape(_ text: String) -> String {
        // Most values (normalized names, hashes) need nothing: check the bytes first.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else {
            return text
        }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): escaped += Array("&amp;".utf8)
            case UInt8(ascii: "<"): escaped += Array("&lt;".utf8)
            case UInt8(ascii: ">"): escaped += Array("&gt;".utf8)
            case UInt8(ascii: "\""): escaped += Array("&quot;".utf8)
            case UInt8(ascii: "'"): escaped += Array("&#39;".utf8)
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}

extension UInt8 {
    var isLetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isLetterOrDigit: Bool { isLetter || isDigit }
    var isHexDigit: Bool { isDigit || ((self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "f")) }
    var isSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0C || self == 0x0D }
}
