import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Who a request came from. Behind a reverse proxy every connection's peer is the proxy; the
/// client is then the last address of `X-Forwarded-For` that no trusted proxy wrote. The header
/// is believed only from the proxies the operator names (`serve --trusted-proxy`): anyone else
/// could write any address into it, and login throttling keys on this answer.
public enum ClientAddress {
    /// The longest `X-Forwarded-For` read: a chain of a few proxies needs a fraction of it.
    public static let maximumForwardedFor = 4096

    /// The client of a request whose connection comes from `peer`, or nil when a trusted proxy
    /// passed a header that cannot be read (longer than `maximumForwardedFor`, or not an IP
    /// address where the walk needs one): the request is refused (400) rather than put on the
    /// proxy's account, where its failed logins would lock out everyone behind that proxy.
    public static func resolve(peer: String, forwardedFor: String?, trusted: Set<String>) -> String? {
        guard trusted.contains(peer), let forwardedFor else { return peer }
        guard forwardedFor.utf8.count <= maximumForwardedFor else { return nil }
        // Right to left: each trusted proxy appended the address it saw.
        var client = peer
        for entry in forwardedFor.split(separator: ",").reversed() {
            guard let address = canonical(entry.trimmingCharacters(in: .whitespaces)) else { return nil }
            client = address
            if !trusted.contains(address) { return address }
        }
        return client
    }

    /// The address in its standard text form (`::1`, `10.0.0.1`), or nil when it is not an IP
    /// address: a forged header holds no path, name or markup that reaches a log line.
    public static func canonical(_ text: String) -> String? {
        guard (1...45).contains(text.utf8.count) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return format(AF_INET, &v4, INET_ADDRSTRLEN) }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return format(AF_INET6, &v6, INET6_ADDRSTRLEN) }
        return nil
    }

    private static func format<Address>(_ family: Int32, _ address: inout Address, _ length: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(length))
        guard inet_ntop(family, &address, &buffer, socklen_t(length)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
