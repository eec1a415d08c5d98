import Archives
import Basics
import Crypto
import Foundation
import PythonPackaging
import Upstream

/// The Rust crates an sdist holds: the folders of its Cargo manifests to vendor crates for, and
/// the digest of their lock files (or manifests, without a lock) that keys the vendored crates.
/// Empty for an sdist without Rust.
public struct CargoManifests: Sendable, Equatable {
    /// Folders relative to the sdist's top folder ("." for the top), the main one first.
    public let folders: [String]
    /// SHA-256 of each folder's Cargo.lock (else Cargo.toml) with its path: equal digests vendor
    /// the same crates.
    public let digest: String
    /// The chosen folders' Cargo.lock files, as the sdist has them; nil when a folder has none
    /// (cargo then resolves the crates itself, and only their files can be checked).
    public let locks: [CargoLock]?

    public var isEmpty: Bool { folders.isEmpty }

    /// How deep under the sdist's top folder a manifest is looked for (`src/rust/Cargo.toml` is 3).
    static let depth = 4

    /// The build requirements and backends that run cargo.
    static let rustTools: Set<String> = ["maturin", "setuptools-rust"]

    /// The manifests of `sdist` when its build runs cargo — a Rust backend or build requirement
    /// (maturin, setuptools-rust) in its `[build-system]` — else none: an optional
    /// `rust-ext/Cargo.toml` (zstandard) or Rust projects among its tests (meson's) need no
    /// crates, and vendoring them would make the build depend on a crate registry for nothing.
    /// A build that asks for cargo anyway fails offline, saying so.
    public static func forBuild(of sdist: URL) throws -> CargoManifests {
        let system = try WheelhouseBuilder.buildSystem(ofSdist: sdist.path, filename: sdist.lastPathComponent)
        let usesCargo = system.requires.contains { rustTools.contains($0.requirement.project) } || (system.backend ?? "").hasPrefix("maturin")
        return usesCargo ? try CargoManifests(sdist: sdist) : CargoManifests(members: [])
    }

    /// Reads the sdist's member list (and its Cargo.lock and Cargo.toml files).
    public init(sdist: URL) throws {
        let members = try ArchiveReader.read(sdist.path, format: ArchiveFormat(filename: sdist.lastPathComponent)) { path in
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count >= 2 && parts.count <= Self.depth + 1 && (parts.last == "Cargo.lock" || parts.last == "Cargo.toml")
                && !parts.contains("..") && !parts.contains(".")
        }
        self.init(members: members.map { ($0.path, $0.bytes) })
    }

    /// From `(path, bytes)` of the archive's Cargo.lock and Cargo.toml members.
    init(members: [(path: String, bytes: [UInt8])]) {
        func folder(_ path: String) -> String {
            let parts = path.split(separator: "/").dropFirst().dropLast()
            return parts.isEmpty ? "." : parts.joined(separator: "/")
        }
        var locks: [String: [UInt8]] = [:], manifests: [String: [UInt8]] = [:]
        for member in members {
            if member.path.hasSuffix("/Cargo.lock") { locks[folder(member.path)] = member.bytes } else { manifests[folder(member.path)] = member.bytes }
        }
        func isInside(_ folder: String, _ other: String) -> Bool { other == "." || folder.hasPrefix(other + "/") }
        // Every locked workspace; without a lock, each outermost manifest (its members resolve with it).
        let locked = locks.keys.filter { manifests[$0] != nil }
        let chosen = locked.isEmpty
            ? manifests.keys.filter { candidate in !manifests.keys.contains { $0 != candidate && isInside(candidate, $0) } }
            : locked
        folders = chosen.sorted { ($0.split(separator: "/").count, $0) < ($1.split(separator: "/").count, $1) }
        var hash = SHA256()
        for folder in folders {
            hash.update(data: Array((folder + "\n").utf8))
            hash.update(data: locks[folder] ?? manifests[folder] ?? [])
        }
        digest = hash.finalize().hex
        let lockTexts = folders.compactMap { locks[$0] }
        self.locks = lockTexts.count == folders.count ? lockTexts.map { CargoLock(text: String(decoding: $0, as: UTF8.self)) } : nil
    }
}
