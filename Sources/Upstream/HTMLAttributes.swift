import Foundation
import PythonPackaging

/// The attributes of an HTML start tag, values unescaped.
enum HTMLAttributes {
    static func parse(_ tag: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var index = tag.startIndex
        func skipSpaces() { while index < tag.endIndex, tag[index].isWhitespace { index = tag.index(after: index) } }
        while index < tag.endIndex {
            skipSpaces()
            let nameStart = index
            while index < tag.endIndex, !tag[index].isWhitespace, tag[index] != "=", tag[index] != "/" { index = tag.index(after: index) }
            let name = tag[nameStart..<index].lowercased()
            if name.isEmpty {
                if index < tag.endIndex { index = tag.index(after: index) }
                continue
            }
            skipSpaces()
            guard index < tag.endIndex, tag[index] == "=" else {
                result[name] = ""
                continue
            }
            index = tag.index(after: index)
            skipSpaces()
            var value = ""
            if index < tag.endIndex, tag[index] == "\"" || tag[index] == "'" {
                let quote = tag[index]
                index = tag.index(after: index)
                let valueStart = index
                while index < tag.endIndex, tag[index] != quote { index = tag.index(after: index) }
                value = String(tag[valueStart..<index])
                if index < tag.endIndex { index = tag.index(after: index) }
            } else {
                let valueStart = index
                while index < tag.endIndex, !tag[index].isWhitespace { index = tag.index(after: index) }
                value = String(tag[valueStart..<index])
            }
            result[name] = unescape(value)
        }
        return result
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&")] {
            result = result.replacingOccurrences(of: entity, with: character)
        }
        return result
    }
}
