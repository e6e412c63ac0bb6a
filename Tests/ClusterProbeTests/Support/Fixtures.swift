import Foundation
import Testing
@testable import ClusterProbe

/// Paths into the repo's shared test fixtures (Tests/Fixtures), found from this file's location.
enum Fixtures {
    /// This file is <root>/Tests/ClusterProbeTests/Support/Fixtures.swift: the root is three folders up
    /// (a search for "/Tests/" would stop early in a checkout under a folder named Tests).
    static let repoRoot: String = {
        var path = #filePath
        for _ in 0..<4 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()
    static var standins: String { repoRoot + "/Tests/Fixtures/bin" }
    static func scenario(_ name: String) -> String { repoRoot + "/Tests/Fixtures/scenarios/" + name }

    static func bytes(_ relative: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: repoRoot + "/Tests/Fixtures/" + relative)!)
    }

    static func text(_ relative: String) -> String {
        String(decoding: bytes(relative), as: UTF8.self)
    }

    static func pods(_ name: String) throws -> [PodSummary] {
        try KubeJSON.decode(PodList.self, from: bytes("pods/\(name).json")).items.map(PodSummary.init)
    }
}

/// A scratch folder with a stand-in scenario and an argv log, and a runner whose PATH starts with the stand-ins.
struct StandinWorld {
    let dir: String
    let log: String
    let runner: SubprocessRunner

    init(scenario: String, extraFiles: [String: String] = [:]) throws {
        dir = NSTemporaryDirectory() + "standin-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: Fixtures.scenario(scenario), toPath: dir)
        for (name, content) in extraFiles {
            try content.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        log = dir + "/argv.log"
        // The stand-ins are `#!/usr/bin/env python3`: keep python3's folder on PATH, wherever it is.
        let python = ExecutableLocator.find("python3", path: ExecutableLocator.currentPath()) ?? "/usr/bin/python3"
        let pythonDir = String(python[..<python.lastIndex(of: "/")!])
        runner = SubprocessRunner(searchPath: Fixtures.standins + ":" + pythonDir + ":/usr/bin:/bin",
                                  environment: ["STANDIN_DIR": dir, "STANDIN_LOG": log])
    }

    /// Every argv the stand-ins received, in order.
    func calls() -> [[String]] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String]
        }
    }

    /// Calls the scenario does not expect (the stand-ins record them and exit 1).
    func unexpected() -> [String] {
        guard let data = FileManager.default.contents(atPath: dir + "/UNEXPECTED") else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Called from each test's defer: an unexpected call fails the test that made it.
    func remove(sourceLocation: SourceLocation = #_sourceLocation) {
        let calls = unexpected()
        if !calls.isEmpty { Issue.record("the stand-ins got calls no scenario expects: \(calls)", sourceLocation: sourceLocation) }
        try? FileManager.default.removeItem(atPath: dir)
    }
}

