/// The JSON documents of the management API, in devpi's shapes: every answer is an envelope
/// `{"type": …, "result": …}`. Server and clients share these types, so the wire is typed on
/// both ends.
public struct Envelope<Result: Codable & Sendable>: Codable, Sendable {
    public var type: String
    public var result: Result

    public init(type: String, result: Result) { (self.type, self.result) = (type, result) }
}
