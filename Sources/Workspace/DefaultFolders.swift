import Foundation

/// The folders a command uses when neither a flag nor the config file names one.
public enum DefaultFolders {
    /// `$XDG_DATA_HOME/wheelwright`, else `~/.local/share/wheelwright`.
    public static var data: String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/wheelwright" }
        return (environment["HOME"] ?? "/tmp") + "/.local/share/wheelwright"
    }
}
