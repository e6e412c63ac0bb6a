import Testing
@testable import DevTUI

/// The one key table: every reader agrees with it, and it agrees with itself.
@Suite struct KeymapTests {
    @Test func noKeyIsBoundTwice() {
        let keys = Keymap.bindings.flatMap(\.keys)
        #expect(keys.count == Set(keys.map { Keymap.label($0) }).count)
    }

    @Test func dispatchFollowsTheTable() {
        for binding in Keymap.bindings {
            for key in binding.keys {
                #expect(Keymap.command(for: key) == binding.command, "\(key)")
            }
        }
        #expect(Keymap.command(for: .char("x")) == nil)
        #expect(Keymap.command(for: .resize) == nil)
    }

    @Test func footerAndHelpAreReadFromTheTable() {
        #expect(Keymap.footerHints.map(\.key) == ["u", "r", "s", "t", "l", "f", "?", "q"])
        #expect(Keymap.helpLines.map(\.keys) == ["u", "r", "s", "t", "l", "f", "↑ ↓ PgUp PgDn", "Home End", "?", "q"])
        // Every command is reachable from the help text, either on its own line or a shared one.
        let commandsWithHelp = Keymap.bindings.filter { $0.help != nil }.count
        #expect(commandsWithHelp == Keymap.helpLines.count)
    }

    @Test func cliHelpNamesEveryHelpLine() {
        for line in Keymap.helpLines {
            #expect(Keymap.cliSummary.contains("\(line.keys) \(line.text)"))
        }
    }
}
