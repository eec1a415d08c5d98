/// One PEP 425 compatibility tag: interpreter, ABI, platform (`cp311-cp311-manylinux_2_17_x86_64`).
public struct Tag: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let interpreter: String
    public let abi: String
    public let platform: String

    /// Lower-cases each part, as `packaging.tags.Tag` does.
    public init(interpreter: String, abi: String, platform: String) {
        self.interpreter = interpreter.lowercased()
        self.abi = abi.lowercased()
        self.platform = platform.lowercased()
    }

    public var description: String { "\(interpreter)-\(abi)-\(platform)" }

    public static func < (lhs: Tag, rhs: Tag) -> Bool { lhs.description < rhs.description }

    /// `py3-none-any` and its relatives: the wheel runs anywhere.
    public var isPure: Bool { abi == "none" && platform == "any" }
}
