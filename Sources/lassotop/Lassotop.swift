import ArgumentParser
import Foundation
import LassoClient
import LassoCore
import LassoDemo
import Logging

@main
struct Lassotop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lassotop",
        abstract: "A terminal dashboard for a Lasso RPC cluster.",
        discussion: "With no node configured, lassotop starts an embedded demo cluster on 127.0.0.1 and watches it.",
        version: "0.1.0",
        subcommands: [Top.self, Snapshot.self, Check.self, Demo.self],
        defaultSubcommand: Top.self)
}

/// Shared start-up: config file, logging, the demo cluster when nothing is configured, the monitor.
struct Session {
    let monitor: ClusterMonitor
    let demo: DemoCluster?
    let file: ConfigFile

    static func start(_ sources: SourceOptions, allowDemo: Bool, logName: String) async throws -> Session {
        let env = ProcessInfo.processInfo.environment
        FileLogHandler.bootstrap(path: ConfigFile.stateDirectory(environment: env) + "/\(logName).log")
        let file = try sources.loadConfigFile()
        var demo: DemoCluster?
        var demoTargets: [NodeTarget]?
        if allowDemo && sources.wantsDemo && file.defaultCluster == nil {
            let cluster = DemoCluster(config: DemoConfig(nodeCount: sources.demoNodes, seed: sources.demoSeed))
            try await cluster.start()
            demo = cluster
            demoTargets = cluster.nodes.map { NodeTarget(name: $0.id, url: $0.url) }
        }
        let config: MonitorConfig
        do {
            config = try sources.monitorConfig(file: file, demoTargets: demoTargets)
        } catch {
            await demo?.stop()
            throw error
        }
        let monitor = try ClusterMonitor(config: config, logger: Logger(label: "lassotop.monitor"))
        if let path = sources.eventsFrom {
            let source: JSONLinesSource
            do { source = try JSONLinesSource.open(argument: path) } catch {
                await demo?.stop()
                throw ValidationError("--events-from: \(error)")
            }
            Task {
                for await item in source.items() {
                    switch item {
                    case .event(let event): await monitor.ingestExternal([event], malformed: 0)
                    case .malformed: await monitor.ingestExternal([], malformed: 1)
                    }
                }
            }
        }
        return Session(monitor: monitor, demo: demo, file: file)
    }

    func stop() async {
        await monitor.stop()
        await demo?.stop()
    }
}

struct Snapshot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll every node once, aggregate, print, exit (0 healthy, 1 degraded, 2 offline, 64 usage).")

    @OptionGroup var sources: SourceOptions

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case json, table }

    @Option(help: "json (schema lassotop.snapshot/1, docs/snapshot-schema.md) or table.")
    var format: OutputFormat = .table

    @Option(name: .customLong("feed-filter"), help: "Filter the events (see docs/feed.md), e.g. 'chain:ethereum !result:success'.")
    var feedFilter: String?

    @Option(help: "With the demo cluster: seconds of traffic to let through before the snapshot.")
    var warmup: Double = 1.5

    func run() async throws {
        let session = try await Session.start(sources, allowDemo: true, logName: "snapshot")
        if session.demo != nil { try await Task.sleep(for: .milliseconds(Int64(warmup * 1000))) }
        let snapshot = await session.monitor.collectOnce()
        await session.stop()
        let filter = feedFilter.map(FeedFilter.parse)
        switch format {
        case .json:
            var data = try SnapshotDocument(snapshot: snapshot, feedFilter: filter).json()
            data.append(0x0A)
            FileHandle.standardOutput.write(data)
        case .table:
            FileHandle.standardOutput.write(Data(SnapshotTable.render(snapshot, feedFilter: filter).utf8))
        }
        throw ExitCode(CheckReport.code(for: snapshot.coverage.status))
    }
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the cluster like a smoke test: one line per failed check; exit 0 healthy, 1 degraded, 2 offline, 64 usage.")

    @OptionGroup var sources: SourceOptions

    @Option(name: .customLong("min-coverage"), help: "Fail when responding/total is below F (0…1).")
    var minCoverage: Double?

    @Flag(help: "Also fail on firing alerts (exit 1 warning, 2 critical).")
    var alerts = false

    @Option(help: "Watch for SECONDS before judging, so duration-based alert rules can be evaluated.")
    var watch: Double?

    func validate() throws {
        if let minCoverage, !(0...1).contains(minCoverage) { throw ValidationError("--min-coverage must be between 0 and 1") }
        if let watch, watch < 0 || watch > 86_400 { throw ValidationError("--watch must be between 0 and 86400 seconds") }
    }

    func run() async throws {
        let session = try await Session.start(sources, allowDemo: false, logName: "check")
        var snapshot = await session.monitor.collectOnce()
        if let watch, watch > 0 {
            await session.monitor.start()
            try await Task.sleep(for: .milliseconds(Int64(watch * 1000)))
            snapshot = session.monitor.latestSnapshot()
        }
        await session.stop()
        let report = CheckReport.evaluate(snapshot, minCoverage: minCoverage, alerts: alerts)
        for line in report.failures { print(line) }
        if report.failures.isEmpty {
            print("OK coverage: \(snapshot.coverage.responding)/\(snapshot.coverage.total) nodes responding")
        }
        throw ExitCode(report.exitCode)
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the simulated Lasso cluster in the foreground (127.0.0.1 only) until Ctrl-C.")

    @Option(help: "Number of nodes.")
    var nodes: Int = 3

    @Option(help: "First port (nodes use P, P+1, …); default: free ports.")
    var port: Int?

    @Option(help: "Random seed (reproducible traffic).")
    var seed: UInt64 = 42

    @Option(help: "Routing decisions per second across the cluster (up to 10000).")
    var rate: Double = 20

    func validate() throws {
        guard (1...500).contains(nodes) else { throw ValidationError("--nodes must be between 1 and 500") }
        guard rate >= 0, rate <= 10_000 else { throw ValidationError("--rate must be between 0 and 10000") }
        if let port, !(1...65_535).contains(port) { throw ValidationError("--port must be a TCP port") }
    }

    func run() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: nodes, basePort: port, seed: seed, eventRate: rate))
        try await cluster.start()
        for node in cluster.nodes { print("\(node.id) \(node.url)") }
        print("demo cluster running; POST /_demo/fault {\"mode\": \"down\"} on a node to inject faults; Ctrl-C to stop")
        fflush(nil)
        let signal = await SignalWaiter.wait(for: [SIGINT, SIGTERM])
        await cluster.stop()
        print("stopped (\(signal == SIGINT ? "SIGINT" : "SIGTERM"))")
    }
}

/// Waits for one of the given signals without a handler doing any work itself.
enum SignalWaiter {
    static func wait(for signals: [Int32]) async -> Int32 {
        await withCheckedContinuation { continuation in
            let once = OnceFlag()
            var sources: [DispatchSourceSignal] = []
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    if once.claim() { continuation.resume(returning: number) }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
    }
}

final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}

/// Keeps signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) static var retained: [DispatchSourceSignal] = []
    static func keep(_ sources: [DispatchSourceSignal]) { retained += sources }
}
