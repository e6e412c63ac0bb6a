import ArgumentParser
import ClusterProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension DevTUICommand {
    /// One snapshot, printed; exit 0 when the app answers 200, 1 when something is down.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one snapshot of the environment and exit.",
            discussion: "Exit status: 0 when the app answers 200, 1 when something is down (the output says what), 2 on a usage error."
        )

        @OptionGroup var common: CommonOptions

        @Flag(help: "Print the snapshot as JSON (schema in README).")
        var json = false

        func run() throws {
            let probes = Probes(config: common.config(), runner: SubprocessRunner())
            let snapshot = runBlocking { await probes.snapshot() }
            let problems = StatusReport.problems(snapshot)
            if json {
                print(try StatusReport.json(snapshot, problems: problems))
            } else {
                print(StatusReport.text(snapshot, problems: problems, now: Timestamp.now()))
            }
            // The app answering is what `status` vouches for; other problems are reported either way.
            if !StatusReport.appUp(snapshot) { throw ExitCode(1) }
        }
    }
}

/// The text and JSON forms of `devtui status`.
enum StatusReport {
    static func appUp(_ snap: EnvironmentSnapshot) -> Bool { snap.app.value?.isUp == true }

    /// What is wrong, one line each: empty when everything is healthy.
    static func problems(_ snap: EnvironmentSnapshot, now: Int = Timestamp.now()) -> [String] {
        var list: [String] = []
        if snap.usesVagrant {
            if let error = snap.vm.error { list.append("vm: \(error)") }
            else if let vm = snap.vm.value, !vm.isRunning { list.append("vm: \(vm.stateHuman)") }
        }
        if let error = snap.clusterError(snap.pods) { list.append("pods: \(error)") }
        if let warning = snap.kubeconfigWarning { list.append("kubeconfig: \(warning)") }
        for node in snap.nodesOfConcern where !node.problems.isEmpty {
            list.append("node \(node.name): \(node.problems.joined(separator: ", "))"
                        + (node.readyMessage.map { " (\($0))" } ?? ""))
        }
        for pod in snap.pods.value ?? [] {
            let troubled = pod.health != .terminating && (pod.health != .healthy || pod.readyContainers < pod.totalContainers)
            if pod.health == .failing {
                list.append("pod \(pod.name): \(pod.status)" + (pod.detail.map { " (\($0))" } ?? ""))
            } else if troubled, let event = snap.warning(for: pod) {
                // Not failing yet, but stuck (ContainerCreating on a FailedMount): the event says why.
                list.append("pod \(pod.name): \(pod.status) (\(event.line(now: now)))")
            } else if let last = pod.terminations.first, last.reason != "Completed",
                      let finished = last.finishedAt, now - finished < 3600 {
                // Running again, but it died within the hour (an OOM-killed MySQL): worth a `but`.
                list.append("pod \(pod.name): restarted (\(last.line(now: now, named: pod.containers.count > 1)))")
            }
        }
        if let volume = snap.volume.value, let phase = volume.phase, phase != "Bound" {
            list.append("pvc \(volume.claim): \(phase)" + (snap.warning(forClaim: volume.claim).map { " (\($0.line(now: now)))" } ?? ""))
        }
        if let app = snap.app.value, !app.isUp {
            if let error = app.error {
                list.append("app: \(error)")
            } else {
                // Why, when the body says: a traceback's exception and where it was raised.
                let why = app.exception.map { ": \($0)" + (app.exceptionAt.map { " (\($0))" } ?? "") } ?? ""
                list.append("app: HTTP \(app.statusCode ?? 0)\(why)")
            }
        }
        return list
    }

    static func text(_ snap: EnvironmentSnapshot, problems: [String], now: Int) -> String {
        var lines: [String] = []
        lines.append("devtui status · \(snap.project) · ctx \(snap.kubeContext ?? "?")/\(snap.namespace)")
        if snap.usesVagrant {
            lines.append(row("VM", snap.vm.value.map { $0.stateHuman + ($0.provider.map { " (\($0))" } ?? "") } ?? snap.vm.error ?? "?"))
        }
        if let pods = snap.pods.value {
            lines.append(row("Pods", pods.isEmpty ? "none in \(snap.namespace)" : "\(pods.count)"))
            let width = pods.map { TextWidth.of($0.name) }.max() ?? 0
            for pod in pods {
                let age = pod.createdAt.map { DurationFormat.age(seconds: now - $0) } ?? "?"
                lines.append("  " + [pod.name.padding(width), pod.ready, "restarts \(pod.restarts)", age.padding(4),
                                     pod.status + (pod.detail.map { " (\($0))" } ?? "")].joined(separator: " "))
                // The same lines as under the pod on screen, but never cut: a script may want all of it.
                for (line, _) in PodsView.detailLines(pod, snap, now: now) where line != pod.detail {
                    lines.append("    └ " + line)
                }
            }
        } else {
            lines.append(row("Pods", snap.clusterError(snap.pods) ?? "?"))
        }
        if let nodes = snap.node.value, !nodes.isEmpty {
            let shown = snap.nodesOfConcern
            lines.append(row("Node", shown.map { node in
                node.name + " " + (node.problems.isEmpty ? "Ready" : node.problems.joined(separator: ", "))
                    + (node.readyMessage.map { " (\($0))" } ?? "")
            }.joined(separator: "; ")))
        }
        if let app = snap.app.value {
            let at = app.exceptionAt.map { " (\($0))" } ?? ""
            let answer = app.statusCode.map { "\($0) in \(app.latencyMs ?? 0) ms: \(app.firstLine ?? "")\(at)" } ?? (app.error ?? "?")
            lines.append(row("App", "\(app.url)  \(answer)"))
        }
        if let volume = snap.volume.value {
            let used = volume.usedBytes.map(ByteFormat.binary) ?? "?"
            let cap = volume.capacityBytes.map(ByteFormat.binary) ?? "?"
            let disk = volume.filesystemPercent.map { ", disk \($0)% used" } ?? ""
            lines.append(row("MySQL", "\(used) / \(cap) in PVC \(volume.claim)\(disk)" + (snap.clusterError(snap.volume).map { " (\($0))" } ?? "")))
            if let phase = volume.phase, phase != "Bound" {
                lines.append("    └ pvc \(volume.claim) \(phase)" + (snap.warning(forClaim: volume.claim).map { ": \($0.line(now: now))" } ?? ""))
            }
        } else {
            lines.append(row("MySQL", snap.clusterError(snap.volume) ?? "?"))
        }
        if !appUp(snap) {
            lines.append("DOWN: " + problems.joined(separator: "; "))
        } else if problems.isEmpty {
            lines.append("OK: the app answers 200")
        } else {
            lines.append("OK: the app answers 200; but " + problems.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }

    static func row(_ label: String, _ value: String) -> String {
        label.padding(8) + value
    }

    struct Document: Encodable {
        var schema = 1
        /// The app answers 200 (the exit status is 0 exactly then).
        var ok: Bool
        /// Everything wrong, including while the app still answers.
        var problems: [String]
        var snapshot: EnvironmentSnapshot
    }

    static func json(_ snap: EnvironmentSnapshot, problems: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Document(ok: appUp(snap), problems: problems, snapshot: snap))
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    /// Left-aligned in `width` columns (never cut).
    func padding(_ width: Int) -> String {
        // Terminal columns, not characters: a wide character takes two (the renderer's measure).
        self + String(repeating: " ", count: max(0, width - TextWidth.of(self)))
    }
}
