/// A message as devpi words it in JSON, `{"message": …}`: a refusal, or what a deletion did.
public struct APIMessage: Codable, Sendable, Equatable {
    public var message: String

    public init(message: String) { self.message = message }
}
