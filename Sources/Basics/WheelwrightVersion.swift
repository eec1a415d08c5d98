/// wheelwright's own version: what `--version` prints, the pages' footer, the SBOMs' tool and
/// an export's header name.
public enum WheelwrightVersion {
    public static let current = "0.1.0"
}
