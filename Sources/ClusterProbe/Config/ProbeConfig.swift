/// Where the environment lives and how often each source is asked.
public struct ProbeConfig: Sendable, Equatable {
    /// The folder holding the Vagrantfile; nil when devtui runs against a cluster with no VM.
    public var projectDir: String?
    public var machine: String
    public var target: KubeTarget
    public var appURL: String
    public var appTimeoutMs: Int
    public var intervals: Intervals
    public var logTail: Int
    public var logCapacity: Int
    /// The project's settings.env (fallbacks when there is none).
    public var settings: ProjectSettings

    public struct Intervals: Sendable, Equatable {
        /// `vagrant` takes 1-3 s to start, so it is asked slowly.
        public var vm: Duration = .seconds(15)
        public var app: Duration = .seconds(2)
        public var volume: Duration = .seconds(30)
        public var maxBackoff: Duration = .seconds(30)
        public init() {}
    }

    public init(projectDir: String?, machine: String = "devenv", target: KubeTarget, appURL: String = "http://127.0.0.1:8080/",
                appTimeoutMs: Int = 2000, intervals: Intervals = Intervals(), logTail: Int = 200, logCapacity: Int = 5000,
                settings: ProjectSettings = ProjectSettings()) {
        self.projectDir = projectDir
        self.machine = machine
        self.target = target
        self.appURL = appURL
        self.appTimeoutMs = appTimeoutMs
        self.intervals = intervals
        self.logTail = logTail
        self.logCapacity = logCapacity
        self.settings = settings
    }

    /// The repo's generated kubeconfig, relative to the project folder.
    public static let generatedKubeconfig = ".devenv/kubeconfig"

    /// Resolves the defaults the way a user expects:
    /// - project folder: `--project-dir`, else the nearest ancestor of the working folder with a Vagrantfile;
    /// - kubeconfig: `--kubeconfig`; else with `--context`, kubectl's own default (any cluster);
    ///   else, in a Vagrant project, its `.devenv/kubeconfig` (even before `vagrant up` writes it,
    ///   so the dashboard picks the cluster up as soon as provisioning finishes); else kubectl's default;
    /// - namespace, app URL and VM name: the flags, else the project's settings.env, else its fallbacks.
    public static func resolve(
        workingDirectory: String = currentDirectory(),
        projectDir: String? = nil,
        kubeconfig: String? = nil,
        context: String? = nil,
        namespace: String? = nil,
        appURL: String? = nil,
        environment: [String: String] = ProcessEnvironment.current()
    ) -> ProbeConfig {
        let project = projectDir.map { absolute($0, from: workingDirectory) } ?? findProject(from: workingDirectory)
        let settings = ProjectSettings.load(projectDir: project, environment: environment)
        var config = kubeconfig.map { absolute($0, from: workingDirectory) }
        if config == nil, context == nil, let project {
            config = project + "/" + generatedKubeconfig
        }
        return ProbeConfig(
            projectDir: project,
            machine: settings.vmName,
            target: KubeTarget(kubeconfig: config, context: context, namespace: namespace ?? settings.namespace),
            appURL: appURL ?? settings.appURL,
            settings: settings
        )
    }

    public static func findProject(from start: String) -> String? {
        var dir = start
        while true {
            if access(dir + "/Vagrantfile", F_OK) == 0 { return dir }
            guard let slash = dir.lastIndex(of: "/"), dir != "/" else { return nil }
            dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
        }
    }

    static func absolute(_ path: String, from base: String) -> String {
        if path.hasPrefix("/") { return path }
        var parts = base.split(separator: "/").map(String.init)
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(String(part))
        }
        return "/" + parts.joined(separator: "/")
    }

    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The folder name, shown in the header.
    public var projectName: String {
        guard let projectDir else { return "devenv" }
        return projectDir.split(separator: "/").last.map(String.init) ?? projectDir
    }
}
