/// What went wrong in the job, said for the person reading the report.
public enum BuilderError: Error, Sendable, CustomStringConvertible {
    case badWheel(String, String)
    case publish(String)
    case locked(String)
    case configuration(String)
    /// A pinned prebuilt wheel that upstream lacks or whose bytes are not the pinned ones.
    case prebuilt(String)
    /// A release whose backend asked, while building, for planned releases that start after it.
    case buildRequirementLater(String, [String])

    public var description: String {
        switch self {
        case let .badWheel(name, reason): "the built wheel \(name) cannot be finished: \(reason)"
        case .publish(let message): message
        case .locked(let message): message
        case .configuration(let message): message
        case .prebuilt(let message): "prebuilt: " + message
        case let .buildRequirementLater(release, needed):
            "build requirement built later: the backend of \(release) asked for \(needed.joined(separator: ", ")) while building (a dynamic requirement, not in [build-system].requires), which this run builds after it; the next run builds \(release) with it"
        }
    }
}
