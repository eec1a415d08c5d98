/// What happens to a binary wheel that links libraries outside every manylinux policy.
public enum RepairMode: String, Sendable, Codable, Hashable, CaseIterable {
    /// The libraries are grafted into the wheel (auditwheel repair); it is tagged manylinux.
    case graft
    /// It stays `linux_<arch>`; the Debian packages that ship the libraries are recorded
    /// (provenance, page, the wheel's `Requires-External`) for the consumer to install.
    case system
}
