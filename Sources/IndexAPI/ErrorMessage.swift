/// A refusal as devpi words it in JSON: `{"message": …}`.
public struct ErrorMessage: Codable, Sendable, Equatable {
    public var message: String

    public init(message: String) { self.message = message }
}
