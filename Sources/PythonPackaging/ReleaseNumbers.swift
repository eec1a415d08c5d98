/// A release segment (`1.2.3`) that keeps its first four numbers inline and only the rest in
/// an array: almost every real version fits inline, so parsing allocates nothing for it and
/// copying a `Version` while sorting touches no reference count.
@usableFromInline
struct ReleaseNumbers: Sendable {
    @usableFromInline private(set) var count = 0
    /// The first four numbers; 0 where the release is shorter, which is PEP 440's zero padding.
    @usableFromInline private(set) var head: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// The numbers after the fourth, if any.
    @usableFromInline private(set) var tail: [UInt64]?

    init() {}

    init(_ numbers: [UInt64]) {
        for number in numbers { append(number) }
    }

    mutating func append(_ number: UInt64) {
        switch count {
        case 0: head.0 = number
        case 1: head.1 = number
        case 2: head.2 = number
        case 3: head.3 = number
        default: tail = (tail ?? []) + [number]
        }
        count += 1
    }

    var first: UInt64 { head.0 }

    var array: [UInt64] {
        let inline = [head.0, head.1, head.2, head.3].prefix(Swift.min(count, 4))
        return Array(inline) + (tail ?? [])
    }

    /// PEP 440 order: numbers compared in turn, the shorter padded with zeros; -1, 0 or 1.
    @inlinable
    static func compare(_ a: ReleaseNumbers, _ b: ReleaseNumbers) -> Int {
        if a.head.0 != b.head.0 { return a.head.0 < b.head.0 ? -1 : 1 }
        if a.head.1 != b.head.1 { return a.head.1 < b.head.1 ? -1 : 1 }
        if a.head.2 != b.head.2 { return a.head.2 < b.head.2 ? -1 : 1 }
        if a.head.3 != b.head.3 { return a.head.3 < b.head.3 ? -1 : 1 }
        if a.tail == nil && b.tail == nil { return 0 }
        let x = a.tail ?? []
        let y = b.tail ?? []
        for i in 0..<Swift.max(x.count, y.count) {
            let p = i < x.count ? x[i] : 0
            let q = i < y.count ? y[i] : 0
            if p != q { return p < q ? -1 : 1 }
        }
        return 0
    }

    /// Hashes the numbers without trailing zeros, so that equal releases (`1.0`, `1`) hash alike.
    func hash(into hasher: inout Hasher) {
        var numbers = array
        while numbers.last == 0 { numbers.removeLast() }
        hasher.combine(numbers)
    }
}
