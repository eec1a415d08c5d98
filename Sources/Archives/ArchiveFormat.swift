import CArchive

/// The container formats distributions come in.
public enum ArchiveFormat: Sendable {
    /// Wheels and legacy `.zip` sdists.
    case zip
    /// `.tar.gz` sdists (and `.tar.bz2`, `.tar.xz`, `.tar`).
    case tarball

    /// The format a distribution's filename declares: `.whl` and `.zip` are zips, the rest tarballs.
    public init(filename: String) {
        self = filename.hasSuffix(".whl") || filename.hasSuffix(".zip") ? .zip : .tarball
    }
}
