extension Sequence where Element == UInt8 {
    /// The bytes as lower-case hex, two digits each: how digests are written everywhere
    /// (file names, URLs, indices' `sha256=` fragments).
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
