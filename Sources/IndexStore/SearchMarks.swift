/// The matched words of a hit's texts, marked between `SearchHit.markStart` and `markEnd`: each
/// word (a run of letters and digits) that begins with a searched word. Made here, not by the
/// engines, so that only the shown hits cost anything and both engines mark alike. Words are
/// read scalar by scalar, and a snippet reads no further than it shows.
public enum SearchMarks {
    /// `text` with its matching words marked.
    public static func marked(_ text: String, terms: [String]) -> String {
        var result = ""
        var last = text.startIndex
        for word in words(of: text) where matches(text[word], terms) {
            result += text[last..<word.lowerBound]
            result.append(SearchHit.markStart)
            result += text[word]
            result.append(SearchHit.markEnd)
            last = word.upperBound
        }
        return result + text[last...]
    }

    /// About `length` words of `text` around its first matching word (its start when none
    /// matches), marked, with `…` where it was cut.
    public static func snippet(_ text: String, terms: [String], length: Int = 24) -> String {
        var before: [Range<String.Index>] = []
        var shown: [Range<String.Index>] = []
        var more = false
        for word in words(of: text) {
            if shown.isEmpty, !matches(text[word], terms) {
                before.append(word)
                if before.count > length { before.removeFirst(before.count - length) }
                continue
            }
            if shown.isEmpty { shown = before.suffix(length / 3) }
            guard shown.count < length else {
                more = true
                break
            }
            shown.append(word)
        }
        if shown.isEmpty {
            // No word matched (the match was in the name, summary or keywords): the start.
            shown = Array(words(of: text).prefix(length))
            more = shown.count == length
        }
        guard let first = shown.first, let last = shown.last else { return "" }
        let cutBefore = first.lowerBound > text.startIndex && text[..<first.lowerBound].unicodeScalars.contains(where: isWordScalar)
        return (cutBefore ? "… " : "") + marked(String(text[first.lowerBound..<last.upperBound]), terms: terms) + (more ? " …" : "")
    }

    private static func matches(_ word: Substring, _ terms: [String]) -> Bool {
        // Most words are ASCII and most do not match: compare their first letter before lowering.
        guard let first = word.unicodeScalars.first else { return false }
        let initial = first.isASCII ? Unicode.Scalar(UInt8(ascii: first) | (first.properties.isUppercase ? 0x20 : 0)) : nil
        if let initial, !terms.contains(where: { $0.unicodeScalars.first == initial }) { return false }
        let lowered = word.lowercased()
        return terms.contains { lowered.hasPrefix($0) }
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value | 0x20
            return (0x61...0x7A).contains(value) || (0x30...0x39).contains(scalar.value)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// The runs of letters and digits in `text`, lazily.
    private static func words(of text: String) -> some Sequence<Range<String.Index>> {
        let scalars = text.unicodeScalars
        return AnySequence { () -> AnyIterator<Range<String.Index>> in
            var index = scalars.startIndex
            return AnyIterator { () -> Range<String.Index>? in
                while index < scalars.endIndex, !isWordScalar(scalars[index]) { index = scalars.index(after: index) }
                guard index < scalars.endIndex else { return nil }
                let start = index
                while index < scalars.endIndex, isWordScalar(scalars[index]) { index = scalars.index(after: index) }
                return start..<index
            }
        }
    }
}
