extension Sequence where Element == Version {
    /// The versions in PEP 440 order; equal versions (`1.0`, `1.0.0`) keep their given order.
    ///
    /// This is what `sorted()` on versions calls. It sorts 16-byte keys (an order-preserving
    /// 64-bit prefix of each version, and its position) instead of the versions themselves, so
    /// the sort moves a few bytes and touches no reference count; only versions whose prefixes
    /// tie without deciding the order are compared in full.
    public func sorted() -> [Version] {
        var versions = Array(self)
        var keys = versions.indices.map { PrefixKey(versions[$0], position: $0) }
        versions.withUnsafeBufferPointer { buffer in
            keys.sort { a, b in
                if a.prefix != b.prefix { return a.prefix < b.prefix }
                if a.isExact && b.isExact { return a.position < b.position }
                return PrefixKey.breakTie(a, b, in: buffer)
            }
        }
        versions.permute(to: keys.map(\.position))
        return versions
    }
}

extension Array where Element == Version {
    /// Reorders the array so that `self[i]` becomes the element that was at `order[i]`, by
    /// following each cycle of the permutation and moving every element once (no copies, so no
    /// reference counting).
    mutating func permute(to order: [Int]) {
        precondition(order.count == count)
        var placed = [Bool](repeating: false, count: count)
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for start in 0..<order.count where !placed[start] {
                placed[start] = true
                guard order[start] != start else { continue }
                let first = (base + start).move()
                var hole = start
                while order[hole] != start {
                    let next = order[hole]
                    (base + hole).initialize(to: (base + next).move())
                    placed[next] = true
                    hole = next
                }
                (base + hole).initialize(to: first)
            }
        }
    }
}

/// A version packed into 64 bits so that comparing the integers agrees with PEP 440 wherever
/// they differ: epoch (2 bits), the first four release numbers (12, 11, 11, 8 bits) and a bit
/// for "more numbers follow", the pre-release rank and number (3, 4), post (1, 4) and dev (1, 5)
/// parts, and a bit for a local label. A number too large for its field takes the field's
/// largest value and ends the packing (the rest stays zero), which keeps the order: a saturated
/// field is a lower bound of the real number. When anything was left out, `isExact` is false
/// and equal prefixes are compared in full.
private struct PrefixKey {
    let prefix: UInt64
    private let positionAndExactness: UInt64

    var position: Int { Int(positionAndExactness >> 1) }

    /// Equal prefixes where something was left out: the full comparison, then the position.
    @inline(never)
    static func breakTie(_ a: PrefixKey, _ b: PrefixKey, in versions: UnsafeBufferPointer<Version>) -> Bool {
        let order = Version.compare(versions[a.position], versions[b.position])
        return order != 0 ? order < 0 : a.position < b.position
    }
    var isExact: Bool { positionAndExactness & 1 == 1 }

    init(_ version: Version, position: Int) {
        var writer = BitWriter()
        let release = version.releaseNumbers
        writer.put(version.epoch, width: 2)
        writer.put(release.head.0, width: 12)
        writer.put(release.head.1, width: 11)
        writer.put(release.head.2, width: 11)
        writer.put(release.head.3, width: 8)
        let more = release.tail?.contains { $0 != 0 } ?? false
        writer.putFlag(more)
        if more { writer.stop() }
        let suffix = version.suffix
        writer.put(UInt64(suffix.preRank + 1), width: 3)
        writer.put(suffix.preNumber, width: 4)
        writer.putFlag(suffix.postRank == 1)
        writer.put(suffix.postNumber, width: 4)
        writer.putFlag(suffix.devRank == 1)
        writer.put(suffix.devNumber, width: 5)
        writer.putFlag(version.local != nil)
        if version.local != nil { writer.stop() }
        prefix = writer.bits
        positionAndExactness = UInt64(position) << 1 | (writer.isExact ? 1 : 0)
    }

    private struct BitWriter {
        private(set) var bits: UInt64 = 0
        private var used = 0
        private var stopped = false
        private(set) var isExact = true

        /// One bit that is always exact.
        mutating func putFlag(_ flag: Bool) {
            guard !stopped else { return }
            used += 1
            if flag { bits |= 1 << (64 - used) }
        }

        /// A number; one that does not fit below the field's largest value saturates and stops.
        mutating func put(_ value: UInt64, width: Int) {
            guard !stopped else { return }
            let largest = (UInt64(1) << width) - 1
            used += width
            if value >= largest {
                bits |= largest << (64 - used)
                stop()
            } else {
                bits |= value << (64 - used)
            }
        }

        mutating func stop() {
            stopped = true
            isExact = false
        }
    }
}
