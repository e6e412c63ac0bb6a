import ArgumentParser

@main
struct DevTUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devtui")
    mutating func run() throws {}
}
