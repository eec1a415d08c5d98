import Foundation

/// The folders a command uses when neither a flag nor the config file names one.
public enum DefaultFolders {
    /// `$XDG_DATA_HOME/wheelwright`, else `~/.local/share/wheelwright`.
    public static var data: String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/wheelwright" }
        return (environment["HOME"] ?? "/tmp") + "/.local/share/wheelwright"
    }

    /// The index's data (catalog, blobs) when nothing names it: `index/` inside `data`, the
    /// builder's folder (root filesystems, caches, runs), so that the two never mix and every
    /// command that opens the index (`serve`, `fsck`, `export`, `import`, `import-devpi`,
    /// `admin`) and `make run` find the same one.
    public static var index: String { data + "/index" }
}
