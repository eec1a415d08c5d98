import CArchive

/// Why an archive could not be read; the description names the archive and what to do.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String, reason: String)
    case memberTooLarge(String, member: String, limit: Int)
    case tooManyEntries(String, limit: Int)
    case expandsTooFar(String, limit: Int64)
    case missingMember(String, expected: String)
    case ambiguousMember(String, candidates: [String])

    public var description: String {
        switch self {
        case let .unreadable(archive, reason):
            "\(archive) is not a readable archive: \(reason)"
        case let .memberTooLarge(archive, member, limit):
            "\(member) in \(archive) is larger than \(limit) bytes uncompressed (a zip bomb?)"
        case let .tooManyEntries(archive, limit):
            "\(archive) has more than \(limit) entries"
        case let .expandsTooFar(archive, limit):
            "\(archive) would expand to more than \(limit) bytes (a zip bomb?)"
        case let .missingMember(archive, expected):
            "\(archive) has no \(expected)"
        case let .ambiguousMember(archive, candidates):
            "\(archive) has several candidates: \(candidates.joined(separator: ", "))"
        }
    }
}
