/// A shared library as the build environment has it: where the loader finds it and the Debian
/// package that ships it (nil where no package owns it, e.g. a library built by hand).
public struct LibraryFacts: Sendable, Codable, Hashable {
    public let soname: String
    public let path: String?
    public let package: String?
    public let version: String?
    /// The first `License:` of the package's copyright file.
    public let license: String?

    public init(soname: String, path: String?, package: String?, version: String?, license: String?) {
        (self.soname, self.path, self.package, self.version, self.license) = (soname, path, package, version, license)
    }
}
