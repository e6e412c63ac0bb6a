import Foundation
import Testing
@testable import ClusterProbe

@Suite struct HTTPProbeTests {
    @Test func readsStatusAndBody() async {
        let server = CannedServer(response: Array("HTTP/1.1 200 OK\r\nContent-Length: 23\r\nConnection: keep-alive\r\n\r\nHello Devops 123, 1234!".utf8))
        let result = await HTTPProbe(timeoutMs: 2000).get(server.url)
        withExtendedLifetime(server) {}
        guard case .success(let answer) = result else { Issue.record("\(result)"); return }
        #expect(answer.statusCode == 200)
        #expect(String(decoding: answer.body, as: UTF8.self) == "Hello Devops 123, 1234!")
    }

    @Test func decodesChunkedBodies() async {
        let server = CannedServer(response: Array("HTTP/1.1 500 INTERNAL SERVER ERROR\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n6\r\n world\r\n0\r\n\r\n".utf8))
        let result = await HTTPProbe().get(server.url)
        withExtendedLifetime(server) {}
        guard case .success(let answer) = result else { Issue.record("\(result)"); return }
        #expect(answer.statusCode == 500)
        #expect(String(decoding: answer.body, as: UTF8.self) == "Hello world")
    }

    /// A keep-alive server sends exactly Content-Length bytes and keeps the connection open: the
    /// probe is done when the body is, not when the server closes (it never does here). The
    /// 10 s timeout is a safety net: a probe that waited for the close would end on it, failed.
    @Test func aKeepAliveAnswerEndsWithItsContentLength() async {
        for body in ["Hello Devops 123, 1234!", "", String(repeating: "x", count: 70_000)] {
            let server = KeepAliveServer(response: Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\nConnection: keep-alive\r\n\r\n\(body)".utf8))
            let result = await HTTPProbe(timeoutMs: 10_000).get(server.url)
            withExtendedLifetime(server) {}
            guard case .success(let answer) = result else { Issue.record("\(body.utf8.count) bytes: \(result)"); continue }
            #expect(answer.statusCode == 200 && answer.body == Array(body.utf8))
        }
    }

    /// A traceback far over 4 KiB (a deep recursion, a long message) keeps its last line: the
    /// exception. The probe reads up to 1 MiB.
    @Test func aLargeTracebackKeepsItsLastLine() async {
        let frames = (0..<2000).map { "  File \"/app/application.py\", line \($0 + 1), in f\($0)\n    return f\($0 + 1)()\n" }.joined()
        let body = "Traceback (most recent call last):\n" + frames + "RuntimeError: maximum recursion depth exceeded\n"
        #expect(body.utf8.count > 100_000 && body.utf8.count < 1_000_000)
        let server = CannedServer(response: Array("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
        let result = await HTTPProbe(timeoutMs: 10_000).get(server.url)
        withExtendedLifetime(server) {}
        guard case .success(let answer) = result else { Issue.record("\(result)"); return }
        #expect(answer.body.count == body.utf8.count)
        let health = AppHealth(url: server.url, statusCode: answer.statusCode, latencyMs: answer.latencyMs, body: answer.body)
        #expect(health.exception == "RuntimeError: maximum recursion depth exceeded")
        #expect(health.exceptionAt == "/app/application.py, line 2000")
    }

    /// A body over 1 MiB is cut there, not read to its end (a runaway app cannot fill memory).
    @Test func aBodyOverOneMebibyteIsCut() async {
        let size = 8 * 1_048_576
        let server = CannedServer(response: Array("HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: size))
        let result = await HTTPProbe(timeoutMs: 10_000).get(server.url)
        withExtendedLifetime(server) {}
        guard case .success(let answer) = result else { Issue.record("\(result)"); return }
        #expect(answer.statusCode == 200)
        #expect(answer.body.count >= 1_000_000 && answer.body.count <= 1_048_576 + 16_384, "\(answer.body.count) bytes")
    }

    @Test func refusedIsNamed() async {
        let port = RefusingPort()
        let result = await HTTPProbe().get(port.url)
        withExtendedLifetime(port) {}
        #expect(result == .failure(.refused))
    }

    /// The server answers after 10 s; the probe gives up at its 300 ms (an answer would be a success).
    @Test func aHungServerTimesOut() async {
        let server = CannedServer(response: Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8), delayMs: 10_000)
        let result = await HTTPProbe(timeoutMs: 300).get(server.url)
        withExtendedLifetime(server) {}
        #expect(result == .failure(.timedOut(300)))
    }

    @Test func notHTTP() async {
        let server = CannedServer(response: Array("SSH-2.0-OpenSSH\r\n".utf8))
        let result = await HTTPProbe().get(server.url)
        withExtendedLifetime(server) {}
        #expect(result == .failure(.malformed))
    }

    /// Gunicorn with the repo's conf answers code that fails to load with its traceback.
    @Test func aTracebackIsSummarizedByItsException() async {
        let body = """
        Traceback (most recent call last):
          File "/app/gunicorn.conf.py", line 313, in _load_wsgi
            self.wsgi = self.app.wsgi()
          File "application.py", line 59, in <module>
            x_not_defined + 1
        NameError: name 'x_not_defined' is not defined

        """
        let server = CannedServer(response: Array("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
        let result = await HTTPProbe().get(server.url)
        withExtendedLifetime(server) {}
        guard case .success(let answer) = result else { Issue.record("\(result)"); return }
        let health = AppHealth(url: server.url, statusCode: answer.statusCode, latencyMs: answer.latencyMs, body: answer.body)
        #expect(health.statusCode == 500)
        #expect(health.exception == "NameError: name 'x_not_defined' is not defined")
        #expect(health.firstLine == health.exception)
        #expect(health.exceptionAt == "application.py, line 59")
    }

    @Test func syntaxErrorTracebacksEndWithTheError() {
        let text = "Traceback (most recent call last):\n  File \"application.py\", line 60\n    def broken(:\n               ^\nSyntaxError: invalid syntax\n"
        #expect(Traceback(text) == Traceback(exception: "SyntaxError: invalid syntax", location: "application.py, line 60"))
    }

    @Test func otherBodiesKeepTheirFirstLine() {
        let html = AppHealth(url: "u", statusCode: 500, latencyMs: 1, body: Array("<html>\n<title>Internal Server Error</title>\nTraceback (most recent call last):\n".utf8))
        #expect(html.exception == nil)
        #expect(html.firstLine == "<html>")
        let hello = AppHealth(url: "u", statusCode: 200, latencyMs: 1, body: Array("Hello Devops 123, 1234!".utf8))
        #expect(hello.firstLine == "Hello Devops 123, 1234!" && hello.exception == nil)
        #expect(Traceback("Traceback (most recent call last):") == nil)
    }

    @Test func badURLs() async throws {
        // (a Target test too: trailing slash is implied)
        #expect(await HTTPProbe().get("https://127.0.0.1:8080/") == .failure(.badURL("https is not supported, use http://")))
        #expect(await HTTPProbe().get("127.0.0.1:8080") == .failure(.badURL("must start with http://")))
        #expect(throws: HTTPProbe.Failure.badURL("bad port")) { try HTTPProbe.Target(url: "http://h:99999/") }
        #expect(try HTTPProbe.Target(url: "http://localhost:8080") == (try HTTPProbe.Target(url: "http://localhost:8080/")))
        // No port: HTTP's own, 80 (as a browser would), not the dev app's 8080.
        let plain = try HTTPProbe.Target(url: "http://devenv.test/health")
        #expect(plain.host == "devenv.test" && plain.port == 80 && plain.path == "/health")
        #expect(try HTTPProbe.Target(url: "http://[::1]/").port == 80)
    }
}

extension HTTPProbe.Answer: CustomStringConvertible {
    public var description: String { "\(statusCode) \(body.count) bytes" }
}
