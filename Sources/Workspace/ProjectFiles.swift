import Foundation
import SiteConfiguration
import YAMLFiles

/// Reads the files a command works on: whitelist YAML files and the target definitions
/// under `containers/`, and `wheelwright.yaml`: the file system's edge of the pure formats.
public enum ProjectFiles {
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "\(path): no such file or directory" }
    }

    /// Every `*.yaml` / `*.yml` file named, or found directly inside a named folder, in name
    /// order; in a folder, hidden files and the copies editors and patch tools leave
    /// (`NAME.orig.yaml`, `.bak`, `.old`, `.rej`, `.tmp`, `.swp`) are not whitelist files.
    public static func whitelistSources(_ paths: [String]) throws -> [SourceFile] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw Missing(path: path) }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter(isWhitelistFileName)
                    .sorted()
                files += names.map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return try files.map(read)
    }

    /// Whether a file found in a whitelist folder is one: `NAME.yaml` or `NAME.yml`, not hidden,
    /// not a backup or an editor's copy.
    static func isWhitelistFileName(_ name: String) -> Bool {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: "."), [".yaml", ".yml"].contains(name[dot...]) else { return false }
        let stem = name[..<dot]
        return !Self.copySuffixes.contains { stem.hasSuffix($0) }
    }

    static let copySuffixes = [".orig", ".bak", ".old", ".rej", ".tmp", ".swp", "~"]

    public static func read(_ path: String) throws -> SourceFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw Missing(path: path) }
        return SourceFile(path: path, bytes: [UInt8](data))
    }

    /// The targets defined under `containers/<name>/target.yaml`, with any diagnostics of
    /// those files. A missing folder means no targets.
    public static func targets(in directory: String) throws -> (targets: [TargetDefinition], diagnostics: [Diagnostic]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return ([], []) }
        var targets: [TargetDefinition] = []
        var diagnostics: [Diagnostic] = []
        for name in names.sorted() {
            let path = (directory as NSString).appendingPathComponent("\(name)/target.yaml")
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let (target, found) = TargetDefinition.decode(try read(path), folder: name)
            diagnostics += found
            if let target { targets.append(target) }
        }
        return (targets, diagnostics)
    }

    /// Writes beside the file, then renames over it: a reader sees the old or the new file, whole.
    public static func replace(_ path: String, with text: String) throws {
        let temporary = path + ".wheelwright-tmp"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw CannotWrite(path: path, reason: reason)
        }
    }

    public struct CannotWrite: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot replace \(path): \(reason)" }
    }
}
