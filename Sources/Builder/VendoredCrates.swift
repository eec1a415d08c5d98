import Basics
import Crypto
import Foundation

/// The host's check of what `cargo vendor` left in a partial folder before it is published to
/// the crate cache, where every later build with the same lock runs it: each crate folder is
/// exactly what its `.cargo-checksum.json` lists (every file there with its SHA-256, nothing
/// else, no links), and the crates' `.crate` sums are exactly the lock's registry packages. A
/// folder seeded by anything but cargo (an sdist member, a forged checksum file) fails here.
public struct VendoredCrates: Sendable {
    /// What was wrong, naming the crate folder and file.
    public struct Mismatch: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Largest `.cargo-checksum.json` read (the biggest crates list a few thousand files: ~300 KiB).
    static let maximumChecksumFileBytes = 16 << 20

    public let vendor: URL

    public init(vendor: URL) {
        self.vendor = vendor
    }

    /// Checks every crate folder against its checksum file, and their `.crate` sums against
    /// `locks` (nil: cargo resolved without a lock, so only the files are checked). Returns how
    /// many crates there are.
    @discardableResult
    public func verify(locks: [CargoLock]?) throws(Mismatch) -> Int {
        let fm = FileManager.default
        guard Self.kind(of: vendor) == .typeDirectory else {
            throw Mismatch(description: "vendor is not a folder (a link?)")
        }
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: vendor.path).sorted()
        } catch {
            throw Mismatch(description: "\(vendor.path) cannot be listed: \(error.localizedDescription)")
        }
        var sums: Set<String> = []
        for name in names {
            let crate = vendor.appendingPathComponent(name)
            guard Self.kind(of: crate) == .typeDirectory else {
                throw Mismatch(description: "vendor/\(name) is not a crate folder")
            }
            let listing = try Self.listing(of: crate, name: name)
            if let package = listing.package {
                // One folder per pinned crate: a second folder with a real sum is not cargo's.
                guard sums.insert(package).inserted else { throw Mismatch(description: "vendor/\(name) repeats another crate's .crate sum") }
            } else if locks != nil {
                throw Mismatch(description: "vendor/\(name)/.cargo-checksum.json has no .crate sum, which every crate of a Cargo.lock has")
            }
            try Self.check(crate, name: name, against: listing.files)
        }
        if let locks {
            let expected = locks.reduce(into: Set<String>()) { $0.formUnion($1.registryChecksums) }
            if let stray = sums.subtracting(expected).sorted().first {
                throw Mismatch(description: "a vendored crate's .crate sum \(stray) is not in Cargo.lock")
            }
            if let missing = expected.subtracting(sums).sorted().first {
                let package = locks.lazy.flatMap(\.packages).first { $0.checksum == missing }
                throw Mismatch(description: "Cargo.lock's \(package.map { "\($0.name) \($0.version)" } ?? missing) was not vendored")
            }
        }
        return names.count
    }

    /// The crate's `.cargo-checksum.json`: its files' sums and its `.crate` sum.
    private static func listing(of crate: URL, name: String) throws(Mismatch) -> (files: [String: String], package: String?) {
        struct Listing: Decodable {
            let files: [String: String]
            let package: String?
        }
        let file = crate.appendingPathComponent(".cargo-checksum.json")
        guard kind(of: file) == .typeRegular,
              let handle = try? FileHandle(forReadingFrom: file),
              let bytes = try? handle.read(upToCount: maximumChecksumFileBytes + 1) else {
            throw Mismatch(description: "vendor/\(name)/.cargo-checksum.json is missing or not a regular file")
        }
        try? handle.close()
        guard bytes.count <= maximumChecksumFileBytes, let listing = try? JSONDecoder().decode(Listing.self, from: bytes) else {
            throw Mismatch(description: "vendor/\(name)/.cargo-checksum.json is not cargo's checksum file")
        }
        if let package = listing.package, !isDigest(package) {
            throw Mismatch(description: "vendor/\(name)/.cargo-checksum.json's package sum is not a SHA-256")
        }
        return (listing.files, listing.package)
    }

    /// Every file under `crate` is listed with its SHA-256, and every listed file is there.
    private static func check(_ crate: URL, name: String, against files: [String: String]) throws(Mismatch) {
        guard let walker = FileManager.default.enumerator(atPath: crate.path) else {
            throw Mismatch(description: "vendor/\(name) cannot be read")
        }
        var seen = 0
        while let relative = walker.nextObject() as? String {
            let path = crate.appendingPathComponent(relative)
            switch kind(of: path) {
            case .typeDirectory:
                continue
            case .typeRegular:
                if relative == ".cargo-checksum.json" { continue }
                guard let expected = files[relative] else {
                    throw Mismatch(description: "vendor/\(name)/\(relative) is not in the crate's checksum file")
                }
                guard let actual = digest(of: path), actual == expected else {
                    throw Mismatch(description: "vendor/\(name)/\(relative) does not have the SHA-256 its checksum file gives")
                }
                seen += 1
            default:
                throw Mismatch(description: "vendor/\(name)/\(relative) is a link or a special file")
            }
        }
        if seen != files.count {
            throw Mismatch(description: "vendor/\(name) lacks \(files.count - seen) of the files its checksum file lists")
        }
    }

    private static func kind(of url: URL) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType
    }

    private static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func digest(of file: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return nil }
        defer { try? handle.close() }
        var hash = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(data: chunk) }
        } catch {
            return nil
        }
        return hash.finalize().hex
    }
}
