import Foundation
import LassoCore
import LassoDemo
import LassoTUI
import XCTest
@testable import LassoClient

/// Reliability (docs/reliability.md), "security": loopback-only listening, secrets never shown, TLS verification on by default with a visible
/// warning when turned off, and bounded logs under $XDG_STATE_HOME/lassotop/.
final class SecurityTests: XCTestCase {
    // MARK: listening

    /// Listening TCP sockets of `pid` (from its fds and /proc/net/tcp{,6}): local address in /proc hex form.
    static func listeningAddresses(pid: Int32) -> [String] {
        let fdDirectory = "/proc/\(pid)/fd"
        var inodes = Set<String>()
        for fd in (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? [] {
            if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: fdDirectory + "/" + fd), link.hasPrefix("socket:[") {
                inodes.insert(String(link.dropFirst(8).dropLast()))
            }
        }
        var addresses: [String] = []
        for table in ["/proc/\(pid)/net/tcp", "/proc/\(pid)/net/tcp6"] {
            // Read to EOF: procfs files report size 0, and a size-based read can stop after the first page.
            guard let data = FileHandle(forReadingAtPath: table)?.readDataToEndOfFile() else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                let columns = line.split(separator: " ")
                guard columns.count > 9, columns[3] == "0A", inodes.contains(String(columns[9])) else { continue }
                addresses.append(String(columns[1]))
            }
        }
        return addresses
    }

    /// 127.0.0.1 in /proc/net/tcp's little-endian hex, with a port.
    static func isLoopback(_ procAddress: String) -> Bool {
        let host = procAddress.split(separator: ":").first.map(String.init) ?? ""
        return host == "0100007F" || host == "00000000000000000000000001000000"
    }

    /// The first non-loopback IPv4 address of this machine, if any.
    static func nonLoopbackIPv4() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(first) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, socklen_t(MemoryLayout<sockaddr_in>.size), &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let text = String(cString: buffer)
            if !text.hasPrefix("127.") { return text }
        }
        return nil
    }

    static func canConnect(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    func testDemoClusterListensOnLoopbackOnly() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 1))
        try await cluster.start()
        // `start` returns when the servers are set up; the kernel may list a socket as listening a moment later.
        var listening = Self.listeningAddresses(pid: getpid())
        let deadline = Date().addingTimeInterval(3)
        while !cluster.nodes.allSatisfy({ node in listening.contains { $0.hasSuffix(String(format: ":%04X", node.port)) } }),
              Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            listening = Self.listeningAddresses(pid: getpid())
        }
        let external = Self.nonLoopbackIPv4()
        var reachable: [Int] = []
        for node in cluster.nodes {
            let hex = String(format: ":%04X", node.port)
            let mine = listening.filter { $0.hasSuffix(hex) }
            XCTAssertFalse(mine.isEmpty, "\(node.id) listens on \(node.port)")
            XCTAssertTrue(mine.allSatisfy(Self.isLoopback), "\(node.id) must bind 127.0.0.1 only: \(mine)")
            XCTAssertTrue(Self.canConnect(host: "127.0.0.1", port: node.port))
            if let external, Self.canConnect(host: external, port: node.port) { reachable.append(node.port) }
        }
        // No pause before stopping: the probe connections may still be open (LifecycleTests races many more).
        await cluster.stop()
        XCTAssertEqual(reachable, [], "demo ports reachable on \(external ?? "-")")
    }

    /// `lassotop demo` as a process: every socket it listens on is loopback.
    func testLassotopDemoProcessListensOnLoopbackOnly() throws {
        try Binary.requireBinary()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["demo", "--nodes", "2", "--seed", "3"]
        let state = try Binary.temporaryDirectory("demo")
        process.environment = ["PATH": "/usr/bin:/bin", "XDG_STATE_HOME": state, "XDG_CONFIG_HOME": state, "HOME": state]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGINT) }
            process.waitUntilExit()
        }
        var text = ""
        let deadline = Date().addingTimeInterval(15)
        while !text.contains("demo cluster running"), Date() < deadline, process.isRunning {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(text.contains("demo cluster running"), text)
        var listening = Self.listeningAddresses(pid: process.processIdentifier)
        let listenDeadline = Date().addingTimeInterval(3)
        while listening.count < 2, Date() < listenDeadline {
            Thread.sleep(forTimeInterval: 0.05)
            listening = Self.listeningAddresses(pid: process.processIdentifier)
        }
        XCTAssertEqual(listening.count, 2, "two nodes, nothing else listening: \(listening)")
        XCTAssertTrue(listening.allSatisfy(Self.isLoopback), "\(listening)")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, "SIGINT stops the demo cleanly: \(stderr)")
    }

    // MARK: secrets

    /// Header values from argv, LASSOTOP_HEADERS and --headers-file reach the node but never any output, error
    /// message or log — even when the node echoes them back in its error page.
    func testHeaderValuesNeverAppearInOutputsOrLogs() throws {
        try Binary.requireBinary()
        let secrets = ["argv-Bearer-7f3a9c1e5b", "env-key-0c2d4e6f8a1b", "file-token-9e8d7c6b5a4f"]
        let echo = try HostileNode { path, headers in
            // A hostile/misconfigured node: reflects every request header in a 401 page.
            let reflected = headers.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return .http(status: 401, contentType: "text/plain", body: Array("denied \(reflected)".utf8))
        }
        let good = try HostileNode(handler: LassoBodies.goodHandler(providers: [LassoBodies.Provider(id: "p", calls: 30)]))
        defer { echo.stop(); good.stop() }
        let home = try Binary.temporaryDirectory("secrets")
        let headersFile = home + "/headers"
        try "# token\nX-File-Token: \(secrets[2])\n".write(toFile: headersFile, atomically: true, encoding: .utf8)
        let env = ["XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "HOME": home,
                   "LASSOTOP_HEADERS": "X-Api-Key: \(secrets[1])"]
        let nodes = ["--node", "echo=\(echo.url)", "--node", "good=\(good.url)", "--timeout", "2", "--chain", "ethereum"]
        let auth = ["--header", "Authorization: \(secrets[0])", "--headers-file", headersFile]
        var outputs: [(String, String)] = []
        for (label, arguments) in [("table", ["snapshot", "--format", "table"]), ("json", ["snapshot", "--format", "json"]),
                                   ("check", ["check", "--min-coverage", "1"])] {
            let result = try Binary.run(arguments + nodes + auth, environment: env)
            XCTAssertEqual(result.status, 1, "\(label): one node refused, one good: degraded\n\(result.stdout)\(result.stderr)")
            outputs.append((label, result.stdout + result.stderr))
        }
        // A malformed header argument: the usage error must not quote the value either.
        let usage = try Binary.run(["snapshot", "--header", "Authorization \(secrets[0])"] + nodes, environment: env)
        XCTAssertEqual(usage.status, 64)
        outputs.append(("usage error", usage.stdout + usage.stderr))

        let seen = echo.seenHeaders.withLock { $0 }
        XCTAssertEqual(seen["authorization"], secrets[0], "the argv header was sent")
        XCTAssertEqual(seen["x-api-key"], secrets[1], "the env header was sent")
        XCTAssertEqual(seen["x-file-token"], secrets[2], "the file header was sent")
        XCTAssertTrue(outputs[0].1.contains("HTTP 401"), "the echo node's error is reported: \(outputs[0].1)")
        let logs = Binary.filesUnder(home + "/state")
        XCTAssertFalse(logs.isEmpty, "logs are written under XDG_STATE_HOME")
        for secret in secrets {
            for fragment in [secret, String(secret.prefix(10)), String(secret.suffix(10))] {
                for (label, text) in outputs + logs.map({ ($0.path, $0.text) }) {
                    XCTAssertFalse(text.contains(fragment), "\(label) leaks '\(fragment)':\n\(text)")
                }
            }
        }
    }

    // MARK: TLS

    /// A real TLS server (openssl s_server with a self-signed certificate for 127.0.0.1, serving Lasso-shaped files).
    struct TLSServer {
        let process: Process
        let port: Int
        let certificate: String
        var url: String { "https://127.0.0.1:\(port)" }

        static func start() throws -> TLSServer {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { throw XCTSkip("openssl not installed") }
            let directory = try Binary.temporaryDirectory("tls")
            let make = Process()
            make.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            make.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", directory + "/key.pem", "-out",
                              directory + "/cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
            make.standardInput = FileHandle.nullDevice
            make.standardOutput = FileHandle.nullDevice
            make.standardError = FileHandle.nullDevice
            try make.run()
            make.waitUntilExit()
            guard make.terminationStatus == 0 else { throw XCTSkip("openssl req failed") }
            try FileManager.default.createDirectory(atPath: directory + "/www/api/metrics", withIntermediateDirectories: true)
            try LassoBodies.health().write(toFile: directory + "/www/api/health", atomically: true, encoding: .utf8)
            try LassoBodies.chains.write(toFile: directory + "/www/api/chains", atomically: true, encoding: .utf8)
            try LassoBodies.metrics(providers: [LassoBodies.Provider(id: "tls_provider", calls: 40)])
                .write(toFile: directory + "/www/api/metrics/ethereum", atomically: true, encoding: .utf8)
            let port = try HostileNode.refusedPort()
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            server.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", directory + "/cert.pem", "-key",
                                directory + "/key.pem", "-WWW", "-quiet"]
            server.currentDirectoryURL = URL(fileURLWithPath: directory + "/www")
            server.standardInput = FileHandle.nullDevice
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
            try server.run()
            let deadline = Date().addingTimeInterval(5)
            while !SecurityTests.canConnect(host: "127.0.0.1", port: port), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            return TLSServer(process: server, port: port, certificate: directory + "/cert.pem")
        }

        func stop() {
            // SIGKILL: a child inherits ignored signals, and this test process ignores SIGTERM (signal sources).
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    func testTLSVerificationIsOnByDefault() async throws {
        let server = try TLSServer.start()
        defer { server.stop() }
        let strict = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(3)))
        let refused = await strict.get(server.url + "/api/health")
        await strict.shutdown()
        guard case .failed(.bad(let message), _) = refused else { return XCTFail("a self-signed certificate must be refused: \(refused)") }
        XCTAssertTrue(message.hasPrefix("TLS handshake failed"), message)
        XCTAssertLessThanOrEqual(message.count, 80, message)

        let pinned = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(3), caCertPath: server.certificate))
        let trusted = await pinned.get(server.url + "/api/health")
        await pinned.shutdown()
        guard case .ok(let body, _) = trusted else { return XCTFail("--cacert with the server's certificate must verify: \(trusted)") }
        XCTAssertNoThrow(try HealthResponse.decode(body))

        let insecure = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(3), insecure: true))
        let unverified = await insecure.get(server.url + "/api/health")
        await insecure.shutdown()
        guard case .ok = unverified else { return XCTFail("--insecure accepts the certificate: \(unverified)") }
    }

    /// The binary: without --insecure the TLS node is bad; with it, the node is up and the output says so loudly.
    func testInsecureFlagShowsWarningInSnapshotAndTUIHeader() throws {
        try Binary.requireBinary()
        let server = try TLSServer.start()
        defer { server.stop() }
        let home = try Binary.temporaryDirectory("tls-bin")
        let env = ["XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "HOME": home]
        let base = ["snapshot", "--format", "table", "--node", "tls=\(server.url)", "--chain", "ethereum", "--timeout", "3"]
        let verified = try Binary.run(base, environment: env)
        XCTAssertEqual(verified.status, 2, verified.stdout + verified.stderr)
        XCTAssertTrue(verified.stdout.contains("TLS handshake failed"), verified.stdout)
        XCTAssertFalse(verified.stdout.contains("TLS VERIFICATION OFF"))
        let insecure = try Binary.run(base + ["--insecure"], environment: env)
        XCTAssertEqual(insecure.status, 0, insecure.stdout + insecure.stderr)
        XCTAssertTrue(insecure.stdout.contains("TLS VERIFICATION OFF"), insecure.stdout)
        XCTAssertTrue(insecure.stdout.contains("tls_provider"), "data flows over the unverified connection")

        // The TUI header carries the warning too, on a wide terminal and on the smallest supported one, even when
        // the header is crowded.
        var snapshot = ClusterSnapshot(generatedAtMs: 1_780_317_296_000, clusterName: "production-eu-west",
                                       coverage: Coverage(responding: 1, total: 3, status: .degraded, quorum: false, partitionSuspected: true),
                                       nodes: [], chains: [], updating: true, insecure: true)
        for width in [200, 120] {
            let grid = Renderer.render(state: UIState(), snapshot: snapshot, size: GridSize(width: width, height: 24), caps: RenderCaps(),
                                       nowMs: snapshot.generatedAtMs)
            XCTAssertTrue(grid.line(0).contains("TLS UNVERIFIED"), "\(width) columns: header '\(grid.line(0))'")
        }
        // Known gap (reported): at 80 columns a crowded header drops the warning (priority 3). Not asserted here
        // because the renderer is not this suite's to change; printed so the run shows it.
        let narrow = Renderer.render(state: UIState(), snapshot: snapshot, size: GridSize(width: 80, height: 24), caps: RenderCaps(),
                                     nowMs: snapshot.generatedAtMs)
        XCTAssertTrue(narrow.line(0).contains("TLS UNVERIFIED"), "the TLS warning must survive a crowded 80-column header: '\(narrow.line(0))'")
        snapshot.insecure = false
        let plain = Renderer.render(state: UIState(), snapshot: snapshot, size: GridSize(width: 200, height: 24), caps: RenderCaps(),
                                    nowMs: snapshot.generatedAtMs)
        XCTAssertFalse(plain.text.contains("TLS UNVERIFIED"))
    }

    // MARK: logs

    func testLogsLiveInStateDirectoryWithPrivatePermissions() throws {
        try Binary.requireBinary()
        let home = try Binary.temporaryDirectory("logs")
        let refused = try HostileNode.refusedPort()
        let result = try Binary.run(["snapshot", "--node", "gone=http://127.0.0.1:\(refused)", "--timeout", "1"],
                                    environment: ["XDG_STATE_HOME": home + "/state", "XDG_CONFIG_HOME": home + "/config", "HOME": home])
        XCTAssertEqual(result.status, 2)
        let log = home + "/state/lassotop/snapshot.log"
        let text = try String(contentsOfFile: log, encoding: .utf8)
        XCTAssertTrue(text.contains("gone"), "the failure is logged: \(text)")
        let fileMode = (try FileManager.default.attributesOfItem(atPath: log)[.posixPermissions] as? Int) ?? 0
        let directoryMode = (try FileManager.default.attributesOfItem(atPath: home + "/state/lassotop")[.posixPermissions] as? Int) ?? 0
        XCTAssertEqual(fileMode & 0o077, 0, "log readable by others: \(String(fileMode, radix: 8))")
        XCTAssertEqual(directoryMode & 0o077, 0, "log directory open to others: \(String(directoryMode, radix: 8))")
        XCTAssertEqual(result.stdout.contains("\u{1B}"), false)
    }

    /// A log line's time stamp is written as `ISO8601DateFormatter` writes it, without the formatter (it loaded ICU's
    /// calendar data on the first line logged).
    func testLogStampsAreISO8601InUTC() {
        let formatter = ISO8601DateFormatter()
        for seconds in [0, 59, 86_399, 951_782_400, 1_786_788_753, 1_764_547_199, 4_102_444_800, 1_709_164_800] {
            XCTAssertEqual(FileLogHandler.stamp(secondsSinceEpoch: time_t(seconds)),
                           formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))), "\(seconds)")
        }
    }

    /// The size cap: past `maxBytes` the log rotates to `.1` (one generation), so disk use stays under ~2× the cap.
    func testLogRotatesAtItsSizeCap() throws {
        let directory = try Binary.temporaryDirectory("rotate")
        let path = directory + "/lassotop/lassotop.log"
        let sink = FileLogHandler.Sink(path: path, maxBytes: 10_000)
        let line = String(repeating: "x", count: 99) + "\n"
        for _ in 0..<1_000 { sink.write(line) }   // 100 kB written in total
        let size = { (p: String) in (try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0 }
        XCTAssertLessThanOrEqual(size(path), 10_000 + line.utf8.count)
        XCTAssertGreaterThan(size(path + ".1"), 0, "rotated generation kept")
        XCTAssertLessThanOrEqual(size(path + ".1"), 10_000 + line.utf8.count)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/lassotop").sorted()
        XCTAssertEqual(files, ["lassotop.log", "lassotop.log.1"], "exactly one old generation")
    }
}
