import Foundation
import Testing
@testable import ClusterProbe

@Suite struct TextSanitizerTests {
    @Test func invalidUTF8BecomesReplacementCharacters() {
        let line = TextSanitizer.line([0x6F, 0x6B, 0xFF, 0xFE, 0x21])
        #expect(line == "ok\u{FFFD}\u{FFFD}!")
    }

    @Test func escapeSequencesAreNeverPassedThrough() {
        let line = TextSanitizer.line(Array("\u{1B}[2J\u{1B}]0;title\u{07}red".utf8))
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 })
        #expect(line.hasSuffix("red"))
    }

    @Test func tabsExpandAndCarriageReturnsVanish() {
        #expect(TextSanitizer.line(Array("a\tb\r".utf8)) == "a    b")
    }

    @Test func multiLineOutputKeepsItsLines() {
        #expect(TextSanitizer.clean(Array("a\r\nb\n".utf8)) == "a\nb")
    }

    @Test func firstLineSkipsBlankLines() {
        #expect(TextSanitizer.firstLine("\n  \nerror: boom\nmore") == "error: boom")
    }
}

@Suite struct LineSplitterTests {
    @Test func splitsAcrossChunksAndFlushesTheTail() {
        var splitter = LineSplitter()
        var lines: [String] = []
        splitter.feed(Array("one\ntw".utf8)) { lines.append($0) }
        splitter.feed(Array("o\nthree".utf8)) { lines.append($0) }
        #expect(lines == ["one", "two"])
        splitter.finish { lines.append($0) }
        #expect(lines == ["one", "two", "three"])
    }

    @Test func aLineWithoutNewlinesCannotGrowForever() {
        var splitter = LineSplitter(maxLine: 100)
        var lines: [String] = []
        splitter.feed([UInt8](repeating: 0x61, count: 1000)) { lines.append($0) }
        #expect(lines.count == 10)
        #expect(lines.allSatisfy { $0.count == 100 })
    }
}

@Suite struct LogBufferTests {
    @Test func keepsTheNewestLinesInOrder() {
        var buffer = LogBuffer(capacity: 3)
        for i in 1...5 { buffer.append("l\(i)") }
        #expect(buffer.lines == ["l3", "l4", "l5"])
        #expect(buffer.totalAppended == 5)
        #expect(buffer.window(last: 2) == ["l4", "l5"])
        #expect(buffer.window(last: 2, offsetFromEnd: 1) == ["l3", "l4"])
        #expect(buffer.window(last: 10, offsetFromEnd: 10).isEmpty)
    }

    @Test func memoryIsBoundedUnderAFlood() {
        var buffer = LogBuffer(capacity: 5000)
        for i in 0..<100_000 { buffer.append("line \(i)") }
        #expect(buffer.count == 5000)
        #expect(buffer[0] == "line 95000")
        #expect(buffer[4999] == "line 99999")
    }
}

@Suite struct BackoffTests {
    @Test func doublesUpToTheCeilingAndResets() {
        var backoff = Backoff(base: .seconds(1), ceiling: .seconds(5))
        #expect([backoff.fail(), backoff.fail(), backoff.fail(), backoff.fail()] == [.seconds(1), .seconds(2), .seconds(4), .seconds(5)])
        backoff.reset()
        #expect(backoff.fail() == .seconds(1))
    }
}

@Suite struct ProbeConfigTests {
    @Test func findsTheProjectAndItsKubeconfig() {
        let root = Fixtures.repoRoot
        let config = ProbeConfig.resolve(workingDirectory: root + "/Sources/ClusterProbe")
        #expect(config.projectDir == root)
        #expect(config.target.kubeconfig == root + "/.devenv/kubeconfig")
        #expect(config.target.namespace == "devenv")
    }

    @Test func aContextMeansTheUsersOwnKubeconfig() {
        let config = ProbeConfig.resolve(workingDirectory: Fixtures.repoRoot, context: "prod-like")
        #expect(config.target.kubeconfig == nil)
        #expect(config.target.globalFlags == ["--context", "prod-like", "--namespace", "devenv"])
    }

    /// The project is the nearest folder up with a Vagrantfile; a folder without one is never it
    /// (whatever lies above the temporary folder on this machine, a stray /Vagrantfile included).
    @Test func theNearestVagrantfileUpIsTheProject() throws {
        let base = NSTemporaryDirectory() + "devtui-project-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base + "/project/app/lib", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/elsewhere/deeper", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: base + "/project/Vagrantfile", contents: Data())
        #expect(ProbeConfig.resolve(workingDirectory: base + "/project/app/lib").projectDir == base + "/project")
        let outside = ProbeConfig.resolve(workingDirectory: base + "/elsewhere/deeper")
        #expect(outside.projectDir == ProbeConfig.findProject(from: base))
        #expect(outside.projectDir?.hasPrefix(base) != true)
        if outside.projectDir == nil { #expect(outside.target.kubeconfig == nil) }
    }

    @Test func relativeFlagsAreResolved() {
        let config = ProbeConfig.resolve(workingDirectory: "/a/b", projectDir: "../c", kubeconfig: "./k")
        #expect(config.projectDir == "/a/c")
        #expect(config.target.kubeconfig == "/a/b/k")
    }
}
