import ArgumentParser
import Descriptions
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The server's child process for one release description: standard input in, sanitized HTML
/// out (the server hands over files, not pipes). It limits itself first (CPU seconds, address
/// space), so a renderer that is slow or balloons on hostile Markdown dies alone; the server
/// shows the text escaped instead.
struct RenderDescription: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-description",
        abstract: "Render a release description (standard input) as sanitized HTML: the index server's child process.",
        shouldDisplay: false
    )

    @Option(help: "The Description-Content-Type (text/markdown renders; anything else is escaped text).")
    var contentType: String?

    /// What the child may use: ample for a 1 MiB README (cmark-gfm renders one in tens of
    /// milliseconds), small against its polynomial cases.
    static let cpuSeconds: rlim_t = 3
    static let addressSpace: rlim_t = 2 << 30

    func run() throws {
        var cpu = rlimit(rlim_cur: Self.cpuSeconds, rlim_max: Self.cpuSeconds)
        var memory = rlimit(rlim_cur: Self.addressSpace, rlim_max: Self.addressSpace)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CPU.rawValue), &cpu)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &memory)
        let input = FileHandle.standardInput.readData(ofLength: DescriptionRendering.maximumBytes + 4)
        let html = DescriptionRendering.html(String(decoding: input, as: UTF8.self), contentType: contentType)
        FileHandle.standardOutput.write(Data(html.utf8))
    }
}
