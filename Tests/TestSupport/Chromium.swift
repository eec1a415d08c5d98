import Foundation

/// Debian's chromium, headless: screenshots of pages into `.build/screenshots/`, and the DOM
/// as the browser built it.
public struct Chromium: Sendable {
    public static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
    public static let shots = Repository.root.appendingPathComponent(".build/screenshots")

    let arguments: [String]

    /// A browser with its own profile in `profile` (a test's temporary folder).
    public init(profile: String) {
        arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile)", "--window-size=1280,900"]
    }

    /// The screenshot of `url` saved as `.build/screenshots/NAME.png`; its bytes.
    public func screenshot(_ url: String, name: String) async throws -> Data {
        try FileManager.default.createDirectory(at: Self.shots, withIntermediateDirectories: true)
        let png = Self.shots.appendingPathComponent("\(name).png").path
        try? FileManager.default.removeItem(atPath: png)
        let (_, output) = try await runTool("/usr/bin/chromium", arguments + ["--screenshot=\(png)", url])
        guard let bytes = FileManager.default.contents(atPath: png) else { throw TestFailure("no screenshot of \(url): \(output)") }
        return bytes
    }

    /// The DOM of `url` after the browser rendered it.
    public func dom(_ url: String) async throws -> (status: Int32, html: String) {
        let (status, html) = try await runTool("/usr/bin/chromium", arguments + ["--dump-dom", url])
        return (status, html)
    }
}
