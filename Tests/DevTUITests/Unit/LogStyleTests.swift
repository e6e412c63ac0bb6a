import Testing
@testable import DevTUI

@Suite struct LogStyleTests {
    @Test(arguments: [
        ("[2026-11-25 10:03:12 +0000] [8] [ERROR] Exception in worker process", Style.bad),
        ("[2026-11-25 10:03:12 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)", .bad),
        ("Traceback (most recent call last):", .bad),
        ("[2026-11-25 10:03:12 +0000] [1] [WARNING] Worker graceful timeout", .warn),
        ("10.42.0.1 - - [25/Nov/2026:10:03:15 +0000] \"GET / HTTP/1.1\" 500 23 \"-\" \"curl\"", .bad),
        ("10.42.0.1 - - [25/Nov/2026:10:03:15 +0000] \"GET / HTTP/1.1\" 200 23 \"-\" \"curl\"", .normal),
        ("[2026-11-25 10:03:12 +0000] [8] [INFO] Booting worker with pid: 8", .normal),
        ("", .normal), ("[ERROR", .normal), ("[ERR]", .normal), ("é [ERROR] après", .bad), ("…[WARNING]", .warn),
    ])
    func levelsAndServerErrorsAreColoured(line: String, style: Style) {
        #expect(LogsView.style(of: line) == style)
    }

    @Test func byteSearchFindsOnlyWholeNeedles() {
        #expect("abc[ERROR]".utf8.has("[ERROR]"))
        #expect("[ERROR]".utf8.has("[ERROR]"))
        #expect(!"[ERRO".utf8.has("[ERROR]"))
        #expect(!"[[ERRORR".utf8.has("[ERROR]"))
        #expect("[[ERROR]]".utf8.has("[ERROR]"))
        #expect("aab".utf8.has("ab"))   // a false start right before the match
        #expect("x".utf8.has(""))
        #expect(!"".utf8.has("x"))
    }
}
