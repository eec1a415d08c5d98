import Archives
import Basics
import Crypto
import Foundation
import PythonPackaging
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Fills and caches wheelhouses of build requirements, so that a build runs offline
/// (`pip wheel --no-index --find-links WHEELHOUSE`). Resolution is pip's (`pip download
/// --only-binary :all:` for the target's interpreter and platforms): it already implements
/// PEP 508 markers and backtracking, and each requirement set is resolved on its own, because
/// sdists' build requirements conflict (zope.interface wants setuptools<74, msgpack >=69.5).
public struct WheelhouseBuilder: Sendable {
    /// `<cache>/wheelhouses/<key>/`, one per (requirements, interpreter, platform, indices).
    public let root: URL
    /// The interpreter that runs pip (`python3 -m pip`).
    public let python: String
    public let indices: [URL]

    public init(cache: DownloadCache, python: String = "/usr/bin/python3", indices: [URL] = [UpstreamClient.pypi]) {
        root = cache.root.appendingPathComponent("wheelhouses")
        self.python = python
        self.indices = indices
    }

    /// The sdist's `[build-system]`, from its top-level `pyproject.toml` (or PEP 517's default).
    public static func buildSystem(ofSdist path: String, filename: String) throws -> BuildSystem {
        let found = try ArchiveReader.read(path, format: ArchiveFormat(filename: filename)) { member in
            let parts = member.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[1] == "pyproject.toml"
        }
        return try BuildSystem(pyproject: found.first.map { String(decoding: $0.bytes, as: UTF8.self) })
    }

    /// The platform tags a target with `glibc` accepts, newest first (`manylinux_2_36_x86_64`
    /// down to `manylinux_2_5_x86_64`, with the legacy aliases).
    public static func platforms(glibc: SymbolVersion, architecture: String) -> [String] {
        let minor = glibc.components.count > 1 ? glibc.components[1] : 0
        return ManylinuxPolicy.all.filter { $0.glibcMinor <= minor }.reversed().flatMap { policy -> [String] in
            let tag = policy.tag(architecture: architecture)
            return [tag.description] + (tag.legacyAlias.map { [$0] } ?? [])
        }
    }

    /// A wheelhouse holding wheels for `requirements` and their dependencies, for CPython
    /// `pythonVersion` on `platforms`. Made once per distinct set; a second call returns it
    /// without running pip. Built in a temporary folder and renamed into place when complete.
    /// The requirements come from sdists: pip gets each in packaging's form, after `--`, so none
    /// can be read as an option.
    public func wheelhouse(for requirements: [IndexRequirement], pythonVersion: String, platforms: [String]) async throws -> URL {
        let texts = requirements.map(\.description)
        // The indices are part of the key: the company's index and upstream may hold other wheels.
        let key = ([pythonVersion] + platforms + indices.map(\.absoluteString) + ["--"] + texts.sorted()).joined(separator: "\n")
        let digest = SHA256.hash(data: Array(key.utf8)).hex
        let target = root.appendingPathComponent(String(digest.prefix(24)))
        if CompletedFolder.isComplete(target) { return target }

        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let partial = root.appendingPathComponent("partial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: partial) }
        // A backend that builds itself (setuptools: `requires = []`, `backend-path`) needs nothing;
        // pip download refuses an empty list, so the empty wheelhouse is made here.
        guard !requirements.isEmpty else {
            try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
            try CompletedFolder.finish(partial, as: target, note: key)
            return target
        }
        var arguments = ["-m", "pip", "download", "--disable-pip-version-check", "--no-input", "--only-binary", ":all:",
                         "--implementation", "cp", "--python-version", pythonVersion, "--dest", partial.path]
        for platform in platforms { arguments += ["--platform", platform] }
        if let first = indices.first { arguments += ["--index-url", first.absoluteString] }
        for extra in indices.dropFirst() { arguments += ["--extra-index-url", extra.absoluteString] }
        arguments += ["--"] + texts
        let result = try await Subprocess.run(
            .path(FilePath(python)), arguments: Arguments(arguments),
            environment: .inherit.updating(["PIP_FIND_LINKS": nil, "PIP_NO_INDEX": nil]),
            output: .string(limit: 4 << 20), error: .string(limit: 4 << 20)
        )
        guard result.terminationStatus.isSuccess else {
            let tail = (result.standardOutput + result.standardError).split(separator: "\n").suffix(5).joined(separator: "\n")
            throw UpstreamError.wheelhouse(texts.joined(separator: ", "), reason: tail)
        }
        try CompletedFolder.finish(partial, as: target, note: key)
        return target
    }
}
