import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The local time as swift-log's standard handler writes it (`2026-11-30T17:05:38+0000`),
/// formatted once per second rather than once per line.
final class LogTimestamp: Sendable {
    private let cache = Mutex<(second: Int, text: String)>((-1, ""))

    func now() -> String {
        // time(2), not clock_gettime: `timespec` is declared by a header CDispatch includes first,
        // so under MemberImportVisibility a release build (not a debug one) refuses its members.
        let second = time(nil)
        if let text = cache.withLock({ $0.second == second ? $0.text : nil }) { return text }
        var seconds = second
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        let text = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        cache.withLock { $0 = (second, text) }
        return text
    }
}
