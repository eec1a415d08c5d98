@testable import Builder
import Testing

/// Which Cargo manifests of an sdist are vendored for, and what keys the vendored crates.
@Suite("Cargo manifests")
struct CargoManifestsTests {
    static func manifests(_ files: [String: String]) -> CargoManifests {
        CargoManifests(members: files.map { ($0.key, Array($0.value.utf8)) })
    }

    @Test("every locked workspace, the top first; without a lock the outermost manifests; none: no Rust")
    func chosenFolders() {
        // bcrypt's shape: the crate under src/_bcrypt with its lock.
        #expect(Self.manifests(["b-4/src/_bcrypt/Cargo.toml": "a", "b-4/src/_bcrypt/Cargo.lock": "l"]).folders == ["src/_bcrypt"])
        // A maturin workspace: the top's lock covers its members, which have no lock of their own.
        let workspace = Self.manifests(["p-1/Cargo.toml": "w", "p-1/Cargo.lock": "l", "p-1/crates/core/Cargo.toml": "c", "p-1/crates/py/Cargo.toml": "p"])
        #expect(workspace.folders == ["."])
        #expect(Self.manifests(["p-1/Cargo.toml": "w", "p-1/crates/core/Cargo.toml": "c", "p-1/other/Cargo.toml": "o"]).folders == ["."])
        #expect(Self.manifests(["p-1/rust/a/Cargo.toml": "a", "p-1/rust/b/Cargo.toml": "b"]).folders == ["rust/a", "rust/b"])
        #expect(Self.manifests(["p-1/a/Cargo.lock": "orphan lock"]).folders.isEmpty)
        #expect(Self.manifests([:]).isEmpty)
    }

    @Test("the key is the lock files' bytes with their folders: the same lock, the same crates; another lock or place, others")
    func digest() {
        let one = Self.manifests(["x-1/Cargo.toml": "m", "x-1/Cargo.lock": "lock A"])
        #expect(one.digest == Self.manifests(["y-2/Cargo.toml": "other manifest", "y-2/Cargo.lock": "lock A"]).digest)
        #expect(one.digest != Self.manifests(["x-1/Cargo.toml": "m", "x-1/Cargo.lock": "lock B"]).digest)
        #expect(one.digest != Self.manifests(["x-1/r/Cargo.toml": "m", "x-1/r/Cargo.lock": "lock A"]).digest)
        #expect(one.digest.count == 64)
    }
}
