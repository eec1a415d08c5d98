import Basics
import Crypto
import Descriptions
import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Renders release descriptions for the pages in a child process (`wheelwright
/// render-description`, this very executable): a Markdown renderer that traps on hostile input
/// ends the child, never the server, and the page shows the text escaped instead. Two children
/// at most at once; results kept by the digest of what was rendered, up to `byteCapacity`.
actor DescriptionRenderer {
    /// The wheelwright executable to start; nil: no child, the text shown escaped.
    let executable: String?
    let byteCapacity: Int
    static let concurrentChildren = 2

    private var rendered: [String: String] = [:]
    /// Keys oldest first: the first are dropped when the bytes exceed the capacity.
    private var order: [String] = []
    private var bytes = 0
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(executable: String?, byteCapacity: Int = 8 << 20) {
        (self.executable, self.byteCapacity) = (executable, byteCapacity)
    }

    /// The description as sanitized HTML (escaped preformatted text when it is not Markdown,
    /// or when the child failed).
    func html(_ description: String, contentType: String?) async -> String {
        guard !description.isEmpty else { return "" }
        guard let executable else { return DescriptionRendering.preformatted(description) }
        let key = SHA256.hash(data: Data(((contentType ?? "") + "\n" + description).utf8)).hex
        if let hit = rendered[key] { return hit }
        while running >= Self.concurrentChildren {
            await withCheckedContinuation { waiting.append($0) }
        }
        running += 1
        let html = await Self.renderInChild(executable: executable, description: description, contentType: contentType)
        running -= 1
        if !waiting.isEmpty { waiting.removeFirst().resume() }
        keep(html, as: key)
        return html
    }

    private func keep(_ html: String, as key: String) {
        guard rendered[key] == nil, html.utf8.count <= byteCapacity else { return }
        rendered[key] = html
        order.append(key)
        bytes += html.utf8.count
        while bytes > byteCapacity, !order.isEmpty {
            let oldest = order.removeFirst()
            bytes -= rendered.removeValue(forKey: oldest)?.utf8.count ?? 0
        }
    }

    private static func renderInChild(executable: String, description: String, contentType: String?) async -> String {
        let arguments = ["render-description"] + (contentType.map { ["--content-type", $0] } ?? [])
        do {
            let result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments),
                // A trap ends the child at once, without the seconds a backtrace takes.
                environment: .custom(["SWIFT_BACKTRACE": "enable=no"]),
                input: .string(description), output: .string(limit: 4 << 20), error: .discarded
            )
            if result.terminationStatus.isSuccess { return result.standardOutput }
        } catch {
            // Not started, or its output beyond the limit: the text is shown escaped.
        }
        return "<p class=\"meta\">The description could not be rendered; it is shown as it was uploaded.</p>" + DescriptionRendering.preformatted(description)
    }

}
