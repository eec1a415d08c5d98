/// What the manylinux audit needs from an ELF shared object: its machine, the libraries it
/// needs (`DT_NEEDED`) and the symbol versions it requires from them (`.gnu.version_r`:
/// `GLIBC_2.14`, `GLIBCXX_3.4.21`, …). Read from bytes; nothing else of the file is interpreted.
public struct ELFDependencies: Sendable, Hashable {
    /// `x86_64`, `aarch64`, `i686`, … (the wheel platform spelling).
    public let architecture: String
    public let neededLibraries: [String]
    public let versionNames: [String]

    /// True when `bytes` start like an ELF file.
    public static func isELF(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x7F && bytes[1] == 0x45 && bytes[2] == 0x4C && bytes[3] == 0x46
    }

    public init(architecture: String, neededLibraries: [String], versionNames: [String]) {
        (self.architecture, self.neededLibraries, self.versionNames) = (architecture, neededLibraries, versionNames)
    }

    public init(bytes: [UInt8]) throws(PackagingError) {
        let reader = ELFReader(bytes: bytes)
        guard Self.isELF(bytes), bytes.count >= 64 else { throw .invalidELF("not an ELF file") }
        guard bytes[4] == 2 else { throw .invalidELF("only 64-bit ELF files are audited (class \(bytes[4]))") }
        guard bytes[5] == 1 else { throw .invalidELF("only little-endian ELF files are audited") }
        architecture = switch try reader.u16(18) {
        case 62: "x86_64"
        case 183: "aarch64"
        case 21: "ppc64le"
        case 22: "s390x"
        case let machine: "machine-\(machine)"
        }
        let sectionOffset = Int(try reader.u64(40))
        let sectionSize = Int(try reader.u16(58))
        let sectionCount = Int(try reader.u16(60))
        guard sectionSize >= 64 || sectionCount == 0 else { throw .invalidELF("section headers of \(sectionSize) bytes") }
        struct Section { let type: UInt32; let offset: Int; let size: Int; let link: Int; let entrySize: Int }
        var sections: [Section] = []
        for index in 0..<sectionCount {
            let base = sectionOffset + index * sectionSize
            sections.append(Section(
                type: try reader.u32(base + 4), offset: Int(try reader.u64(base + 24)), size: Int(try reader.u64(base + 32)),
                link: Int(try reader.u32(base + 40)), entrySize: Int(try reader.u64(base + 56))
            ))
        }
        func strings(_ link: Int) throws(PackagingError) -> Section {
            guard link < sections.count else { throw .invalidELF("a section links to string table \(link), which does not exist") }
            return sections[link]
        }
        var needed: [String] = []
        var versions: [String] = []
        for section in sections {
            switch section.type {
            case 6:  // SHT_DYNAMIC: 16-byte entries, DT_NEEDED = 1, up to DT_NULL = 0.
                let table = try strings(section.link)
                var offset = section.offset
                while offset + 16 <= section.offset + section.size {
                    let tag = try reader.u64(offset)
                    if tag == 0 { break }
                    if tag == 1 { needed.append(try reader.string(table.offset + Int(try reader.u64(offset + 8)), limit: table.offset + table.size)) }
                    offset += 16
                }
            case 0x6FFF_FFFE:  // SHT_GNU_verneed: Verneed records, each with a chain of Vernaux.
                let table = try strings(section.link)
                var record = section.offset
                for _ in 0..<4096 {
                    let count = Int(try reader.u16(record + 2))
                    var aux = record + Int(try reader.u32(record + 8))
                    for _ in 0..<count {
                        versions.append(try reader.string(table.offset + Int(try reader.u32(aux + 8)), limit: table.offset + table.size))
                        let next = Int(try reader.u32(aux + 12))
                        if next == 0 { break }
                        aux += next
                    }
                    let next = Int(try reader.u32(record + 12))
                    if next == 0 { break }
                    record += next
                }
            default:
                continue
            }
        }
        neededLibraries = needed
        versionNames = versions
    }
}

/// Bounds-checked little-endian reads.
private struct ELFReader {
    let bytes: [UInt8]

    private func check(_ offset: Int, _ count: Int) throws(PackagingError) {
        guard offset >= 0, count <= bytes.count, offset <= bytes.count - count else {
            throw .invalidELF("a field at offset \(offset) lies outside the file (\(bytes.count) bytes)")
        }
    }

    func u16(_ offset: Int) throws(PackagingError) -> UInt16 {
        try check(offset, 2)
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func u32(_ offset: Int) throws(PackagingError) -> UInt32 {
        try check(offset, 4)
        return (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    func u64(_ offset: Int) throws(PackagingError) -> UInt64 {
        try check(offset, 8)
        return (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }

    /// A NUL-terminated string that must end before `limit`.
    func string(_ offset: Int, limit: Int) throws(PackagingError) -> String {
        try check(offset, 0)
        var end = offset
        while end < min(limit, bytes.count), bytes[end] != 0 { end += 1 }
        guard end < bytes.count else { throw .invalidELF("a string at offset \(offset) has no end") }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }
}
