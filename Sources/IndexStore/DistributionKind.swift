import Foundation
import IndexAPI
import PythonPackaging

/// What kind of distribution a stored file is.
public enum DistributionKind: String, Sendable, Codable {
    case wheel
    case sdist
}
