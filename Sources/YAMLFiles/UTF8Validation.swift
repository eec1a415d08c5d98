import Yams

/// Finds the first byte that breaks UTF-8 (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
package enum UTF8Validation {
    package static func firstInvalidOffset(in bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lead = bytes[index]
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0: (length, lower) = (3, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: (length, upper) = (3, 0x9F)
            case 0xF0: (length, lower) = (4, 0x90)
            case 0xF1...0xF3: length = 4
            case 0xF4: (length, upper) = (4, 0x8F)
            default: return index - bytes.startIndex
            }
            for k in 1..<max(length, 1) {
                let position = index + k
                guard position < bytes.endIndex else { return index - bytes.startIndex }
                let byte = bytes[position]
                let (low, high) = k == 1 ? (lower, upper) : (0x80, 0xBF)
                guard byte >= low && byte <= high else { return index - bytes.startIndex }
            }
            index += length
        }
        return nil
    }
}
