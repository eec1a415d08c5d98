import Foundation
import IndexAPI
import PythonPackaging

/// What an upload did.
public enum UploadOutcome: Sendable, Equatable {
    case stored(StoredFile)
    /// The same filename with identical bytes was already there: nothing changed.
    case alreadyPresent(StoredFile)
}
