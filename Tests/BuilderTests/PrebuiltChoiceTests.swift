@testable import Builder
import Testing

/// Which pinned prebuilt wheel serves a target and interpreter.
@Suite("Prebuilt choice")
struct PrebuiltChoiceTests {
    static let platforms = ["manylinux_2_36_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux_2_5_x86_64", "manylinux1_x86_64"]

    @Test("pure, py2.py3 with a platform, the interpreter's own ABI and abi3 fit; another interpreter, an aarch64 or a too-new glibc wheel does not")
    func fits() {
        func choose(_ names: [String], python: String = "3.11") -> String? {
            PrebuiltChoice.choose(Dictionary(uniqueKeysWithValues: names.map { ($0, "sum") }), python: python, platforms: Self.platforms)?.filename
        }
        #expect(choose(["tool-1-py3-none-any.whl"]) == "tool-1-py3-none-any.whl")
        #expect(choose(["ninja-1-py2.py3-none-manylinux_2_12_x86_64.manylinux2014_x86_64.whl"]) != nil)
        #expect(choose(["cmake-1-cp311-cp311-manylinux_2_17_x86_64.whl"]) != nil)
        #expect(choose(["cmake-1-cp311-cp311-manylinux_2_17_x86_64.whl"], python: "3.13") == nil)
        #expect(choose(["c-1-cp38-abi3-manylinux_2_17_x86_64.whl"], python: "3.13") != nil)
        #expect(choose(["c-1-cp312-abi3-manylinux_2_17_x86_64.whl"]) == nil)
        #expect(choose(["c-1-cp311-cp311-manylinux_2_17_aarch64.whl", "c-1-cp311-cp311-manylinux_2_39_x86_64.whl"]) == nil)
        #expect(choose(["c-1-cp311-cp311-manylinux_2_17_aarch64.whl", "c-1-cp311-cp311-manylinux_2_17_x86_64.whl"]) == "c-1-cp311-cp311-manylinux_2_17_x86_64.whl")
    }
}
