import Foundation

/// BLAKE2b (RFC 7693), unkeyed, for the `blake2_256_digest` that twine and `uv publish` send
/// with every upload. swift-crypto has no BLAKE2; this is the reference algorithm, streaming.
///
/// Whole blocks are compressed straight from the caller's bytes, and a compression works on
/// raw pointers and locals: the first version (arrays, a closure over the work vector) cost 75%
/// of a debug server's CPU on 1 MB uploads, in bounds, uniqueness and exclusivity checks.
struct BLAKE2b: Sendable {
    private static let blockSize = 128

    private static let initialization: [UInt64] = [
        0x6A09_E667_F3BC_C908, 0xBB67_AE85_84CA_A73B, 0x3C6E_F372_FE94_F82B, 0xA54F_F53A_5F1D_36F1,
        0x510E_527F_ADE6_82D1, 0x9B05_688C_2B3E_6C1F, 0x1F83_D9AB_FB41_BD6B, 0x5BE0_CD19_137E_2179,
    ]

    /// The message word order of the rounds, one row of 16 after another; rounds 10 and 11 use
    /// rows 0 and 1 again.
    private static let sigma: [UInt8] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ]

    private var state: [UInt64]
    /// Bytes not compressed yet, at most one block: the last block is compressed with the final
    /// flag, so a full block waits until more bytes come.
    private var pending: [UInt8] = []
    private var counter: (low: UInt64, high: UInt64) = (0, 0)
    private let outputLength: Int

    init(outputLength: Int = 32) {
        precondition((1...64).contains(outputLength))
        self.outputLength = outputLength
        state = Self.initialization
        state[0] ^= 0x0101_0000 ^ UInt64(outputLength)
        pending.reserveCapacity(Self.blockSize)
    }

    mutating func update(_ bytes: some DataProtocol) {
        for region in bytes.regions {
            region.withUnsafeBytes { absorb($0) }
        }
    }

    private mutating func absorb(_ input: UnsafeRawBufferPointer) {
        let blockSize = Self.blockSize
        var offset = 0
        if !pending.isEmpty {
            let taken = min(blockSize - pending.count, input.count)
            pending.append(contentsOf: input[0..<taken])
            offset = taken
            guard offset < input.count else { return }
            // More bytes follow: the pending block is not the last.
            pending.withUnsafeBytes { compress($0, last: false) }
            pending.removeAll(keepingCapacity: true)
        }
        while input.count - offset > blockSize {
            compress(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + blockSize)]), last: false)
            offset += blockSize
        }
        pending.append(contentsOf: input[offset...])
    }

    func finalize() -> [UInt8] {
        var copy = self
        var block = copy.pending
        let count = block.count
        block += [UInt8](repeating: 0, count: Self.blockSize - count)
        copy.pending = []
        block.withUnsafeBytes { copy.compress($0, last: true, counting: count) }
        var output: [UInt8] = []
        for word in copy.state {
            for shift in stride(from: 0, to: 64, by: 8) { output.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return Array(output.prefix(outputLength))
    }

    /// Compresses one 128-byte block that brings `counting` new bytes (all of it but for the last).
    private mutating func compress(_ block: UnsafeRawBufferPointer, last: Bool, counting: Int = BLAKE2b.blockSize) {
        let (low, overflow) = counter.low.addingReportingOverflow(UInt64(counting))
        counter.low = low
        if overflow { counter.high &+= 1 }
        let (counterLow, counterHigh) = counter
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 32) { words in
            guard let words = words.baseAddress else { return }
            let m = words, v = words + 16
            for i in 0..<16 { m[i] = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
            state.withUnsafeMutableBufferPointer { state in
                guard let h = state.baseAddress else { return }
                Self.initialization.withUnsafeBufferPointer { iv in
                    guard let iv = iv.baseAddress else { return }
                    for i in 0..<8 { (v[i], v[i + 8]) = (h[i], iv[i]) }
                }
                v[12] ^= counterLow
                v[13] ^= counterHigh
                if last { v[14] = ~v[14] }
                Self.sigma.withUnsafeBufferPointer { sigma in
                    guard let rows = sigma.baseAddress else { return }
                    for round in 0..<12 {
                        let s = rows + round % 10 * 16
                        Self.mix(v, 0, 4, 8, 12, m[Int(s[0])], m[Int(s[1])])
                        Self.mix(v, 1, 5, 9, 13, m[Int(s[2])], m[Int(s[3])])
                        Self.mix(v, 2, 6, 10, 14, m[Int(s[4])], m[Int(s[5])])
                        Self.mix(v, 3, 7, 11, 15, m[Int(s[6])], m[Int(s[7])])
                        Self.mix(v, 0, 5, 10, 15, m[Int(s[8])], m[Int(s[9])])
                        Self.mix(v, 1, 6, 11, 12, m[Int(s[10])], m[Int(s[11])])
                        Self.mix(v, 2, 7, 8, 13, m[Int(s[12])], m[Int(s[13])])
                        Self.mix(v, 3, 4, 9, 14, m[Int(s[14])], m[Int(s[15])])
                    }
                }
                for i in 0..<8 { h[i] ^= v[i] ^ v[i + 8] }
            }
        }
    }

    /// The mixing function G on four words of the work vector `v`.
    @inline(__always)
    private static func mix(_ v: UnsafeMutablePointer<UInt64>, _ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt64, _ y: UInt64) {
        v[a] = v[a] &+ v[b] &+ x
        v[d] = (v[d] ^ v[a]).rotatedRight(32)
        v[c] = v[c] &+ v[d]
        v[b] = (v[b] ^ v[c]).rotatedRight(24)
        v[a] = v[a] &+ v[b] &+ y
        v[d] = (v[d] ^ v[a]).rotatedRight(16)
        v[c] = v[c] &+ v[d]
        v[b] = (v[b] ^ v[c]).rotatedRight(63)
    }
}

extension UInt64 {
    @inline(__always) func rotatedRight(_ count: UInt64) -> UInt64 { (self >> count) | (self << (64 - count)) }
}
