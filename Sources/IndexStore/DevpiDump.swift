import Foundation

/// What `devpi-export` writes (`dataindex.json`, dump version 2), as far as an import reads it:
/// users, indices with their settings, and each release file with its path in the dump, its
/// digests and the release's metadata (for the yank state).
public struct DevpiDump: Decodable, Sendable {
    public struct User: Decodable, Sendable {
        public var email: String?
    }

    public struct Index: Decodable, Sendable {
        public var indexconfig: Config
        /// Project → version → the release's metadata.
        public var projects: [String: [String: Release]]?
        public var files: [File]?
    }

    public struct Config: Decodable, Sendable {
        public var type: String?
        public var bases: [String]?
        public var volatile: Bool?
        public var aclUpload: [String]?

        enum CodingKeys: String, CodingKey {
            case type, bases, volatile
            case aclUpload = "acl_upload"
        }
    }

    public struct Release: Decodable, Sendable {
        public var yanked: Bool?
    }

    public struct File: Decodable, Sendable {
        public var type: String
        public var projectname: String
        public var version: String?
        /// Where the file is, relative to the dump's folder.
        public var relpath: String
        public var entrymapping: Entry?
    }

    public struct Entry: Decodable, Sendable {
        public var hashSpec: String?
        public var hashes: [String: String]?

        enum CodingKeys: String, CodingKey {
            case hashes
            case hashSpec = "hash_spec"
        }

        /// The sha256 the dump records for the file, from `hashes` or `hash_spec`.
        public var sha256: String? {
            if let value = hashes?["sha256"] { return value }
            guard let spec = hashSpec, spec.hasPrefix("sha256=") else { return nil }
            return String(spec.dropFirst("sha256=".count))
        }
    }

    public var dumpversion: String
    public var users: [String: User]
    public var indexes: [String: Index]
}
