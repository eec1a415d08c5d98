import Testing
import Workspace

@Suite("Setting sources")
struct SettingSourcesTests {
    let sources = SettingSources(environment: ["WHEELWRIGHT_SERVER": "http://env", "EMPTY": "", "WHEELWRIGHT_UPSTREAM": " a , b,, ", "BLANK_LIST": " , "])

    @Test("the flag, else the environment (empty is unset), else the file")
    func values() {
        #expect(sources.value("http://flag", variable: "WHEELWRIGHT_SERVER", file: "http://file") == "http://flag")
        #expect(sources.value(nil, variable: "WHEELWRIGHT_SERVER", file: "http://file") == "http://env")
        #expect(sources.value(nil, variable: "EMPTY", file: "http://file") == "http://file")
        #expect(sources.value(nil, variable: "UNSET") == nil && sources.variable("EMPTY") == nil)
    }

    @Test("lists: the repeated flag, else the variable's comma-separated items, else the file's")
    func lists() {
        #expect(sources.list(["x"], variable: "WHEELWRIGHT_UPSTREAM", file: ["f"]) == ["x"])
        #expect(sources.list([], variable: "WHEELWRIGHT_UPSTREAM", file: ["f"]) == ["a", "b"])
        #expect(sources.list([], variable: "BLANK_LIST", file: ["f"]) == ["f"])
        #expect(sources.list([], variable: "UNSET") == nil)
    }
}
