import Foundation
import Subprocess
import Testing

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs `Tests/Oracle/packaging_oracle.py` with the test venv's Python, which has the pinned
/// `packaging` that `make test` installs, and returns its JSON answer.
enum Oracle {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `WHEELWRIGHT_TEST_PYTHON`, else `.venv/bin/python` in the repository (made by `make test`).
    static var python: String {
        if let configured = ProcessInfo.processInfo.environment["WHEELWRIGHT_TEST_PYTHON"] { return configured }
        return repositoryRoot.appendingPathComponent(".venv/bin/python").path
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends `{"op": op, "items": items}` and decodes the answer.
    static func ask<Answer: Decodable>(
        _ op: String, _ items: some Encodable & Sendable, as type: Answer.Type
    ) async throws -> Answer {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "no Python at \(python): run `make test`, which creates the venv with packaging")
        }
        let request = String(decoding: try JSONEncoder().encode(Request(op: op, items: items)), as: UTF8.self)
        let script = repositoryRoot.appendingPathComponent("Tests/Oracle/packaging_oracle.py").path
        let result = try await Subprocess.run(
            .path(FilePath(python)),
            arguments: [script],
            input: .string(request),
            output: .string(limit: 64 << 20),
            error: .string(limit: 1 << 20)
        )
        guard result.terminationStatus.isSuccess else {
            throw Failure(description: "oracle failed (\(result.terminationStatus)): \(result.standardError)")
        }
        return try JSONDecoder().decode(Answer.self, from: Data(result.standardOutput.utf8))
    }
}

private struct Request<Items: Encodable>: Encodable {
    let op: String
    let items: Items
}

/// An item of a JSON array that mixes strings, arrays and optional booleans.
enum JSONItem: Encodable, Sendable {
    case string(String)
    case strings([String])
    case bool(Bool?)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .strings(let list): try container.encode(list)
        case .bool(let b?): try container.encode(b)
        case .bool(nil): try container.encodeNil()
        }
    }
}
