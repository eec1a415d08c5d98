import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A secret kept in a file: its first line, accepted only when no one but its owner may read it.
enum SecretFile {
    static func read(_ path: String, what: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ValidationError("\(what) \(path): cannot read it (\(String(cString: strerror(errno))))") }
        guard info.st_mode & 0o077 == 0 else {
            throw ValidationError("\(what) \(path) may be read by others (mode \(String(info.st_mode & 0o777, radix: 8))): chmod 600 \(path)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init), !line.isEmpty else {
            throw ValidationError("\(what) \(path): the first line should hold the secret; it is empty")
        }
        return line
    }
}
