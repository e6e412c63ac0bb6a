import Foundation
import Testing
@testable import ClusterProbe
@testable import DevTUI

enum TestData {
    /// This file is <root>/Tests/DevTUITests/Support.swift: the root is two folders up.
    static let repoRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static func bytes(_ relative: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: repoRoot + "/Tests/Fixtures/" + relative)!)
    }

    /// 2026-11-25 11:42:07 UTC, the sketch's clock.
    static let nowMs = 1_795_606_927_000

    static func pods(_ name: String) -> [PodSummary] {
        try! KubeJSON.decode(PodList.self, from: bytes("pods/\(name).json")).items.map(PodSummary.init)
    }

    static func healthy() -> EnvironmentSnapshot {
        let now = nowMs / 1000
        var snap = EnvironmentSnapshot(project: "devenv", kubeContext: "devenv", namespace: "devenv", usesVagrant: true, takenAt: now)
        snap.vm.succeed(VMStatus(state: "running", stateHuman: "running", provider: "virtualbox", machine: "devenv"), at: now - 5)
        snap.pods.succeed(pods("healthy"), at: now)
        snap.app.succeed(AppHealth(url: "http://127.0.0.1:8080/", statusCode: 200, latencyMs: 38,
                                   firstLine: "Hello Devops 123, 1234!", bodyChangedAt: now - 180), at: now)
        var volume = try! KubeJSON.decode(ClaimResource.self, from: bytes("scenarios/healthy/kubectl-get-pvc")).usage()
        let figures = try! DiskUsageParser.parse(String(decoding: bytes("scenarios/healthy/kubectl-exec-du"), as: UTF8.self))
        volume.usedBytes = figures.usedBytes
        volume.filesystemSizeBytes = figures.filesystemSizeBytes
        volume.filesystemUsedBytes = figures.filesystemUsedBytes
        snap.volume.succeed(volume, at: now - 12)
        snap.logs.succeed(LogStreamInfo(pod: "app-7d9f8c6b5-x2kq9", container: "app"), at: now)
        snap.codeChange = CodeChangeInfo(file: "application.py", savedAtMs: nowMs - 180_000, liveAfterMs: 214, signal: "response changed")
        return snap
    }

    static func appLog() -> LogBuffer {
        var buffer = LogBuffer(capacity: 5000)
        buffer.append("── following app-7d9f8c6b5-x2kq9 -c app ──")
        for line in String(decoding: bytes("scenarios/healthy/kubectl-logs-app"), as: UTF8.self).split(separator: "\n") {
            buffer.append(String(line))
        }
        buffer.append("[2026-11-25 10:03:12 +0000] [8] [INFO] Worker reloading: /app/application.py modified")
        buffer.append("[2026-11-25 10:03:12 +0000] [23] [INFO] Booting worker with pid: 23")
        buffer.append("10.42.0.1 - - [25/Nov/2026:10:03:15 +0000] \"GET / HTTP/1.1\" 200 23 \"-\" \"Mozilla/5.0\"")
        return buffer
    }

    static func input(_ snap: EnvironmentSnapshot, ui: UIState = UIState(), logs: LogBuffer = appLog(), width: Int, height: Int) -> RenderInput {
        RenderInput(snapshot: snap, logs: logs, followed: .app, ui: ui, width: width, height: height, nowMs: nowMs)
    }
}

/// The renderer against screens checked into Tests/DevTUITests/Golden. `scripts/update-goldens`
/// rewrites them (review the diff); in that mode every check fails on purpose, so a stray
/// UPDATE_GOLDEN=1 can never turn a test run green. Every golden suite calls this one check.
enum Golden {
    static func check(_ name: String, _ input: RenderInput, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = Renderer.render(input).text + "\n"
        let path = TestData.repoRoot + "/Tests/DevTUITests/Golden/\(name).txt"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("rewrote golden \(name).txt (UPDATE_GOLDEN=1): review the diff, then test without it",
                         sourceLocation: sourceLocation)
            return
        }
        let golden = try #require(try? String(contentsOfFile: path, encoding: .utf8), "missing golden \(name).txt", sourceLocation: sourceLocation)
        #expect(text == golden, "screen \(name) differs from its golden file", sourceLocation: sourceLocation)
    }
}
