import Foundation
import Testing
@testable import ClusterProbe

@Suite struct UpProgressTests {
    static func lines(_ name: String, chunk: Int = 97) -> [String] {
        let bytes = Fixtures.bytes("transcripts/\(name)")
        var splitter = LineSplitter(carriageReturnEndsLine: true)
        var out: [String] = []
        // Odd-sized chunks: a `\r` or an escape sequence may be cut anywhere.
        var i = 0
        while i < bytes.count {
            splitter.feed(bytes[i..<min(bytes.count, i + chunk)]) { out.append($0) }
            i += chunk
        }
        splitter.finish { out.append($0) }
        return out
    }

    @Test func carriageReturnsSplitProgressLinesAndEscapesGo() {
        let out = Self.lines("first-up.txt")
        let progress = out.filter { $0.contains("Progress: ") }
        #expect(progress.count == 7)
        #expect(progress[3] == "    devenv: Progress: 37% (Rate: 6355k/s, Estimated time remaining: 0:01:12)")
        #expect(!out.contains { $0.contains("\u{FFFD}") || $0.contains("[K") })
        #expect(out.contains("==> devenv: Successfully added box 'geerlingguy/ubuntu1604' (v1.2.5) for 'virtualbox'!"))
        // Plain mode keeps one line per newline, as before.
        var plain = LineSplitter()
        var plainLines: [String] = []
        plain.feed(Array("a\rb\nc\n".utf8)) { plainLines.append($0) }
        #expect(plainLines == ["ab", "c"])
    }

    @Test func provisionersComeFromTheVagrantfile() {
        let names = UpProgress.provisioners(vagrantfile: Fixtures.text("../../Vagrantfile"))
        #expect(names == ["docker", "k3s", "app", "on-boot"])
        #expect(UpProgress.provisioners(vagrantfile: "# node.vm.provision \"x\"\nconfig.vm.provision 'y', type: 'shell'\n") == ["y"])
    }

    @Test func aFirstUpGoesThroughEveryStep() {
        var progress = UpProgress(provisioners: ["docker", "k3s", "app", "on-boot"])
        var titles: [String] = []
        var details: [String] = []
        for (i, line) in Self.lines("first-up.txt").enumerated() {
            if progress.feed(line, nowMs: i), let title = progress.title {
                if titles.last != title { titles.append(title) }
                if let detail = progress.detail, details.last != detail { details.append(detail) }
            }
        }
        progress.finish(nowMs: 1000)
        titles.append(progress.title!)
        #expect(titles == [
            "step 1/8: box download", "step 1/8: box download 0%", "step 1/8: box download 3%", "step 1/8: box download 12%",
            "step 1/8: box download 37%", "step 1/8: box download 58%", "step 1/8: box download 81%", "step 1/8: box download 100%",
            "step 2/8: boot", "step 3/8: shared folders", "step 4/8: provisioner docker", "step 5/8: provisioner k3s",
            "step 6/8: provisioner app", "step 7/8: provisioner on-boot", "step 8/8: ready",
        ])
        #expect(details.contains("installing k3s v1.34.1+k3s1 (flannel on enp0s8)"))
        #expect(details.contains("ready: http://127.0.0.1:8080/ (edit app/ and reload)"))
        #expect(details.contains("Machine booted and ready!"))
    }

    @Test func anUnknownProvisionerIsCountedIn() {
        var progress = UpProgress(provisioners: ["docker"])
        progress.feed("==> devenv: Running provisioner: extra (shell)...", nowMs: 0)
        #expect(progress.title == "step 5/6: provisioner extra")
    }

    @Test(arguments: [
        ("fail-kvm.txt", "KVM holds VT-x (VERR_VMX_IN_VMX_ROOT_MODE)", "sudo modprobe -r kvm_intel", "step 2/8: boot"),
        ("fail-port.txt", "port 127.0.0.1:8080 is taken", "free it", "step 2/8: boot"),
        ("fail-hostonly.txt", "VirtualBox refuses the host-only IP 10.10.0.10", "echo '* 10.10.0.0/24' | sudo tee -a /etc/vbox/networks.conf", "step 2/8: boot"),
        ("fail-download.txt", "the box could not be downloaded", "check the network", "step 1/8: box download"),
        ("fail-provision.txt", "node not Ready within 180s: run `vagrant ssh -c 'sudo journalctl -u k3s'`", nil, "step 5/8: provisioner k3s"),
    ] as [(String, String, String?, String)])
    func knownFailuresAreExplained(_ file: String, _ reason: String, _ fix: String?, _ phase: String) {
        let lines = Self.lines(file)
        var progress = UpProgress(provisioners: ["docker", "k3s", "app", "on-boot"])
        for line in lines { progress.feed(line, nowMs: 0) }
        #expect(progress.title == phase)
        let failure = UpFailure.diagnose(lines, vmIP: "10.10.0.10")
        #expect(failure?.reason == reason)
        if let fix { #expect(failure?.fix?.hasPrefix(fix) == true, "\(String(describing: failure?.fix))") } else { #expect(failure?.fix == nil) }
    }

    @Test func unknownFailuresGiveNothingToInvent() {
        #expect(UpFailure.diagnose(["Bringing machine 'devenv' up", "something odd"], vmIP: "192.168.56.10") == nil)
    }
}
