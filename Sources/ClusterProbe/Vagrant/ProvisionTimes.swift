/// `.devenv/provision-times.json`, written by provisioning at the end of each `vagrant up` or
/// `vagrant provision` (provision/lib.sh `timing_report`):
/// `{"format": 1, "last_run": RUN, "first_boot": RUN or null}`, RUN = `{"id", "started", "seconds",
/// "ok", "fresh", "steps": [{"name", "seconds", "ok"}]}`. Steps: docker, k3s, image, rollout,
/// on-boot; `seconds` of a run counts from its first step, so a box download and the VM's boot
/// are not in it. `first_boot` is the latest run that provisioned a new VM and succeeded.
public struct ProvisionTimes: Sendable, Equatable, Decodable {
    public struct Step: Sendable, Equatable, Decodable {
        public var name: String
        public var seconds: Int
        public var ok: Bool
    }

    public struct Run: Sendable, Equatable, Decodable {
        public var seconds: Int
        public var ok: Bool
        public var steps: [Step]
    }

    public var format: Int
    public var lastRun: Run?
    public var firstBoot: Run?

    enum CodingKeys: String, CodingKey {
        case format
        case lastRun = "last_run"
        case firstBoot = "first_boot"
    }

    public static let path = ".devenv/provision-times.json"

    /// The project's file; nil when there is none, or it is not format 1.
    public static func load(projectDir: String?) -> ProvisionTimes? {
        guard let dir = projectDir, let bytes = FileText.readBytes(dir + "/" + path, limit: 65536),
              let times = try? KubeJSON.decode(ProvisionTimes.self, from: bytes, tool: "provisioning"), times.format == 1
        else { return nil }
        return times
    }

    /// The run a new `vagrant up` is compared with: the first boot for a VM not created yet, else
    /// the last run that succeeded (a plain up of a provisioned VM runs on-boot only), else the first boot.
    public func usualRun(vmCreated: Bool) -> Run? {
        if !vmCreated { return firstBoot }
        if let last = lastRun, last.ok { return last }
        return firstBoot
    }

    /// The timed steps each provisioner of the Vagrantfile runs: app.sh times the build and the
    /// rollout apart; the others carry their own name.
    static func steps(ofProvisioner name: String) -> [String] {
        name == "app" ? ["image", "rollout"] : [name]
    }

    /// How long a phase of `vagrant up` took in `run`: known for the provisioners only, and only
    /// when every step of it finished there.
    public static func seconds(of phase: UpProgress.Phase, in run: Run) -> Int? {
        guard case .provisioner(let name) = phase else { return nil }
        let wanted = steps(ofProvisioner: name)
        let found = run.steps.filter { wanted.contains($0.name) }
        guard found.count == wanted.count, found.allSatisfy(\.ok) else { return nil }
        return found.reduce(0) { $0 + $1.seconds }
    }

    /// As provisioning prints them: `45s`, `2m05s`, `1h02m` (lib.sh `human_seconds`).
    public static func human(_ seconds: Int) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + (s % 60 < 10 ? "0" : "") + "\(s % 60)s" }
        return "\(s / 3600)h" + (s % 3600 / 60 < 10 ? "0" : "") + "\(s % 3600 / 60)m"
    }
}
