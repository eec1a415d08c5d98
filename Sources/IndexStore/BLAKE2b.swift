/// BLAKE2b (RFC 7693), unkeyed, for the `blake2_256_digest` that twine and `uv publish` send
/// with every upload. swift-crypto has no BLAKE2; this is the reference algorithm, streaming.
struct BLAKE2b: Sendable {
    private static let initialization: [UInt64] = [
        0x6A09_E667_F3BC_C908, 0xBB67_AE85_84CA_A73B, 0x3C6E_F372_FE94_F82B, 0xA54F_F53A_5F1D_36F1,
        0x510E_527F_ADE6_82D1, 0x9B05_688C_2B3E_6C1F, 0x1F83_D9AB_FB41_BD6B, 0x5BE0_CD19_137E_2179,
    ]

    private static let sigma: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
        [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
        [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
        [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
        [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    ]

    private var state: [UInt64]
    private var pending: [UInt8] = []
    private var counter: (low: UInt64, high: UInt64) = (0, 0)
    private let outputLength: Int

    init(outputLength: Int = 32) {
        precondition((1...64).contains(outputLength))
        self.outputLength = outputLength
        state = Self.initialization
        state[0] ^= 0x0101_0000 ^ UInt64(outputLength)
        pending.reserveCapacity(256)
    }

    mutating func update(_ bytes: some Sequence<UInt8>) {
        pending.append(contentsOf: bytes)
        // Keep the last block back: it is compressed with the final flag.
        if pending.count > 128 {
            let whole = (pending.count - 1) / 128 * 128
            let blocks = Array(pending[..<whole])
            pending.removeFirst(whole)
            blocks.withUnsafeBufferPointer { buffer in
                var offset = 0
                while offset < whole {
                    advance(by: 128)
                    compress(UnsafeBufferPointer(rebasing: buffer[offset..<(offset + 128)]), last: false)
                    offset += 128
                }
            }
        }
    }

    func finalize() -> [UInt8] {
        var copy = self
        copy.advance(by: UInt64(copy.pending.count))
        var block = copy.pending
        block += [UInt8](repeating: 0, count: 128 - block.count)
        block.withUnsafeBufferPointer { copy.compress($0, last: true) }
        var output: [UInt8] = []
        for word in copy.state {
            for shift in stride(from: 0, to: 64, by: 8) { output.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return Array(output.prefix(outputLength))
    }

    private mutating func advance(by count: UInt64) {
        let (sum, overflow) = counter.low.addingReportingOverflow(count)
        counter.low = sum
        if overflow { counter.high &+= 1 }
    }

    private mutating func compress(_ block: UnsafeBufferPointer<UInt8>, last: Bool) {
        var m = [UInt64](repeating: 0, count: 16)
        for i in 0..<16 {
            var word: UInt64 = 0
            for k in 0..<8 { word |= UInt64(block[i * 8 + k]) << UInt64(8 * k) }
            m[i] = word
        }
        var v = state + Self.initialization
        v[12] ^= counter.low
        v[13] ^= counter.high
        if last { v[14] = ~v[14] }
        @inline(__always) func mix(_ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt64, _ y: UInt64) {
            v[a] = v[a] &+ v[b] &+ x
            v[d] = (v[d] ^ v[a]).rotatedRight(32)
            v[c] = v[c] &+ v[d]
            v[b] = (v[b] ^ v[c]).rotatedRight(24)
            v[a] = v[a] &+ v[b] &+ y
            v[d] = (v[d] ^ v[a]).rotatedRight(16)
            v[c] = v[c] &+ v[d]
            v[b] = (v[b] ^ v[c]).rotatedRight(63)
        }
        for round in 0..<12 {
            let s = Self.sigma[round]
            mix(0, 4, 8, 12, m[s[0]], m[s[1]])
            mix(1, 5, 9, 13, m[s[2]], m[s[3]])
            mix(2, 6, 10, 14, m[s[4]], m[s[5]])
            mix(3, 7, 11, 15, m[s[6]], m[s[7]])
            mix(0, 5, 10, 15, m[s[8]], m[s[9]])
            mix(1, 6, 11, 12, m[s[10]], m[s[11]])
            mix(2, 7, 8, 13, m[s[12]], m[s[13]])
            mix(3, 4, 9, 14, m[s[14]], m[s[15]])
        }
        for i in 0..<8 { state[i] ^= v[i] ^ v[i + 8] }
    }
}

extension UInt64 {
    @inline(__always) func rotatedRight(_ count: UInt64) -> UInt64 { (self >> count) | (self << (64 - count)) }
}
