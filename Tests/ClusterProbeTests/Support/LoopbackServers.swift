import Foundation
@testable import ClusterProbe

/// Loopback sockets for the HTTP probe's tests. Each server's thread owns its listening socket and
/// closes it itself (closing it from another thread could let a parallel test's new socket reuse
/// the descriptor under a blocked accept).
enum Loopback {
    /// A TCP socket bound to 127.0.0.1 on a free port, listening if asked.
    static func socket(listening: Bool, reuseAddress: Bool = false) -> (fd: Int32, port: UInt16) {
        let fd = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if reuseAddress {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if listening { listen(fd, 8) }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &len) } }
        return (fd, UInt16(bigEndian: bound.sin_port))
    }

    /// Reads the request, sends `response`, then closes gracefully: closing with unread request
    /// bytes would send RST, and a reset can discard the answer before the client reads it.
    static func answer(_ client: Int32, with response: [UInt8], delayMs: Int = 0) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = recv(client, &buffer, buffer.count, 0)
        if delayMs > 0 { usleep(useconds_t(delayMs * 1000)) }
        _ = response.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(client, Int32(SHUT_WR))
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while recv(client, &buffer, buffer.count, 0) > 0 {}
        close(client)
    }
}

/// Answers one connection with canned bytes.
final class CannedServer: @unchecked Sendable {
    let port: UInt16

    init(response: [UInt8], delayMs: Int = 0) {
        let (listener, port) = Loopback.socket(listening: true, reuseAddress: true)
        self.port = port
        Thread.detachNewThread {
            let client = accept(listener, nil, nil)
            close(listener)
            guard client >= 0 else { return }
            Loopback.answer(client, with: response, delayMs: delayMs)
        }
    }

    var url: String { "http://127.0.0.1:\(port)/" }
}

/// Answers one connection as a keep-alive HTTP/1.1 server does: the response (its Content-Length
/// exact) and then nothing, its end open until the client closes (or 60 s pass). A client that
/// waits for the close instead of counting the body never finishes.
final class KeepAliveServer: @unchecked Sendable {
    let port: UInt16

    init(response: [UInt8]) {
        let (listener, port) = Loopback.socket(listening: true, reuseAddress: true)
        self.port = port
        Thread.detachNewThread {
            let client = accept(listener, nil, nil)
            close(listener)
            guard client >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = recv(client, &buffer, buffer.count, 0)
            _ = response.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var timeout = timeval(tv_sec: 60, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            while recv(client, &buffer, buffer.count, 0) > 0 {}
            close(client)
        }
    }

    var url: String { "http://127.0.0.1:\(port)/" }
}

/// Answers its n-th connection with the n-th body, then stops listening.
final class SequenceServer: @unchecked Sendable {
    let port: UInt16

    init(bodies: [String]) {
        let (listener, port) = Loopback.socket(listening: true)
        self.port = port
        Thread.detachNewThread {
            defer { close(listener) }
            for body in bodies {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                Loopback.answer(client, with: Array("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
            }
        }
    }

    var url: String { "http://127.0.0.1:\(port)/" }
}

/// A loopback port that refuses connections for as long as this object lives: bound, never
/// listening, so no other test can take the port while it is in use as "nothing listens here".
final class RefusingPort: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32

    init() {
        (fd, port) = Loopback.socket(listening: false)
    }

    deinit { close(fd) }

    var url: String { "http://127.0.0.1:\(port)/" }
}
