import Foundation
import SiteConfiguration

/// A host folder made visible to a confined command.
struct Mount: Sendable, Hashable {
    let source: URL
    /// Where the command sees it (a folder that exists in every prepared rootfs and image).
    let destination: String
    let writable: Bool
}
