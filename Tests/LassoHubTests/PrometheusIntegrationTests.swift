import Foundation
import LassoDemo
import LassoHub
import XCTest

/// A real Prometheus (Debian's, installed by `make deps`) scraping a hub that watches demo nodes: temp dir, loopback,
/// 1 s scrape. And the shipped rules, checked and unit-tested by promtool.
final class PrometheusIntegrationTests: XCTestCase {
    var client: TestClient!

    override func setUp() async throws { client = TestClient() }
    override func tearDown() async throws { await client.shutdown() }

    static var rulesDirectory: String { Repo.root.appendingPathComponent("docs/prometheus").path }

    func testShippedRulesPassPromtoolCheck() throws {
        let promtool = try Tool.require("promtool")
        let result = try Tool.run(promtool, ["check", "rules", "lassotop-rules.yml"], currentDirectory: Self.rulesDirectory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("SUCCESS"), result.stdout)
    }

    func testShippedRulesPassTheirUnitTests() throws {
        let promtool = try Tool.require("promtool")
        let result = try Tool.run(promtool, ["test", "rules", "lassotop-rules.test.yml"], currentDirectory: Self.rulesDirectory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    }

    func testPrometheusScrapesTheHubAndSeesANodeGoDown() async throws {
        let binary = try Tool.require("prometheus")
        let hub = try await HubFixture.start(healthIntervalMs: 500)
        defer { Task { await hub.stop() } }
        try await hub.waitUntilWarm()

        let prometheus = try PrometheusProcess.start(binary: binary, scrapeTarget: "127.0.0.1:\(hub.port)")
        defer { prometheus.stop() }
        try await waitUntil("Prometheus ready", timeout: 60) {
            (try? await client.get(prometheus.base + "/-/ready", timeout: 2))?.status == 200
        }

        // Coverage: all three demo nodes respond.
        try await waitUntil("PromQL lassotop_nodes_responding == 3", timeout: 60) {
            try await prometheus.query(client, "lassotop_nodes_responding").first?.value == 3
        }
        let total = try await prometheus.query(client, "lassotop_nodes")
        XCTAssertEqual(total.first?.value, 3)
        // A provider's calls, summed over the cluster, as a counter Prometheus can rate.
        var calls: [PrometheusProcess.Sample] = []
        try await waitUntil("PromQL provider calls on ethereum", timeout: 60) {
            calls = try await prometheus.query(client, #"lassotop_provider_calls_total{chain="ethereum"}"#)
            return calls.contains { $0.value > 0 }
        }
        XCTAssertTrue(calls.allSatisfy { $0.labels["provider"]?.hasPrefix("ethereum_") ?? false }, "\(calls)")
        XCTAssertTrue(calls.allSatisfy { $0.labels["job"] == "lassotop" })

        // Take a node down: Prometheus sees it through the hub.
        let victim = hub.cluster.nodeIDs[2]
        try await hub.cluster.setFault(.down, node: victim)
        try await waitUntil("PromQL shows \(victim) down and coverage 2", timeout: 60) {
            let up = try await prometheus.query(client, "lassotop_node_up{node=\"\(victim)\"}")
            let responding = try await prometheus.query(client, "lassotop_nodes_responding")
            return up.first?.value == 0 && responding.first?.value == 2
        }
        let others = try await prometheus.query(client, "sum(lassotop_node_up)")
        XCTAssertEqual(others.first?.value, 2)
    }
}

/// One Prometheus server in a temp dir on loopback, ended by its pid.
final class PrometheusProcess: @unchecked Sendable {
    struct Sample: CustomStringConvertible {
        var labels: [String: String]
        var value: Double
        var description: String { "\(labels) \(value)" }
    }

    let process: Process
    let directory: URL
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    private init(process: Process, directory: URL, port: Int) {
        self.process = process
        self.directory = directory
        self.port = port
    }

    static func start(binary: String, scrapeTarget: String) throws -> PrometheusProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lassotop-prom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: lassotop
                static_configs:
                  - targets: ['\(scrapeTarget)']
            """
        try config.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let port = try FreePort.find()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config.file=" + directory.appendingPathComponent("prometheus.yml").path,
                             "--storage.tsdb.path=" + directory.appendingPathComponent("data").path,
                             "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn"]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return PrometheusProcess(process: process, directory: directory, port: port)
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// An instant PromQL query through the HTTP API.
    func query(_ client: TestClient, _ promQL: String) async throws -> [Sample] {
        let encoded = promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promQL
        let reply = try await client.get(base + "/api/v1/query?query=" + encoded, timeout: 10)
        guard reply.status == 200, let body = try reply.json() as? [String: Any], body["status"] as? String == "success",
              let data = body["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] else {
            throw PrometheusQueryError(message: "query \(promQL): HTTP \(reply.status) \(reply.text.prefix(300))")
        }
        return result.compactMap { entry in
            guard let value = entry["value"] as? [Any], value.count == 2, let text = value[1] as? String,
                  let number = Double(text) else { return nil }
            return Sample(labels: (entry["metric"] as? [String: String]) ?? [:], value: number)
        }
    }
}

struct PrometheusQueryError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A port the OS had free a moment ago (for programs that need a fixed `--listen` address).
enum FreePort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PrometheusQueryError(message: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw PrometheusQueryError(message: "bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw PrometheusQueryError(message: "getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
