import ArgumentParser
import ClusterProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `devtui doctor`: the host checks that decide whether a first `vagrant up` can work.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this machine for what a first `vagrant up` needs, and say how to fix what is missing.",
        discussion: """
            One line per check: ✓ works, ! works but note this, ✗ will fail (each ! and ✗ with its fix). \
            Exit status: 0 when nothing is ✗, 1 otherwise, 2 on a usage error. Answers within 3 s even \
            when a tool hangs, and exits once every tool it started has ended.
            """
    )

    @OptionGroup var common: CommonOptions

    @Flag(help: "Print the findings as JSON (schema in README).")
    var json = false

    func run() throws {
        let env = ProcessEnvironment.current()
        var configured = Doctor(config: common.config(), runner: SubprocessRunner(), paths: DoctorPaths.from(env))
        configured.scaleTimeouts(from: env)
        let doctor = configured
        let json = self.json
        let unicode = DoctorOutput.unicodeLocale(env)
        // The answer is printed when it is due (at the deadline, with a hung tool), then the exit
        // waits until the checks stopped there are gone: a tool that ignores SIGTERM gets its
        // SIGKILL a second after its timeout, which can be after the deadline, and would be
        // orphaned by an earlier exit.
        let ok = runBlocking { () -> Bool? in
            let ok = Locked<Bool?>(nil)
            await doctor.run { report in
                ok.with { $0 = report.ok }
                print(json ? ((try? DoctorOutput.json(report)) ?? "{}") : DoctorOutput.text(report, config: doctor.config, unicode: unicode))
                fflush(nil)  // all streams: the answer must not wait in a buffer for the exit
            }
            return ok.with { $0 }
        }
        if ok != true { throw ExitCode(1) }
    }
}

/// The text and JSON forms of `devtui doctor`.
enum DoctorOutput {
    static func mark(_ status: DoctorFinding.Status, unicode: Bool) -> String {
        switch status {
        case .ok: return unicode ? "✓" : "ok"
        case .warn: return "!"
        case .fail: return unicode ? "✗" : "x"
        }
    }

    static func text(_ report: DoctorReport, config: ProbeConfig, unicode: Bool) -> String {
        let settings = config.settings.path.map { "settings \($0)" } ?? "no settings.env: defaults"
        var lines = ["devtui doctor · \(config.projectName) · \(settings)"]
        for finding in report.findings {
            lines.append("\(mark(finding.status, unicode: unicode)) \(finding.summary)")
            if let fix = finding.fix, finding.status != .ok { lines.append("    fix: \(fix)") }
        }
        let fails = report.findings.filter { $0.status == .fail }.count
        let warns = report.findings.filter { $0.status == .warn }.count
        if fails == 0 && warns == 0 {
            lines.append("OK: nothing in the way of `vagrant up`")
        } else if fails == 0 {
            lines.append("OK: \(warns) note\(warns == 1 ? "" : "s") (!), nothing that will fail")
        } else {
            lines.append("NOT READY: \(fails) problem\(fails == 1 ? "" : "s") (\(mark(.fail, unicode: unicode))) will stop `vagrant up`" + (warns > 0 ? "; \(warns) note\(warns == 1 ? "" : "s") (!)" : ""))
        }
        return lines.joined(separator: "\n")
    }

    struct Document: Encodable {
        var schema = 1
        /// No check is `fail` (exactly when the exit status is 0).
        var ok: Bool
        var checks: [DoctorFinding]
    }

    static func json(_ report: DoctorReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Document(ok: report.ok, checks: report.findings))
        return String(decoding: data, as: UTF8.self)
    }

    /// The same test the terminal layer makes: a UTF-8 locale shows ✓ and ✗.
    static func unicodeLocale(_ env: [String: String]) -> Bool {
        let locale = [env["LC_ALL"], env["LC_CTYPE"], env["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let lower = locale.lowercased()
        return lower.contains("utf-8") || lower.contains("utf8")
    }
}
