import WheelwrightCLI

@main
struct Entrypoint {
    static func main() async { await Wheelwright.mainMappingErrors() }
}
