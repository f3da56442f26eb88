import AsyncHTTPClient
import Foundation
import LassoClient
import LassoCore
import LassoDemo
@testable import LassoHub
import Logging
import NIOCore
import Synchronization
import XCTest
import LassoTestSupport

/// A demo cluster, the real monitor and a hub serving it on 127.0.0.1, for one test.
struct HubFixture {
    let cluster: DemoCluster
    let monitor: ClusterMonitor
    let publisher: HubPublisher
    let server: HubServer
    let refresher: Task<Void, Never>
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    /// `targets` overrides the demo nodes' own URLs (e.g. counting relays in front of them).
    static func start(nodes: Int = 3, eventRate: Double = 200, healthIntervalMs: Int64 = 500, token: String? = nil,
                      targets: ((DemoCluster) async throws -> [NodeTarget])? = nil) async throws -> HubFixture {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: nodes, seed: 11, eventRate: eventRate))
        try await cluster.start()
        let list = try await targets?(cluster) ?? cluster.nodes.map { NodeTarget(name: $0.id, url: $0.url) }
        let config = MonitorConfig(targets: list, healthIntervalMs: healthIntervalMs, metricsIntervalMs: 1_000,
                                   http: HTTPOptions(timeout: .seconds(2)), isDemo: true)
        let monitor = try ClusterMonitor(config: config, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        await monitor.start()
        let publisher = HubPublisher(monitor: monitor)
        let refresher = Task { await publisher.run(everyMs: 50) }
        let server = HubServer(publisher: publisher, config: HubServerConfig(host: "127.0.0.1", port: 0, token: token),
                               logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let port = try await server.start()
        return HubFixture(cluster: cluster, monitor: monitor, publisher: publisher, server: server, refresher: refresher, port: port)
    }

    func stop() async {
        await server.stop()
        refresher.cancel()
        await refresher.value
        await monitor.stop()
        await cluster.stop()
    }

    /// Waits until every node is up in the hub's frame and the chains carry provider figures.
    func waitUntilWarm(file: StaticString = #filePath, line: UInt = #line) async throws {
        try await waitUntil("all nodes up, each with provider figures, in the hub", timeout: 20, file: file, line: line) {
            guard let frame = publisher.current() else { return false }
            let s = frame.snapshot
            return s.coverage.responding == s.coverage.total && s.coverage.total > 0
                && s.chains.contains { $0.providers.contains { $0.byNode.count == s.coverage.total } } && !s.feed.isEmpty
        }
    }
}

/// Polls `condition` until it holds or `timeout` seconds pass (then fails with `what`). Never a fixed sleep: the
/// wait ends as soon as the condition is true.
func waitUntil(_ what: String, timeout: Double, file: StaticString = #filePath, line: UInt = #line,
               _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    XCTFail("timed out after \(timeout) s waiting for: \(what)", file: file, line: line)
    throw CancellationError()
}

struct Reply {
    var status: Int
    var headers: [(String, String)]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    func json() throws -> Any { try JSONSerialization.jsonObject(with: body) }
}

/// Plain AsyncHTTPClient GETs. One per test; `shutdown()` at the end.
final class TestClient: Sendable {
    let client: HTTPClient

    init() {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(40)))
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(idleTimeout: .seconds(5), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async { try? await client.shutdown() }

    func get(_ url: String, headers: [(String, String)] = [], timeout: Int64 = 40) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let body = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                     body: Data(buffer: body))
    }
}

/// Runs an external program to completion (killed after `timeout` seconds).
struct Tool {
    var status: Int32
    var stdout: String
    var stderr: String

    static func which(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        return nil
    }

    /// The path of a tool `make deps` installs; fails the test (not skips) when it is missing.
    static func require(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        guard let path = which(name) else {
            XCTFail("\(name) is not installed: run `make deps` (Debian package prometheus)", file: file, line: line)
            throw CancellationError()
        }
        return path
    }

    static func run(_ path: String, _ arguments: [String], stdin: Data? = nil, currentDirectory: String? = nil,
                    timeout: TimeInterval = 60) throws -> Tool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        let outData = DataSink(), errData = DataSink()
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                sink.set(data)
                group.leave()
            }
        }
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            process.waitUntilExit()
        }
        group.wait()
        return Tool(status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
                    stderr: String(decoding: errData.get(), as: UTF8.self))
    }
}

/// Bytes read on a reader thread, handed to the test thread.
final class DataSink: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

enum Repo {
    static var root: URL { BuiltBinary.repositoryRoot }
    static var lassotop: String { BuiltBinary.lassotop }
}

/// Every key path of a JSON value ("nodes[].cluster.regions"), for comparing document shapes.
func keyPaths(_ value: Any, prefix: String = "") -> Set<String> {
    var paths: Set<String> = []
    if let object = value as? [String: Any] {
        for (key, child) in object {
            let path = prefix.isEmpty ? key : prefix + "." + key
            paths.insert(path)
            paths.formUnion(keyPaths(child, prefix: path))
        }
    } else if let array = value as? [Any] {
        for child in array { paths.formUnion(keyPaths(child, prefix: prefix + "[]")) }
    }
    return paths
}
