import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Why a supervised command ended.
enum Ending: Sendable, Equatable {
    case finished, timeLimit, processLimit, cancelled

    func reason(_ limits: ResourceLimits) -> String {
        switch self {
        case .finished: "finished"
        case .timeLimit: "the time limit of \(limits.time) is reached"
        case .processLimit: "the process limit of \(limits.processes) is reached"
        case .cancelled: "the run is stopped"
        }
    }
}
