import CArchive

#if canImport(Glibc)
import Glibc
#endif

/// Writes a copy of a zip (a wheel) with some members' bytes replaced, streaming every other
/// member through unchanged, in the original order, and new members added at the end (regular
/// files, mode 0644, in the order given). The copy is written to a temporary file beside
/// `destination` and renamed over it only when complete.
public enum ZipRewriter {
    public static func copy(_ source: String, to destination: String, replacing replacements: [String: [UInt8]],
                            adding additions: [(path: String, bytes: [UInt8])] = [],
                            limits: ArchiveLimits = ArchiveLimits()) throws(ArchiveError) {
        guard let reader = archive_read_new() else { throw .unreadable(source, reason: "libarchive could not start") }
        defer { archive_read_free(reader) }
        archive_read_support_filter_none(reader)
        archive_read_support_format_zip_seekable(reader)
        guard archive_read_open_filename(reader, source, 64 * 1024) == ARCHIVE_OK else {
            throw .unreadable(source, reason: message(reader))
        }
        guard let writer = archive_write_new() else { throw .unreadable(destination, reason: "libarchive could not start") }
        defer { archive_write_free(writer) }
        archive_write_set_format_zip(writer)
        archive_write_zip_set_compression_deflate(writer)
        let temporary = destination + ".partial"
        guard archive_write_open_filename(writer, temporary) == ARCHIVE_OK else {
            throw .unreadable(destination, reason: message(writer))
        }
        var completed = false
        defer { if !completed { unlink(temporary) } }

        var entry: OpaquePointer?
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let status = archive_read_next_header(reader, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { throw .unreadable(source, reason: message(reader)) }
            count += 1
            if count > limits.maximumEntries { throw .tooManyEntries(source, limit: limits.maximumEntries) }
            let name = archive_entry_pathname_utf8(entry).map { String(cString: $0) } ?? ""
            if let replacement = replacements[name] {
                archive_entry_set_size(entry, Int64(replacement.count))
                guard archive_write_header(writer, entry) == ARCHIVE_OK else { throw .unreadable(destination, reason: message(writer)) }
                let written = replacement.withUnsafeBytes { archive_write_data(writer, $0.baseAddress, $0.count) }
                guard written == replacement.count else { throw .unreadable(destination, reason: message(writer)) }
                archive_read_data_skip(reader)
                continue
            }
            guard archive_write_header(writer, entry) == ARCHIVE_OK else { throw .unreadable(destination, reason: message(writer)) }
            while true {
                let read = buffer.withUnsafeMutableBytes { archive_read_data(reader, $0.baseAddress, $0.count) }
                if read == 0 { break }
                guard read > 0 else { throw .unreadable(source, reason: message(reader)) }
                let written = buffer.withUnsafeBytes { archive_write_data(writer, $0.baseAddress, read) }
                guard written == read else { throw .unreadable(destination, reason: message(writer)) }
            }
        }
        for addition in additions {
            guard let added = archive_entry_new() else { throw .unreadable(destination, reason: "libarchive could not start an entry") }
            defer { archive_entry_free(added) }
            archive_entry_set_pathname_utf8(added, addition.path)
            archive_entry_set_filetype(added, 0o100000)  // AE_IFREG, a macro Swift does not import
            archive_entry_set_perm(added, 0o644)
            archive_entry_set_size(added, Int64(addition.bytes.count))
            archive_entry_set_mtime(added, time(nil), 0)
            guard archive_write_header(writer, added) == ARCHIVE_OK else { throw .unreadable(destination, reason: message(writer)) }
            let written = addition.bytes.withUnsafeBytes { archive_write_data(writer, $0.baseAddress, $0.count) }
            guard written == addition.bytes.count else { throw .unreadable(destination, reason: message(writer)) }
        }
        guard archive_write_close(writer) == ARCHIVE_OK else { throw .unreadable(destination, reason: message(writer)) }
        guard rename(temporary, destination) == 0 else {
            throw .unreadable(destination, reason: "cannot rename the rewritten wheel into place: \(String(cString: strerror(errno)))")
        }
        completed = true
    }

    private static func message(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}
