import Foundation
import SiteConfiguration

/// The limits a build runs under. Hitting one ends the build and is reported in its outcome.
public struct ResourceLimits: Sendable, Hashable {
    /// Wall time, after which the whole process tree is killed.
    public var time: Duration
    /// Memory of the whole tree (a control group), or of each process where there is none.
    public var memoryBytes: UInt64
    /// Processes and threads of the whole tree.
    public var processes: Int

    public static let `default` = ResourceLimits(time: .seconds(30 * 60), memoryBytes: 4 << 30, processes: 1024)

    public init(time: Duration, memoryBytes: UInt64, processes: Int) {
        (self.time, self.memoryBytes, self.processes) = (time, memoryBytes, processes)
    }
}
