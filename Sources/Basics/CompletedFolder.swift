import Foundation

/// A cache folder made under a temporary name and renamed into place once whole, with a marker
/// file inside as the proof: a half-made one is never used, and when another process finished
/// the same one first, theirs is kept.
public enum CompletedFolder {
    public static let marker = ".complete"

    /// Whether `folder` was finished.
    public static func isComplete(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(marker).path)
    }

    /// Writes the marker (holding `note`) into `partial` and renames it to `final`.
    public static func finish(_ partial: URL, as final: URL, note: String) throws {
        try Data((note + "\n").utf8).write(to: partial.appendingPathComponent(marker))
        do {
            try FileManager.default.moveItem(at: partial, to: final)
        } catch where isComplete(final) {
            // Another process made the same folder first: use it.
        }
    }
}
