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

#if canImport(Glibc)
import Glibc
#endif

/// Renders Markdown release descriptions for the pages in a child process (`wheelwright
/// render-description`, this very executable), because Debian 12's cmark-gfm still has
/// polynomial cases (`![[]()` repeated: 2.9 s for 128 KiB) and a page view must not hold the
/// server: the child limits its own CPU time and memory, and whatever happens to it the page
/// shows the text escaped instead.
///
/// Nothing about the child can end the server: its input and output are unlinked temporary
/// files in the scratch folder, handed over as descriptors (no pipe, so no write to a child
/// that died), the input cut to `DescriptionRendering.maximumBytes` before it is written, the
/// output read up to `maximumOutputBytes`. Two children at most at once and at most
/// `maximumWaiting` views waiting; a view beyond that gets the escaped text at once. Results
/// (failures included: the same input fails again) are kept by the digest of what was rendered,
/// up to `byteCapacity`.
actor DescriptionRenderer {
    /// The wheelwright executable and the folder for its input and output files; nil: no
    /// child, the text shown escaped.
    let child: (executable: String, scratch: URL)?
    let byteCapacity: Int
    static let concurrentChildren = 2
    static let maximumWaiting = 32
    /// The most HTML taken from a child: a description of 1 MiB that renders to more is
    /// nesting or markup no README needs.
    static let maximumOutputBytes = 4 << 20

    private var rendered: [String: String] = [:]
    /// Keys oldest first: the first are dropped when the bytes exceed the capacity.
    private var order: [String] = []
    private var bytes = 0
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(child: (executable: String, scratch: URL)?, byteCapacity: Int = 8 << 20) {
        (self.child, self.byteCapacity) = (child, byteCapacity)
    }

    /// The description as sanitized HTML (escaped preformatted text when it is not Markdown,
    /// when the child failed, or when too many views wait), and whether a page may keep it: not
    /// the text given while the renderer is busy, which the next view renders.
    func html(_ description: String, contentType: String?) async -> (html: String, lasting: Bool) {
        guard !description.isEmpty else { return ("", true) }
        guard let child, DescriptionRendering.isMarkdown(contentType: contentType) else {
            return (DescriptionRendering.html(description, contentType: nil), true)
        }
        let key = SHA256.hash(data: Data(((contentType ?? "") + "\n" + description).utf8)).hex
        if let hit = rendered[key] { return (hit, true) }
        if running >= Self.concurrentChildren {
            guard waiting.count < Self.maximumWaiting else { return (Self.fallback(description, "the renderer is busy"), false) }
            await withCheckedContinuation { waiting.append($0) }
        }
        running += 1
        let html = await Self.renderInChild(child, description: description, contentType: contentType)
        running -= 1
        if !waiting.isEmpty { waiting.removeFirst().resume() }
        keep(html, as: key)
        return (html, true)
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

    private static func fallback(_ description: String, _ reason: String) -> String {
        "<p class=\"meta\">The description is shown as it was uploaded (\(reason)).</p>" + DescriptionRendering.preformatted(description)
    }

    private static func renderInChild(_ child: (executable: String, scratch: URL), description: String, contentType: String?) async -> String {
        let input: FileDescriptor, output: FileDescriptor
        do {
            input = try anonymousFile(in: child.scratch)
            output = try anonymousFile(in: child.scratch)
        } catch {
            return fallback(description, "no scratch file: \(error)")
        }
        defer {
            try? input.close()
            try? output.close()
        }
        let arguments = ["render-description"] + (contentType.map { ["--content-type", $0] } ?? [])
        do {
            let text = Array(DescriptionRendering.bounded(description).text.utf8)
            _ = try input.writeAll(text)
            _ = try input.seek(offset: 0, from: .start)
            let result = try await Subprocess.run(
                .path(FilePath(child.executable)), arguments: Arguments(arguments),
                // A crash ends the child at once, without the seconds a backtrace takes.
                environment: .custom(["SWIFT_BACKTRACE": "enable=no"]),
                input: .fileDescriptor(input, closeAfterSpawningProcess: false),
                output: .fileDescriptor(output, closeAfterSpawningProcess: false), error: .discarded
            )
            guard result.terminationStatus.isSuccess else { return fallback(description, "the renderer stopped: \(result.terminationStatus)") }
            let size = try output.seek(offset: 0, from: .end)
            guard size <= Int64(maximumOutputBytes) else { return fallback(description, "it renders to more than \(maximumOutputBytes >> 20) MiB") }
            var html = [UInt8](repeating: 0, count: Int(size))
            let read = try html.withUnsafeMutableBytes { try output.read(fromAbsoluteOffset: 0, into: $0) }
            return String(decoding: html.prefix(read), as: UTF8.self)
        } catch {
            return fallback(description, "the renderer could not run: \(error)")
        }
    }

    /// A new file in `folder` that no other process can open: created 0600 and unlinked at once,
    /// so a crash leaves nothing behind and no replica sharing the folder sees it.
    private static func anonymousFile(in folder: URL) throws -> FileDescriptor {
        let path = FilePath(folder.appendingPathComponent("description-\(UUID().uuidString)").path)
        let descriptor = try FileDescriptor.open(path, .readWrite, options: [.create, .exclusiveCreate], permissions: [.ownerReadWrite])
        _ = unlink(path.string)
        return descriptor
    }
}
