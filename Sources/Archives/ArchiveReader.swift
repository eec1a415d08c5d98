import CArchive

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

    /// One entry as the archive declares it, without its bytes.
    public struct Entry: Sendable, Equatable {
        public let path: String
        /// A regular file (not a directory, link or special file).
        public let isFile: Bool
        public let isDirectory: Bool
        /// The size it declares (0 when none is set).
        public let size: Int64
    }

    /// Every entry's path, kind and declared size, under `limits`' entry count and total size.
    public static func entries(_ path: String, format: ArchiveFormat, limits: ArchiveLimits = ArchiveLimits()) throws(ArchiveError) -> [Entry] {
        var entries: [Entry] = []
        try walk(path, format: format, limits: limits) { _ in .skip } seen: { entry in entries.append(entry) }
        return entries
    }

    enum Decision { case read, skip }

    /// Visits every entry; `decide` chooses which to read; reading stops a member at the limit.
    private static func walk(
        _ path: String,
        format: ArchiveFormat,
        limits: ArchiveLimits,
        decide: (String) -> Decision,
        seen: (Entry) -> Void = { _ in },
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
            // AE_IFREG and AE_IFDIR (macros with casts, which Swift does not import).
            let kind = UInt32(archive_entry_filetype(entry))
            seen(Entry(path: name, isFile: kind == 0o100000, isDirectory: kind == 0o040000, size: max(size, 0)))
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
