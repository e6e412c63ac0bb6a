import Dispatch

/// A small HTTP/1.1 GET over a plain socket: the app endpoint is plain http on loopback,
/// and this keeps Foundation's networking (and its memory) out of devtui.
public struct HTTPProbe: Sendable {
    public struct Answer: Sendable, Equatable {
        public var statusCode: Int
        public var body: [UInt8]
        public var latencyMs: Int
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case badURL(String)
        case resolve(String)
        case refused
        case timedOut(Int)
        case io(String)
        case malformed

        public var description: String {
            switch self {
            case .badURL(let why): return "bad URL: \(why)"
            case .resolve(let host): return "cannot resolve \(host)"
            case .refused: return "connection refused"
            case .timedOut(let ms): return "no answer within \(DurationFormat.short(.milliseconds(ms)))"
            case .io(let why): return why
            case .malformed: return "not an HTTP answer"
            }
        }
    }

    public struct Target: Sendable, Equatable {
        public var host: String
        public var port: UInt16
        public var path: String

        public init(url: String) throws(Failure) {
            guard url.hasPrefix("http://") else {
                throw .badURL(url.hasPrefix("https://") ? "https is not supported, use http://" : "must start with http://")
            }
            let rest = url.dropFirst(7)
            let hostPort = rest.prefix { $0 != "/" }
            path = rest.dropFirst(hostPort.count).isEmpty ? "/" : String(rest.dropFirst(hostPort.count))
            if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
                guard let p = UInt16(hostPort[hostPort.index(after: colon)...]), p > 0 else { throw .badURL("bad port") }
                host = String(hostPort[..<colon])
                port = p
            } else {
                host = String(hostPort)
                port = 80
            }
            host = host.trimmingPrefix("[").split(separator: "]").first.map(String.init) ?? host
            guard !host.isEmpty else { throw .badURL("no host") }
        }
    }

    public var timeoutMs: Int
    public init(timeoutMs: Int = 2000) { self.timeoutMs = timeoutMs }

    /// Runs the blocking exchange on a Dispatch thread, off Swift's small cooperative pool.
    public func get(_ url: String) async -> Result<Answer, Failure> {
        let timeout = timeoutMs
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.exchange(url, timeoutMs: timeout))
            }
        }
    }

    public static func exchange(_ url: String, timeoutMs: Int) -> Result<Answer, Failure> {
        let target: Target
        do { target = try Target(url: url) } catch { return .failure(error) }
        let start = Clock.monotonicMs()
        let deadline = start + timeoutMs

        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(target.host, String(target.port), &hints, &list) == 0, let first = list else {
            return .failure(.resolve(target.host))
        }
        defer { freeaddrinfo(list) }

        var lastError: Failure = .refused
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let ai = node {
            node = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            switch connectAndFetch(fd: fd, address: ai.pointee.ai_addr, length: ai.pointee.ai_addrlen,
                                   target: target, deadline: deadline, timeoutMs: timeoutMs) {
            case .success(let raw):
                guard let parsed = parse(raw) else { return .failure(.malformed) }
                return .success(Answer(statusCode: parsed.0, body: parsed.1, latencyMs: Clock.monotonicMs() - start))
            case .failure(let failure):
                lastError = failure
                if case .timedOut = failure { return .failure(failure) }
            }
        }
        return .failure(lastError)
    }

    static func connectAndFetch(fd: Int32, address: UnsafeMutablePointer<sockaddr>?, length: socklen_t,
                                target: Target, deadline: Int, timeoutMs: Int) -> Result<[UInt8], Failure> {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        #if canImport(Darwin)
        var on: Int32 = 1  // no SIGPIPE from a closed peer (Linux: MSG_NOSIGNAL on send)
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
        if connect(fd, address, length) != 0 {
            guard errno == EINPROGRESS else { return .failure(errno == ECONNREFUSED ? .refused : .io(errorText(errno))) }
            guard wait(fd, events: Int16(POLLOUT), deadline: deadline) else { return .failure(.timedOut(timeoutMs)) }
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
            if err != 0 { return .failure(err == ECONNREFUSED ? .refused : .io(errorText(err))) }
        }
        let hostHeader = target.port == 80 ? target.host : "\(target.host):\(target.port)"
        let request = Array("GET \(target.path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: devtui\r\nAccept: */*\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, noSignal) }
            if n > 0 { sent += n; continue }
            if errno == EAGAIN || errno == EINTR {
                guard wait(fd, events: Int16(POLLOUT), deadline: deadline) else { return .failure(.timedOut(timeoutMs)) }
                continue
            }
            return .failure(.io(errorText(errno)))
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while response.count < 1_048_576 {
            guard wait(fd, events: Int16(POLLIN), deadline: deadline) else { return .failure(.timedOut(timeoutMs)) }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { response += chunk[0..<n]; if complete(response) { break }; continue }
            if n == 0 { break }
            if errno == EAGAIN || errno == EINTR { continue }
            return .failure(errno == ECONNRESET ? .io("connection reset") : .io(errorText(errno)))
        }
        return .success(response)
    }

    /// True once a Content-Length body has fully arrived (so a keep-alive server cannot stall us).
    static func complete(_ raw: [UInt8]) -> Bool {
        guard let split = headerEnd(raw) else { return false }
        let headers = String(decoding: raw[..<split], as: UTF8.self).lowercased()
        for line in headers.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            if let length = Int(line.dropFirst(15).trimmingCharacters()) { return raw.count - (split + 4) >= length }
        }
        return false
    }

    static func headerEnd(_ raw: [UInt8]) -> Int? {
        guard raw.count >= 4 else { return nil }
        for i in 0...(raw.count - 4) where raw[i] == 13 && raw[i + 1] == 10 && raw[i + 2] == 13 && raw[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// Status code and body (chunked transfer decoded).
    static func parse(_ raw: [UInt8]) -> (Int, [UInt8])? {
        guard let split = headerEnd(raw) else { return nil }
        let head = String(decoding: raw[..<split], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]) else { return nil }
        var body = Array(raw[(split + 4)...])
        if head.lowercased().contains("transfer-encoding: chunked") { body = dechunk(body) }
        return (code, body)
    }

    static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            guard let lineEnd = (i..<data.count - 1).first(where: { data[$0] == 13 && data[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: data[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(), radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            let end = min(data.count, start + size)
            out += data[start..<end]
            i = end + 2
        }
        return out
    }

    static func wait(_ fd: Int32, events: Int16, deadline: Int) -> Bool {
        while true {
            let remaining = deadline - Clock.monotonicMs()
            if remaining <= 0 { return false }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let r = poll(&p, 1, Int32(remaining))
            if r > 0 { return true }
            if r == 0 { return false }
            if errno != EINTR { return true } // let the following call report the error
        }
    }

    #if canImport(Darwin)
    static let noSignal: Int32 = 0
    #else
    static let noSignal = Int32(MSG_NOSIGNAL)
    #endif

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
