/// The HTTP `Range` header of a file download (RFC 9110), read into a range of the file's bytes.
public enum ByteRange {
    /// `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range; several are served whole).
    public static func parse(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard size > 0, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        // Numbers are digits only (no sign, no spaces), and at most 18 of them: no overflow.
        func number(_ text: Substring) -> Int? {
            guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return Int(text)
        }
        if spec[0].isEmpty {
            guard let suffix = number(spec[1]), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = number(spec[0]), start < size else { return nil }
        if spec[1].isEmpty { return start...(size - 1) }
        guard let last = number(spec[1]) else { return nil }
        let end = min(last, size - 1)
        return start <= end ? start...end : nil
    }
}
