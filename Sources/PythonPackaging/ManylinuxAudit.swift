/// The platform verdict on a binary wheel: the most compatible manylinux tag its shared objects
/// allow, or `linux_<arch>` and why not.
public struct ManylinuxAudit: Sendable, Hashable {
    public let architecture: String
    /// Nil when the wheel must stay `linux_<arch>`.
    public let policy: ManylinuxTag?
    /// Why no manylinux policy fits (the libraries or symbol versions outside every policy).
    public let reason: String?
    /// The highest `GLIBC_` version any object needs.
    public let highestGLIBC: SymbolVersion?
    /// The libraries it links that the newest policy the target allows does not: what a repair grafts.
    public let outsideLibraries: [String]

    /// glibc's dynamic loader, which every program on the system has (auditwheel ignores it too).
    static let dynamicLoaders: Set<String> = [
        "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "ld-linux.so.2", "ld64.so.2", "ld64.so.1", "ld-linux-armhf.so.3",
    ]

    /// `manylinux_2_17_x86_64` or `linux_x86_64`.
    public var platformTag: String { policy?.description ?? "linux_\(architecture)" }

    /// Audits every shared object of a wheel; `glibcCeiling` is the target's glibc (the build
    /// cannot claim more than the OS it ran on).
    public init(objects: [ELFDependencies], architecture: String, glibcCeiling: SymbolVersion? = nil) {
        self.architecture = architecture
        let needed = Set(objects.flatMap(\.neededLibraries)).subtracting(Self.dynamicLoaders)
        let versions = Set(objects.flatMap(\.versionNames))
        highestGLIBC = versions.filter { $0.hasPrefix("GLIBC_") }.compactMap { SymbolVersion($0.dropFirst(6)) }.max()
        let ceilingMinor = glibcCeiling.map { $0.components.count > 1 ? $0.components[1] : 0 } ?? Int.max
        if let wrong = objects.first(where: { $0.architecture != architecture }) {
            policy = nil
            outsideLibraries = []
            reason = "a shared object is built for \(wrong.architecture), not \(architecture)"
        } else if let found = ManylinuxPolicy.mostCompatible(architecture: architecture, neededLibraries: needed, versionNames: versions),
                  found.glibcMinor <= ceilingMinor {
            policy = found.tag(architecture: architecture)
            outsideLibraries = []
            reason = nil
        } else {
            policy = nil
            let newest = ManylinuxPolicy.all.last { $0.glibcMinor <= ceilingMinor && $0.ceilings[architecture] != nil }
            let outside = newest.map { policy in needed.filter { !policy.allowedLibraries.contains($0) }.sorted() } ?? []
            outsideLibraries = outside
            reason = outside.isEmpty
                ? "it needs symbol versions newer than every manylinux policy up to glibc \(glibcCeiling?.description ?? "any")"
                : "it links libraries outside every manylinux policy: \(outside.joined(separator: ", "))"
        }
    }
}
