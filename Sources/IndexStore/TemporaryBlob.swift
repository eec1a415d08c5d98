import Basics
import CFileSync
import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A blob being written: bytes go to disk while their SHA-256 (and the MD5 and BLAKE2b-256
/// that twine also sends) are computed.
public struct TemporaryBlob: Sendable {
    public let url: URL
    let file: OpenFile
    private var sha256 = SHA256()
    private var md5 = Insecure.MD5()
    private var blake2 = BLAKE2b(outputLength: 32)
    public private(set) var size: Int64 = 0

    init(url: URL, descriptor: Int32) { (self.url, self.file) = (url, OpenFile(descriptor)) }

    public mutating func write(_ bytes: some DataProtocol) throws {
        sha256.update(data: bytes)
        md5.update(data: bytes)
        blake2.update(bytes)
        size += Int64(bytes.count)
        guard let descriptor = file.descriptor else { throw StoreError(.internalError, "an upload was written to after it was finished") }
        for region in bytes.regions {
            let failure: Int32 = region.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += written
                }
                return 0
            }
            if failure != 0 { throw StoreError.writeFailed("cannot write an upload to disk", errno: failure) }
        }
    }

    /// The digests so far, as lower-case hex.
    public var digests: (sha256: String, md5: String, blake2b256: String) {
        (sha256.finalize().hex, md5.finalize().hex, blake2.finalize().hex)
    }

    /// Starts writing the bytes to disk without waiting: a group commit starts every blob of a
    /// batch first, so that the fsyncs that follow (`finish`) share the device's work.
    func startWriteback() {
        guard let descriptor = file.descriptor else { return }
        _ = wheelwright_start_writeback(descriptor)
    }

    /// Flushes to disk and closes; returns the digest.
    func finish() throws -> BlobDigest {
        guard let descriptor = file.descriptor else { throw StoreError(.internalError, "an upload was finished twice") }
        let synchronized = fsync(descriptor) == 0 ? 0 : errno
        file.close()
        if synchronized != 0 { throw StoreError.writeFailed("cannot flush an upload to disk", errno: synchronized) }
        return BlobDigest(sha256.finalize().hex)!
    }
}

/// A file descriptor closed exactly once, whichever path (finish, discard) gets there first: a
/// second `close` could close a descriptor another thread has opened since.
final class OpenFile: Sendable {
    private let state: Mutex<Int32?>

    init(_ descriptor: Int32) { state = Mutex(descriptor) }

    var descriptor: Int32? { state.withLock { $0 } }

    func close() {
        state.withLock { descriptor in
            if let open = descriptor { _ = Glibc.close(open) }
            descriptor = nil
        }
    }
}
