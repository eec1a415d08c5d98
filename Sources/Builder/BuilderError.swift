/// What went wrong in the job, said for the person reading the report.
public enum BuilderError: Error, Sendable, CustomStringConvertible {
    case badWheel(String, String)
    case publish(String)
    case locked(String)
    case configuration(String)
    /// A pinned prebuilt wheel that upstream lacks or whose bytes are not the pinned ones.
    case prebuilt(String)
    /// Waiting for what a release learnt it needs while building would close this cycle.
    case buildRequirementCycle(String)

    public var description: String {
        switch self {
        case let .badWheel(name, reason): "the built wheel \(name) cannot be finished: \(reason)"
        case .publish(let message): message
        case .locked(let message): message
        case .configuration(let message): message
        case .prebuilt(let message): "prebuilt: " + message
        case .buildRequirementCycle(let cycle): "build requirement cycle: \(cycle) (learnt while building: a backend's dynamic requirement or the wheel repair's tools)"
        }
    }
}
