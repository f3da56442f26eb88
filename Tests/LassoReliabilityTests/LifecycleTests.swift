import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LassoClient
import LassoCore
import LassoDemo
import Synchronization
import XCTest
import LassoTestSupport

/// Start/stop cycles of the demo cluster with clients connected mid-request. A server stopped out of order traps the
/// whole process ("Deinited NIOAsyncWriter without calling finish()"), so a regression ends this test run with a crash.
/// After the cycles no listening port and no thread may be left behind.
final class LifecycleTests: XCTestCase {
    /// Threads of this process, from /proc/self/task.
    static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }

    static func listening(_ ports: [Int]) -> [Int] {
        let addresses = SecurityTests.listeningAddresses(pid: getpid())
        return ports.filter { port in addresses.contains { $0.hasSuffix(String(format: ":%04X", port)) } }
    }

    /// A blocking TCP connection to 127.0.0.1 (-1 when refused).
    static func connect(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            close(fd)
            return -1
        }
        return fd
    }

    static func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Until stopped: connect to every port, send a request, close — so connections keep arriving while the servers
    /// stop (the moment the trap was seen).
    final class Hammer: Sendable {
        private let stopFlag = Atomic<Bool>(false)
        private let done = Atomic<Bool>(false)
        let connections = Atomic<Int>(0)

        init(ports: [Int]) {
            let thread = Thread { [self] in
                while !stopFlag.load(ordering: .relaxed) {
                    for port in ports {
                        let fd = LifecycleTests.connect(port: port)
                        guard fd >= 0 else { continue }
                        connections.add(1, ordering: .relaxed)
                        LifecycleTests.send(fd, "GET /api/events?since=0&limit=5000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        close(fd)
                    }
                }
                done.store(true, ordering: .releasing)
            }
            thread.name = "lifecycle-hammer"
            thread.start()
        }

        /// Stops and waits (bounded) for the thread to end.
        func stop() {
            stopFlag.store(true, ordering: .relaxed)
            let deadline = Date().addingTimeInterval(10)
            while !done.load(ordering: .acquiring) && Date() < deadline { usleep(1_000) }
        }
    }

    /// One cycle: start, put clients mid-request, stop while connections keep arriving, check the ports are closed.
    /// `stuckUpload` adds a client that never finishes its request body (graceful shutdown must give up on it);
    /// `monitor` adds AsyncHTTPClient polling every node through the stop.
    func cycle(_ index: Int, stuckUpload: Bool, monitor: Bool) async throws -> Int {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: UInt64(index + 1), eventRate: 200))
        try await cluster.start()
        let ports = cluster.nodes.map(\.port)
        // A request that will be in flight at the stop: the slow node holds it for 30 s unless shutdown cuts it short.
        try await cluster.setFault(.slow, node: cluster.nodes[2].id)
        var open: [Int32] = []
        defer { for fd in open { close(fd) } }
        for port in ports {
            let idle = Self.connect(port: port)                 // connected, nothing sent
            let partial = Self.connect(port: port)              // half a request head
            Self.send(partial, "GET /api/health HTTP/1.1\r\nHo")
            let unread = Self.connect(port: port)               // a full request whose reply is never read
            Self.send(unread, "GET /api/events?since=0&limit=5000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            open += [idle, partial, unread].filter { $0 >= 0 }
        }
        let slow = Self.connect(port: ports[2])
        Self.send(slow, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        open.append(slow)
        if stuckUpload {
            let upload = Self.connect(port: ports[0])
            Self.send(upload, "POST /_demo/fault HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"mo")
            open.append(upload)
        }
        var poller: ClusterMonitor?
        if monitor {
            let watcher = try ClusterMonitor(config: MonitorConfig(
                targets: cluster.nodes.map { NodeTarget(name: $0.id, url: $0.url) }, chains: ["ethereum"],
                healthIntervalMs: 500, metricsIntervalMs: 1_000, http: HTTPOptions(timeout: .seconds(2))))
            await watcher.start()
            _ = try await waitFor(watcher, "the monitor sees the two fast nodes") { $0.coverage.responding >= 2 }
            poller = watcher
        }
        let hammer = Hammer(ports: ports)
        // Wait (bounded) until the hammer has connections going, so the stop really races them.
        let deadline = Date().addingTimeInterval(10)
        while hammer.connections.load(ordering: .relaxed) < 5 && Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
        await cluster.stop()
        hammer.stop()
        if let poller {
            // The monitor outlives the servers it polls: its requests fail, it shuts down cleanly all the same.
            await poller.stop()
        }
        XCTAssertFalse(cluster.isRunning)
        XCTAssertEqual(Self.listening(ports), [], "cycle \(index): ports still listening after stop()")
        for port in ports { XCTAssertEqual(Self.connect(port: port), -1, "cycle \(index): port \(port) accepts after stop()") }
        return hammer.connections.load(ordering: .relaxed)
    }

    func testFiftyStartStopCyclesWithClientsMidRequestLeaveNoThreadOrPort() async throws {
        // Warm-up: the shared event loops and the cooperative pool start once per process; measure after them.
        _ = try await cycle(0, stuckUpload: false, monitor: true)
        let baseline = try await settledThreadCount(atMost: Int.max)
        var hammered = 0
        let started = Date()
        for index in 1...50 {
            hammered += try await cycle(index, stuckUpload: index % 25 == 0, monitor: index % 10 == 0)
        }
        let elapsed = Date().timeIntervalSince(started)
        // A leak grows with the cycles (a server's or a client's threads left per cycle); a few pool threads
        // parked or exiting on their own are not one.
        let after = try await settledThreadCount(atMost: baseline + 4)
        XCTAssertLessThanOrEqual(after, baseline + 4, "threads: \(baseline) after warm-up, \(after) after 50 cycles")
        XCTAssertGreaterThan(hammered, 50, "connections must have raced the stops")
        print("lifecycle: 50 cycles in \(String(format: "%.1f", elapsed)) s, \(hammered) racing connections, threads \(baseline) -> \(after)")
    }

    /// The thread count once it is at most `limit`, or the last one seen after 15 s (worker threads exit lazily).
    func settledThreadCount(atMost limit: Int) async throws -> Int {
        let deadline = Date().addingTimeInterval(15)
        var count = Self.threadCount()
        while count > limit && Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            count = Self.threadCount()
        }
        return count
    }

    /// stop() while start() is still binding: nothing may be left listening, and start reports the stop.
    func testStopDuringStartLeavesNothingListening() async throws {
        for seed in 1...10 {
            let cluster = DemoCluster(config: DemoConfig(nodeCount: 20, seed: UInt64(seed)))
            let starting = Task { try await cluster.start() }
            // Stop as soon as the first node listens, while the other nineteen are still binding.
            let deadline = Date().addingTimeInterval(10)
            while cluster.nodes.allSatisfy({ $0.port == 0 }) && Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
            await cluster.stop()
            _ = await starting.result
            XCTAssertFalse(cluster.isRunning)
            let ports = cluster.nodes.map(\.port).filter { $0 != 0 }
            XCTAssertFalse(ports.isEmpty)
            XCTAssertEqual(Self.listening(ports), [], "seed \(seed): a server bound during start outlived stop()")
        }
    }
}
