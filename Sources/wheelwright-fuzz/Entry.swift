import Foundation

/// One input through the target named by `WHEELWRIGHT_FUZZ_TARGET` (libFuzzer's entry point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    selectedTarget.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["WHEELWRIGHT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set WHEELWRIGHT_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

/// The program's entry. Built with `-DFUZZING` and `-sanitize=fuzzer` (make fuzz), it hands
/// control to libFuzzer's driver. Built plainly (make test), it replays a corpus:
/// `wheelwright-fuzz DIR…` runs every file of `DIR/<target>/` through its target.
@main
struct FuzzEntry {
    static func main() throws {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data!, size) })
        #else
        var count = 0
        for root in CommandLine.arguments.dropFirst() {
            for target in FuzzTarget.allCases {
                let folder = URL(fileURLWithPath: root).appendingPathComponent(target.rawValue)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? [] {
                    target.run([UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
                    count += 1
                }
            }
        }
        print("replayed \(count) inputs through \(FuzzTarget.allCases.count) targets")
        #endif
    }
}

#if FUZZING
/// libFuzzer's driver for programs with their own `main` (LLVM 12+).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif
