import ArgumentParser
import ClusterProbe

/// Flags shared by the dashboard and `status`.
struct CommonOptions: ParsableArguments {
    @Option(help: "Folder with the Vagrantfile (default: nearest ancestor of the working folder that has one).")
    var projectDir: String?

    @Option(help: "Kubeconfig file (default: <project>/.devenv/kubeconfig in a Vagrant project, else kubectl's default).")
    var kubeconfig: String?

    @Option(help: "kubectl context (default: the kubeconfig's current context). Use it to point devtui at any cluster.")
    var context: String?

    @Option(name: [.customShort("n"), .long], help: "Namespace of the app and MySQL: NAMESPACE in the project's settings.env (default: devenv).")
    var namespace: String?

    @Option(help: "App endpoint to probe, plain http: APP_HOST_PORT in the project's settings.env (default: http://127.0.0.1:8080/).")
    var appURL: String?

    func config() -> ProbeConfig {
        ProbeConfig.resolve(projectDir: projectDir, kubeconfig: kubeconfig, context: context, namespace: namespace, appURL: appURL)
    }

    func validate() throws {
        if let appURL, !appURL.hasPrefix("http://") {
            throw ValidationError("--app-url must start with http:// (got \(appURL))")
        }
        if namespace?.isEmpty == true { throw ValidationError("--namespace must not be empty") }
    }
}

@main
struct DevTUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devtui",
        abstract: "Dashboard for the devenv Kubernetes development environment.",
        discussion: """
            With no subcommand: the full-screen dashboard. Keys: \(Keymap.cliSummary).

            NO_COLOR in the environment also turns colours off; a non-UTF-8 locale draws ASCII.
            """,
        subcommands: [Status.self, DoctorCommand.self]
    )

    @OptionGroup var common: CommonOptions

    @Flag(help: "No colours (also: NO_COLOR set in the environment).")
    var noColor = false

    /// Usage errors exit 2 (not ArgumentParser's 64), as `devtui status` documents.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileOutput.stderr(fullMessage(for: error))
                terminate(2)
            }
            exit(withError: error)
        }
    }

    func run() throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            FileOutput.stderr("devtui: the dashboard needs a terminal; use `devtui status` in scripts")
            throw ExitCode(2)
        }
        let color = !noColor && (getenv("NO_COLOR").map { String(cString: $0).isEmpty } ?? true)
        MallocArenas.limit()  // before any thread starts
        let probes = Probes(config: common.config(), runner: SubprocessRunner())
        let code = Dashboard(probes: probes, color: color).run()
        if code != 0 { throw ExitCode(code) }
    }
}

enum FileOutput {
    /// One line to file descriptor 2 (the C global `stderr` is shared mutable state to Swift 6).
    static func stderr(_ text: String) {
        var bytes = Array((text.hasSuffix("\n") ? text : text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// The C library's exit (ParsableCommand has an `exit` of its own).
func terminate(_ code: Int32) -> Never {
    #if canImport(Glibc)
    Glibc.exit(code)
    #else
    Darwin.exit(code)
    #endif
}
