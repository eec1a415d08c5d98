import Archives
import Foundation
import PythonPackaging

/// Gives a built wheel its final name and tags: a pure wheel keeps `py3-none-any`; a binary
/// wheel's shared objects are audited against the manylinux policies and the wheel is retagged
/// `manylinux_2_Y_<arch>` (with the legacy alias, as auditwheel writes it) when they fit, else
/// it stays `linux_<arch>`. The entry's `build: N` becomes the build tag. The filename, the
/// WHEEL file's `Tag:` and `Build:` lines and RECORD are rewritten together.
public struct Retagger: Sendable {
    /// The verdict on one wheel, and where the final file is.
    public struct Result: Sendable {
        public let wheel: URL
        public let filename: WheelFilename
        public let isPure: Bool
        /// Nil for a pure wheel.
        public let audit: ManylinuxAudit?
    }

    public let architecture: String
    public let glibc: SymbolVersion

    public init(architecture: String, glibc: SymbolVersion) { (self.architecture, self.glibc) = (architecture, glibc) }

    public func finish(_ built: URL, buildTag: Int?) throws -> Result {
        let original = try WheelFilename(built.lastPathComponent)
        let distInfo = "\(original.distribution)-\(original.versionText).dist-info"
        var limits = ArchiveLimits()
        limits.maximumMemberSize = 1 << 30
        let members = try ArchiveReader.read(built.path, format: .zip, limits: limits) { path in
            path == "\(distInfo)/WHEEL" || path == "\(distInfo)/RECORD" || Self.isSharedObject(path)
        }
        guard let wheelFile = members.first(where: { $0.path == "\(distInfo)/WHEEL" }),
              let record = members.first(where: { $0.path == "\(distInfo)/RECORD" }) else {
            throw BuilderError.badWheel(built.lastPathComponent, "it has no \(distInfo)/WHEEL and RECORD")
        }
        let wheelText = String(decoding: wheelFile.bytes, as: UTF8.self)
        let objects = members.filter { Self.isSharedObject($0.path) && ELFDependencies.isELF($0.bytes) }
        let isPure = wheelText.contains("Root-Is-Purelib: true") && original.tagSet.isPure && objects.isEmpty

        var tagSet = original.tagSet
        var audit: ManylinuxAudit?
        if !isPure {
            let found = try Self.audit(objects, architecture: architecture, glibc: glibc)
            audit = found
            tagSet = tagSet.replacingPlatforms(found.policy.map { [$0.description] + ($0.legacyAlias.map { [$0] } ?? []) } ?? [found.platformTag])
        }
        let build = buildTag.map { BuildTag(number: UInt64($0)) }
        let filename = original.replacing(buildTag: .some(build), tagSet: tagSet)
        if filename == original { return Result(wheel: built, filename: original, isPure: isPure, audit: audit) }

        let newWheel = Array(Self.wheelMetadata(wheelText, tags: tagSet.tags.map(\.description).sorted(), build: build).utf8)
        let newRecord = WheelRecord.replacing(String(decoding: record.bytes, as: UTF8.self), path: "\(distInfo)/WHEEL", with: newWheel)
        let destination = built.deletingLastPathComponent().appendingPathComponent(filename.description)
        try ZipRewriter.copy(built.path, to: destination.path, replacing: [
            "\(distInfo)/WHEEL": newWheel, "\(distInfo)/RECORD": Array(newRecord.utf8),
        ])
        try? FileManager.default.removeItem(at: built)
        return Result(wheel: destination, filename: filename, isPure: isPure, audit: audit)
    }

    /// Audits a wheel's shared objects. A library the wheel carries itself (as auditwheel repair
    /// bundles them, `pkg.libs/libffi-1a2b.so.8`) is not an external dependency: its own needs count instead.
    static func audit(_ objects: [ArchiveReader.Member], architecture: String, glibc: SymbolVersion?) throws -> ManylinuxAudit {
        let carried = Set(objects.map { $0.path.split(separator: "/").last.map(String.init) ?? $0.path })
        let dependencies = try objects.map { member -> ELFDependencies in
            let found = try ELFDependencies(bytes: member.bytes)
            return ELFDependencies(architecture: found.architecture, neededLibraries: found.neededLibraries.filter { !carried.contains($0) },
                                   versionNames: found.versionNames)
        }
        return ManylinuxAudit(objects: dependencies, architecture: architecture, glibcCeiling: glibc)
    }

    /// Audits the wheel at `path` for `architecture` (nil when it holds no shared object).
    public static func audit(wheel path: String, architecture: String) throws -> ManylinuxAudit? {
        var limits = ArchiveLimits()
        limits.maximumMemberSize = 1 << 30
        let objects = try ArchiveReader.read(path, format: .zip, limits: limits) { isSharedObject($0) }.filter { ELFDependencies.isELF($0.bytes) }
        return objects.isEmpty ? nil : try audit(objects, architecture: architecture, glibc: nil)
    }

    static func isSharedObject(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasSuffix(".so") || name.contains(".so.")
    }

    /// The WHEEL file with its `Tag:` lines replaced and `Build:` set (or removed).
    static func wheelMetadata(_ text: String, tags: [String], build: BuildTag?) -> String {
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
        while lines.last == "" { lines.removeLast() }
        lines.removeAll { $0.hasPrefix("Tag:") || $0.hasPrefix("Build:") }
        if let build { lines.append("Build: \(build)") }
        lines += tags.map { "Tag: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

}
