import Foundation
import SiteConfiguration

/// The folders every root filesystem and image has for builds to see.
enum MountPoints {
    static let source = "/src"
    static let wheelhouse = "/wheelhouse"
    static let output = "/out"
    static let all = [source, wheelhouse, output, BuildDriver.mountPoint]
}
