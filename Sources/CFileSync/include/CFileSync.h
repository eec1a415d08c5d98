#ifndef WHEELWRIGHT_CFILESYNC_H
#define WHEELWRIGHT_CFILESYNC_H

/// Starts writing a file's dirty pages to disk without waiting (Linux's sync_file_range with
/// SYNC_FILE_RANGE_WRITE, which Swift's Glibc module does not export: it needs _GNU_SOURCE).
/// Returns 0, or -1 with errno set.
int wheelwright_start_writeback(int descriptor);

#endif
