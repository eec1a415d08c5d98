import Foundation
import SiteConfiguration

/// A limit the build ran into.
public enum LimitHit: String, Sendable, Hashable, Codable, CaseIterable {
    case time, memory, processes
}
