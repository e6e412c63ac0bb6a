/// What a key asks the dashboard to do, before any state is consulted.
enum KeyCommand: Equatable, Sendable {
    case provision, restartApp, shell, teardown
    case cycleLogs, toggleFollow
    case scroll(ScrollStep)
    case help, quit

    enum ScrollStep: Equatable, Sendable { case lineUp, lineDown, pageUp, pageDown, oldest, newest }
}

/// One key binding (lazygit's Binding): its keys, its command, and how the footer, the help
/// overlay and `devtui --help` name it. Nil where a binding does not appear there.
struct Binding: Sendable {
    let keys: [Key]
    let command: KeyCommand
    /// The footer's word after the key, in footer order.
    let footer: String?
    /// The help overlay's key column and text; bindings that share a help line leave these nil.
    let helpKeys: String?
    let help: String?
}

/// The one table of the dashboard's keys: dispatch, footer hints, help overlay and `--help` read it.
enum Keymap {
    static let bindings: [Binding] = [
        Binding(keys: [.char("u")], command: .provision, footer: "up",
                helpKeys: "u", help: "provision: vagrant up (starts or creates the VM)"),
        Binding(keys: [.char("r")], command: .restartApp, footer: "restart",
                helpKeys: "r", help: "restart the app: kubectl rollout restart deployment/app"),
        Binding(keys: [.char("s")], command: .shell, footer: "shell",
                helpKeys: "s", help: "shell in the app container (exit returns here)"),
        Binding(keys: [.char("t")], command: .teardown, footer: "teardown",
                helpKeys: "t", help: "teardown: vagrant destroy (asks first)"),
        Binding(keys: [.char("l")], command: .cycleLogs, footer: "logs",
                helpKeys: "l", help: "switch logs: app, mysql, last action"),
        Binding(keys: [.char("f")], command: .toggleFollow, footer: "follow",
                helpKeys: "f", help: "follow logs on/off"),
        Binding(keys: [.up], command: .scroll(.lineUp), footer: nil,
                helpKeys: "↑ ↓ PgUp PgDn", help: "scroll logs (pauses follow)"),
        Binding(keys: [.down], command: .scroll(.lineDown), footer: nil, helpKeys: nil, help: nil),
        Binding(keys: [.pageUp], command: .scroll(.pageUp), footer: nil, helpKeys: nil, help: nil),
        Binding(keys: [.pageDown], command: .scroll(.pageDown), footer: nil, helpKeys: nil, help: nil),
        Binding(keys: [.home], command: .scroll(.oldest), footer: nil,
                helpKeys: "Home End", help: "oldest / newest log line"),
        Binding(keys: [.end], command: .scroll(.newest), footer: nil, helpKeys: nil, help: nil),
        Binding(keys: [.char("?"), .char("h")], command: .help, footer: "help",
                helpKeys: "?", help: "this help (any key closes)"),
        Binding(keys: [.char("q"), .char("Q")], command: .quit, footer: "quit",
                helpKeys: "q", help: "quit (asks if an action is running)"),
    ]

    static func command(for key: Key) -> KeyCommand? {
        bindings.first { $0.keys.contains(key) }?.command
    }

    /// (key, word) pairs for the footer, in table order.
    static var footerHints: [(key: String, label: String, command: KeyCommand)] {
        bindings.compactMap { b in b.footer.map { (label(b.keys[0]), $0, b.command) } }
    }

    /// (keys, text) lines of the help overlay.
    static var helpLines: [(keys: String, text: String)] {
        bindings.compactMap { b in b.help.map { (b.helpKeys ?? label(b.keys[0]), $0) } }
    }

    /// The keys paragraph of `devtui --help`.
    static var cliSummary: String {
        helpLines.map { "\($0.keys) \($0.text)" }.joined(separator: "; ")
    }

    static func label(_ key: Key) -> String {
        switch key {
        case .char(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .resize: return "resize"
        }
    }
}
