/// An API token as text, `ww_<id>_<secret>`: what the index hands out once, what clients send
/// (as a password, or in `X-Devpi-Auth`), and whose id names it in `token revoke`.
public enum TokenText {
    public static func make(id: String, secret: String) -> String { "ww_\(id)_\(secret)" }

    /// The id and secret of a token, or nil when `text` is not one.
    public static func parse(_ text: String) -> (id: String, secret: String)? {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "ww", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        return (String(parts[1]), String(parts[2]))
    }
}
