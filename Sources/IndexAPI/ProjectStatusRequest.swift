import Foundation

/// The body of `POST /USER/INDEX/+status/NAME`: the project's new status in that index and why.
public struct ProjectStatusRequest: Codable, Sendable {
    public var status: ProjectStatus
    public var reason: String

    public init(status: ProjectStatus, reason: String) { (self.status, self.reason) = (status, reason) }

    public static let keys: Set<String> = ["status", "reason"]

    /// The longest reason accepted: a sentence or two for the page and the installer, not a report.
    public static let maximumReasonBytes = 1000

    /// The reason as given, or why it cannot be one: required, one line of printable text.
    public static func validatedReason(_ text: String?) throws(SchemaError) -> String {
        let reason = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { throw SchemaError(field: "reason", "is required: say why, for the page, installers and whoever lifts it") }
        guard reason.utf8.count <= maximumReasonBytes else {
            throw SchemaError(field: "reason", "is \(reason.utf8.count) bytes; at most \(maximumReasonBytes) are accepted")
        }
        // Controls, line and paragraph separators, and format characters (bidi overrides would
        // let a reason show other text on the page and in a terminal).
        guard !reason.unicodeScalars.contains(where: { [.control, .format, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory) }) else {
            throw SchemaError(field: "reason", "must be one line of plain text: it has a control, format or separator character")
        }
        return reason
    }
}
