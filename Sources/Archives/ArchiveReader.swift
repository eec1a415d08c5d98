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

/// Limits that keep a hostile archive from exhausting memory or time.
public struct ArchiveLimits: Sendable {
    /// The most entries an archive may have.
    public var maximumEntries = 200_000
    /// The most bytes one member that is read into memory may expand to.
    public var maximumMemberSize = 16 << 20
    /// The most bytes all members together may declare (zip central directory sizes).
    public var maximumTotalSize: Int64 = 8 << 30

    public init() {}
}

/// The container formats distributions come in.
public enum ArchiveFormat: Sendable {
    /// Wheels and legacy `.zip` sdists.
    case zip
    /// `.tar.gz` sdists (and `.tar.bz2`, `.tar.xz`, `.tar`).
    case tarball

    /// The format a distribution's filename declares: `.whl` and `.zip` are zips, the rest tarballs.
    public init(filename: String) {
        self = filename.hasSuffix(".whl") || filename.hasSuffix(".zip") ? .zip : .tarball
    }
}

/// Reads sdists (`.tar.gz`, `.zip`) and wheels (`.whl`, a zip) through libarchive. The format
/// is given, not sniffed: a wheel that is not a zip is refused.
public enum ArchiveReader {
    /// One member's path and bytes.
    public struct Member: Sendable {
        public let path: String
        public let bytes: [UInt8]
    }

    /// Reads every member whose path `matches` into memory, up to `limits.maximumMemberSize` each.
    public static func read(_ path: String, format: ArchiveFormat, limits: ArchiveLimits = ArchiveLimits(), where matches: (String) -> Bool) throws(ArchiveError) -> [Member] {
        var members: [Member] = []
        try walk(path, format: format, limits: limits) { name in matches(name) ? .read : .skip } found: { member in
            members.append(member)
        }
        return members
    }

    enum Decision { case read, skip }

    /// Visits every entry; `decide` chooses which to read; reading stops a member at the limit.
    private static func walk(
        _ path: String,
        format: ArchiveFormat,
        limits: ArchiveLimits,
        decide: (String) -> Decision,
        found: (Member) -> Void = { _ in }
    ) throws(ArchiveError) {
        guard let archive = archive_read_new() else { throw .unreadable(path, reason: "libarchive could not start") }
        defer { archive_read_free(archive) }
        switch format {
        case .zip:
            // A wheel is a zip and nothing else. The seekable reader trusts the central
            // directory, as pip and Python's zipfile do.
            archive_read_support_filter_none(archive)
            archive_read_support_format_zip_seekable(archive)
        case .tarball:
            archive_read_support_filter_gzip(archive)
            archive_read_support_filter_bzip2(archive)
            archive_read_support_filter_xz(archive)
            archive_read_support_format_tar(archive)
        }
        guard archive_read_open_filename(archive, path, 64 * 1024) == ARCHIVE_OK else {
            throw .unreadable(path, reason: errorString(archive))
        }
        var entry: OpaquePointer?
        var count = 0
        var declaredTotal: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                throw .unreadable(path, reason: errorString(archive))
            }
            count += 1
            if count > limits.maximumEntries { throw .tooManyEntries(path, limit: limits.maximumEntries) }
            let name = archive_entry_pathname_utf8(entry).map { String(cString: $0) }
                ?? archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            let size = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : 0
            declaredTotal += max(size, 0)
            if declaredTotal > limits.maximumTotalSize { throw .expandsTooFar(path, limit: limits.maximumTotalSize) }
            guard decide(name) == .read else {
                archive_read_data_skip(archive)
                continue
            }
            var bytes: [UInt8] = []
            while true {
                let read = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                if read == 0 { break }
                guard read > 0 else { throw .unreadable(path, reason: errorString(archive)) }
                if bytes.count + read > limits.maximumMemberSize {
                    throw .memberTooLarge(path, member: name, limit: limits.maximumMemberSize)
                }
                bytes.append(contentsOf: buffer[0..<read])
            }
            found(Member(path: name, bytes: bytes))
        }
    }

    private static func errorString(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}

/// Where the core metadata sits in a distribution.
public enum DistributionMetadata {
    /// A wheel's `NAME-VERSION.dist-info/METADATA` (exactly one, at the top level).
    public static func wheelMetadata(_ path: String, limits: ArchiveLimits = ArchiveLimits()) throws(ArchiveError) -> Member {
        try single(path, format: .zip, expected: "*.dist-info/METADATA", limits: limits) { name in
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[0].hasSuffix(".dist-info") && parts[1] == "METADATA"
        }
    }

    /// An sdist's `NAME-VERSION/PKG-INFO` (at the top directory, not a nested package's).
    public static func sdistMetadata(_ path: String, format: ArchiveFormat, limits: ArchiveLimits = ArchiveLimits()) throws(ArchiveError) -> Member {
        try single(path, format: format, expected: "NAME-VERSION/PKG-INFO", limits: limits) { name in
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1] == "PKG-INFO"
        }
    }

    public typealias Member = ArchiveReader.Member

    private static func single(
        _ path: String, format: ArchiveFormat, expected: String, limits: ArchiveLimits, matches: (String) -> Bool
    ) throws(ArchiveError) -> Member {
        let found = try ArchiveReader.read(path, format: format, limits: limits, where: matches)
        guard let first = found.first else { throw .missingMember(path, expected: expected) }
        guard found.count == 1 else { throw .ambiguousMember(path, candidates: found.map(\.path)) }
        return first
    }
}
