import Foundation
import Testing
@testable import ClusterProbe
@testable import DevTUI

/// The App panel when the app answers code that fails to load with its traceback (issue 11).
@Suite struct AppPanelTracebackTests {
    static let body = """
    Traceback (most recent call last):
      File "/app/gunicorn.conf.py", line 313, in _load_wsgi
        self.wsgi = self.app.wsgi()
      File "application.py", line 59, in <module>
        x + 1
    NameError: name 'x' is not defined

    """

    func screen(saved: CodeChangeInfo) -> String {
        var snap = TestData.healthy()
        var health = AppHealth(url: "http://127.0.0.1:8080/", statusCode: 500, latencyMs: 4, body: Array(Self.body.utf8))
        health.bodyChangedAt = TestData.nowMs / 1000 - 4
        snap.app.succeed(health, at: TestData.nowMs / 1000)
        snap.codeChange = saved
        return Renderer.render(TestData.input(snap, width: 100, height: 30)).text
    }

    @Test func aBadSaveShowsTheExceptionAndWhere() {
        let text = screen(saved: CodeChangeInfo(file: "application.py", savedAtMs: TestData.nowMs - 4_000, liveAfterMs: 90))
        if ProcessInfo.processInfo.environment["SHOW_SCREEN"] == "1" { print(text) }
        // At 100 columns the panel is 36 wide: the exception wraps rather than being cut.
        #expect(text.contains("││ ● 500 · NameError: name 'x' is not   │"))
        #expect(text.contains("││ defined · application.py, line 59    │"))
        #expect(text.contains("edit live in 0.1 s"))
        #expect(!text.contains("Traceback (most recent call last)"))
    }

    @Test func aShortExceptionKeepsOneLineAndSaysWhere() {
        var snap = TestData.healthy()
        let body = "Traceback (most recent call last):\n  File \"application.py\", line 3, in <module>\n    import nope\nImportError: No module named nope\n"
        snap.app.succeed(AppHealth(url: "http://127.0.0.1:8080/", statusCode: 500, latencyMs: 4, body: Array(body.utf8)), at: TestData.nowMs / 1000)
        let text = Renderer.render(TestData.input(snap, width: 120, height: 40)).text
        if ProcessInfo.processInfo.environment["SHOW_SCREEN"] == "1" { print(text) }
        #expect(text.contains("● 500 · ImportError: No module named nope"))
        #expect(text.contains("││ application.py, line 3     "))
    }

    /// In the pod Gunicorn's traceback names the file by its full path (/app/application.py):
    /// where the panel is too narrow for it, the folder goes and the line number stays.
    @Test func aFullPathGivesWayToTheLineNumber() {
        func panel(_ file: String, width: Int) -> String {
            var snap = TestData.healthy()
            let body = "Traceback (most recent call last):\n  File \"/app/gunicorn.conf.py\", line 347, in _load_wsgi\n    self.wsgi = self.app.wsgi()\n  File \"\(file)\", line 59, in <module>\n    x + 1\nNameError: name 'x' is not defined\n"
            snap.app.succeed(AppHealth(url: "http://127.0.0.1:8080/", statusCode: 500, latencyMs: 4, body: Array(body.utf8)), at: TestData.nowMs / 1000)
            return Renderer.render(TestData.input(snap, width: width, height: 30)).text
        }
        let pod = panel("/app/application.py", width: 100)
        #expect(pod.contains("││ defined · application.py, line 59    │"), "\(pod)")
        // Room enough (a wider terminal): the path as the traceback gives it.
        #expect(panel("/app/application.py", width: 200).contains("NameError: name 'x' is not defined"))
        #expect(panel("/app/application.py", width: 200).contains("/app/application.py, line 59"))
        // On a line of its own (a short exception), a deep path gives way too.
        var snap = TestData.healthy()
        let body = "Traceback (most recent call last):\n  File \"/app/vendor/some_package/submodule/helpers.py\", line 1234, in f\n    d['x']\nKeyError: 'x'\n"
        snap.app.succeed(AppHealth(url: "http://127.0.0.1:8080/", statusCode: 500, latencyMs: 4, body: Array(body.utf8)), at: TestData.nowMs / 1000)
        let deep = Renderer.render(TestData.input(snap, width: 100, height: 30)).text
        #expect(deep.contains("││ ● 500 · KeyError: 'x' "), "\(deep)")
        #expect(deep.contains("││ helpers.py, line 1234 "), "\(deep)")
        #expect(AppView.shortPlace("application.py, line 3") == "application.py, line 3")
        #expect(AppView.shortPlace("/app/x.py") == "x.py")
    }
}
