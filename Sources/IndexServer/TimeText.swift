import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The time as a line or a header writes it, formatted once per second rather than once per use.
final class TimeText: Sendable {
    /// The local time as swift-log's standard handler writes it: `2026-11-30T17:05:38+0000`.
    static let log = TimeText(format: "%Y-%m-%dT%H:%M:%S%z", utc: false)
    /// An HTTP `Date` (RFC 9110's IMF-fixdate): `Tue, 08 Dec 2026 03:10:00 GMT`.
    static let http = TimeText(format: "%a, %d %b %Y %H:%M:%S GMT", utc: true)

    private let format: String
    private let utc: Bool
    private let cache = Mutex<(second: Int, text: String)>((-1, ""))

    private init(format: String, utc: Bool) {
        (self.format, self.utc) = (format, utc)
    }

    func now() -> String {
        // time(2), not clock_gettime: `timespec` is declared by a header CDispatch includes first,
        // so under MemberImportVisibility a release build (not a debug one) refuses its members.
        let second = time(nil)
        if let text = cache.withLock({ $0.second == second ? $0.text : nil }) { return text }
        var seconds = second
        var parts = tm()
        if utc { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
        var buffer = [CChar](repeating: 0, count: 64)
        // The C locale's day and month names: the process never sets LC_TIME.
        let count = strftime(&buffer, buffer.count, format, &parts)
        let text = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        cache.withLock { $0 = (second, text) }
        return text
    }
}
