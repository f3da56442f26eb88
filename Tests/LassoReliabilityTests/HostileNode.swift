import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately misbehaving "Lasso node": a raw POSIX TCP listener on a loopback address that answers each request
/// with whatever `Reply` the current handler picks — including replies no well-behaved HTTP server library would send
/// (truncated bodies, 1 byte/s trickles, resets mid-body, unbounded bodies). One thread per connection; every
/// connection is closed after one reply (`Connection: close`), so each poll is a fresh connection.
final class HostileNode: Sendable {
    enum Reply: Sendable {
        /// A complete HTTP response.
        case http(status: Int, contentType: String, body: [UInt8])
        /// Head with `Content-Length: declared`, then the body one byte per `interval` until done or closed.
        case trickle(declared: Int, interval: Duration)
        /// Head with `Content-Length: declared`, `sent` bytes of body, then a TCP reset (SO_LINGER 0).
        case resetMidBody(declared: Int, sent: [UInt8])
        /// 200 with no Content-Length: `bytes` of JSON-ish filler, close-delimited (no size known in advance).
        case endless(bytes: Int)
        /// 200 with `Transfer-Encoding: chunked`, one 1-byte chunk per `interval`, `chunks` of them, then the end.
        case chunkedTrickle(chunks: Int, interval: Duration)

        static func json(_ text: String, status: Int = 200) -> Reply {
            .http(status: status, contentType: "application/json", body: Array(text.utf8))
        }

        static func jsonBytes(_ bytes: [UInt8]) -> Reply { .http(status: 200, contentType: "application/json", body: bytes) }
    }

    typealias Handler = @Sendable (_ path: String, _ headers: [String: String]) -> Reply

    let address: String
    let port: Int
    private let listener: Int32
    private let handler: Mutex<Handler>
    private let stopped = Atomic<Bool>(false)
    private let requestCount = Atomic<Int>(0)
    private let acceptLoopEnded = DispatchSemaphore(value: 0)
    /// Every request header value this node has seen (to prove secrets were sent, and then never shown).
    let seenHeaders = Mutex<[String: String]>([:])

    var url: String { "http://\(address):\(port)" }
    var requests: Int { requestCount.load(ordering: .relaxed) }

    /// Binds `address:port` (port 0 = any free port) and starts accepting.
    init(address: String = "127.0.0.1", port: Int = 0, handler: @escaping Handler) throws {
        self.address = address
        self.handler = Mutex(handler)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(errno: errno, what: "socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, address, &addr.sin_addr)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let error = POSIXError(errno: errno, what: "bind \(address):\(port)")
            close(fd)
            throw error
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        self.listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "hostile-node-\(self.port)"
        thread.start()
    }

    func setHandler(_ handler: @escaping Handler) { self.handler.withLock { $0 = handler } }

    /// Closes the listener (new connections are refused); running replies notice within 100 ms and stop.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        // The accept loop must be gone before the descriptor is closed: its number is reused by the next socket
        // opened, and a loop still polling it accepted the next node's connections and served them as a stopped node.
        acceptLoopEnded.wait()
        close(listener)
    }

    deinit { stop() }

    private func acceptLoop() {
        defer { acceptLoopEnded.signal() }
        while !stopped.load(ordering: .acquiring) {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        var closed = false
        defer { if !closed { close(fd) } }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while head.count < 65_536 {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return }
            head += buffer[0..<n]
            // A TLS ClientHello (0x16) sent to this plain-HTTP node: answer like a plain server would, in clear text.
            if head.first == 0x16 {
                send(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            }
            if head[...].containsCRLFCRLF { break }
        }
        requestCount.add(1, ordering: .relaxed)
        let text = String(decoding: head, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        let path = parts.count > 1 ? String(parts[1]) : "/"
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        seenHeaders.withLock { $0.merge(headers) { $1 } }
        let reply = handler.withLock { $0 }(path, headers)
        switch reply {
        case .http(let status, let contentType, let body):
            send(fd, "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Error")\r\nContent-Type: \(contentType)\r\n"
                + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
            send(fd, body)
        case .trickle(let declared, let interval):
            guard send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(declared)\r\n\r\n") else { return }
            for _ in 0..<declared {
                guard sleepUnlessStopped(interval), send(fd, [UInt8(ascii: " ")]) else { return }
            }
        case .resetMidBody(let declared, let sent):
            send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(declared)\r\n\r\n")
            send(fd, sent)
            Thread.sleep(forTimeInterval: 0.05)   // let the partial body arrive before the reset
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(fd)
            closed = true
        case .chunkedTrickle(let chunks, let interval):
            guard send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n") else { return }
            for _ in 0..<chunks {
                guard sleepUnlessStopped(interval), send(fd, "1\r\n \r\n") else { return }
            }
            send(fd, "0\r\n\r\n")
        case .endless(let bytes):
            guard send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n") else { return }
            let chunk = [UInt8](repeating: UInt8(ascii: "7"), count: 64 * 1024)
            var remaining = bytes
            send(fd, Array("[".utf8))
            while remaining > 0, !stopped.load(ordering: .relaxed) {
                let piece = min(remaining, chunk.count)
                guard send(fd, Array(chunk[0..<piece])) else { return }   // the client hung up: stop sending
                remaining -= piece
            }
        }
    }

    private func sleepUnlessStopped(_ interval: Duration) -> Bool {
        var remaining = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        while remaining > 0 {
            if stopped.load(ordering: .relaxed) { return false }
            let slice = min(remaining, 0.1)
            Thread.sleep(forTimeInterval: slice)
            remaining -= slice
        }
        return true
    }

    @discardableResult
    private func send(_ fd: Int32, _ text: String) -> Bool { send(fd, Array(text.utf8)) }

    /// Writes all of `bytes`; false when the peer is gone (MSG_NOSIGNAL: no SIGPIPE for the test process).
    @discardableResult
    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// A loopback port with nothing listening (bound, then closed): connections to it are refused.
    static func refusedPort() throws -> Int {
        let node = try HostileNode { _, _ in .json("{}") }
        let port = node.port
        node.stop()
        return port
    }
}

struct POSIXError: Error, CustomStringConvertible {
    let errno: Int32
    let what: String
    var description: String { "\(what): \(String(cString: strerror(errno)))" }
}

extension ArraySlice<UInt8> {
    var containsCRLFCRLF: Bool {
        guard count >= 4 else { return false }
        var i = startIndex
        while i + 3 < endIndex {
            if self[i] == 13, self[i + 1] == 10, self[i + 2] == 13, self[i + 3] == 10 { return true }
            i += 1
        }
        return false
    }
}
