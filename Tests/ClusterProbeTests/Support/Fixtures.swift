import Foundation
@testable import ClusterProbe

/// Paths into the repo's shared test fixtures (Tests/Fixtures), found from this file's location.
enum Fixtures {
    static let repoRoot: String = {
        let path = #filePath
        return String(path[..<path.range(of: "/Tests/")!.lowerBound])
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
        setenv("STANDIN_DIR", dir, 1)
        setenv("STANDIN_LOG", log, 1)
        runner = SubprocessRunner(searchPath: Fixtures.standins + ":/usr/bin:/bin")
    }

    /// Every argv the stand-ins received, in order.
    func calls() -> [[String]] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String]
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}
