import ArgumentParser
import Foundation
import LassoClient
import LassoCore
import LassoDemo
import LassoTerminal
import Logging
import ServiceLifecycle

@main
struct Lassotop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lassotop",
        abstract: "A terminal dashboard for a Lasso RPC cluster.",
        discussion: "With no node configured, lassotop starts an embedded demo cluster on 127.0.0.1 and watches it.",
        version: "0.1.0",
        subcommands: [Top.self, Snapshot.self, Check.self, Demo.self, Serve.self, Record.self, Replay.self],
        defaultSubcommand: Top.self)

    /// ArgumentParser's own entry point, except that a usage error is one line on stderr and exit 64 (its default
    /// adds the usage text); help, --version and explicit exit codes behave as usual.
    static func main() async {
        // Before any other thread allocates: a thread that did would already have an arena of its own.
        HeapTuning.useOneArena()
        let arguments = Array(CommandLine.arguments.dropFirst())
        // `lassotop --help`: the dashboard is the default command, so its flags belong on the first help page.
        if arguments == ["--help"] || arguments == ["-h"] {
            print(rootHelpWithDashboardFlags())
            return
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if !(error is ExitCode), exitCode(for: error) == .validationFailure {
                // Sanitized: the message may quote a path, a flag value or a file's line holding escape sequences.
                let text = message(for: error).split(separator: "\n").first.map { TerminalText.sanitize(String($0)) }
                    ?? "invalid arguments"
                FileHandle.standardError.write(Data("lassotop: \(text) (see \(helpCommand(for: arguments)))\n".utf8))
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
            exit(withError: error)
        }
    }

    /// Where a usage error should send the user: the subcommand's own help when one was named.
    static func helpCommand(for arguments: [String]) -> String {
        guard let first = arguments.first, let sub = configuration.subcommands.first(where: { $0._commandName == first }) else {
            return "lassotop --help"
        }
        return "lassotop help \(sub._commandName)"
    }

    /// The root help (overview, subcommands) followed by the dashboard's options.
    static func rootHelpWithDashboardFlags() -> String {
        let root = helpMessage()
        let top = Top.helpMessage()
        guard let options = top.range(of: "OPTIONS:") else { return root }
        return root.trimmingCharacters(in: .newlines) + "\n\nDASHBOARD " + String(top[options.lowerBound...])
    }
}

/// What a command will run, resolved from flags, config file, nodes file and headers file. Building it has no side
/// effect (no server, poller, thread, log file or terminal mode), so every usage error is found before anything starts.
struct SessionPlan {
    let file: ConfigFile
    /// In demo mode the targets are placeholders until the demo cluster has bound its ports.
    let config: MonitorConfig
    let demo: DemoConfig?
    let events: JSONLinesSource?
    let logName: String

    /// `refreshDefaultMs`: the refresh when neither `--refresh` nor the config file sets one (`record` keeps 1 s).
    static func make(_ sources: SourceOptions, allowDemo: Bool, logName: String,
                     refreshDefaultMs: Int64 = MonitorConfig.defaultEventsIntervalMs) throws -> SessionPlan {
        let file = try sources.loadConfigFile()
        var demo: DemoConfig?
        var placeholders: [NodeTarget]?
        if allowDemo && sources.wantsDemo && file.defaultCluster == nil {
            guard (1...500).contains(sources.demoNodes) else { throw ValidationError("--demo-nodes must be between 1 and 500") }
            demo = DemoConfig(nodeCount: sources.demoNodes, seed: sources.demoSeed)
            placeholders = DemoCluster.nodeIDs(count: sources.demoNodes).map { NodeTarget(name: $0, url: "http://127.0.0.1:0") }
        }
        let config = try sources.monitorConfig(file: file, demoTargets: placeholders, refreshDefaultMs: refreshDefaultMs)
        do { try NodeHTTPClient.validate(config.http) } catch { throw ValidationError("--cacert: \(error)") }
        let events = try sources.eventsFrom.map { path in
            do { return try JSONLinesSource.open(argument: path) } catch { throw ValidationError("--events-from: \(error)") }
        }
        return SessionPlan(file: file, config: config, demo: demo, events: events, logName: logName)
    }
}

/// The running parts of a command: the demo cluster when nothing is configured, the monitor, the events reader.
/// Only `Session.with` makes one, and it stops every part on every way out of its body.
struct Session {
    let monitor: ClusterMonitor
    let demo: DemoCluster?
    let file: ConfigFile
    private let events: Task<Void, Never>?
    private let eventsCaughtUp: AsyncStream<Void>?

    /// Starts the parts in order, runs `body`, then stops them in reverse order whether `body` returned or threw.
    /// A part that fails to start stops the parts started before it.
    static func with<T>(_ plan: SessionPlan, _ body: (Session) async throws -> T) async throws -> T {
        let env = ProcessInfo.processInfo.environment
        FileLogHandler.bootstrap(path: ConfigFile.stateDirectory(environment: env) + "/\(plan.logName).log")
        var config = plan.config
        var demo: DemoCluster?
        if let demoConfig = plan.demo {
            let cluster = DemoCluster(config: demoConfig)
            demo = cluster
            do { try await cluster.start() } catch {
                await cluster.stop()
                throw error
            }
            config.targets = cluster.nodes.map { NodeTarget(name: $0.id, url: $0.url) }
        }
        let monitor: ClusterMonitor
        do { monitor = try ClusterMonitor(config: config, logger: Logger(label: "lassotop.monitor")) } catch {
            await demo?.stop()
            throw error
        }
        let (caughtUp, caughtUpSignal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let events = plan.events.map { source in
            Task {
                for await item in source.items() {
                    switch item {
                    case .event(let event): await monitor.ingestExternal([event], malformed: 0)
                    case .malformed: await monitor.ingestExternal([], malformed: 1)
                    // Yielded after everything before it was ingested: the feed now holds what was written so far.
                    case .caughtUp: caughtUpSignal.yield()
                    }
                }
                caughtUpSignal.finish()
            }
        }
        let session = Session(monitor: monitor, demo: demo, file: plan.file, events: events,
                              eventsCaughtUp: plan.events == nil ? nil : caughtUp)
        let result: Result<T, any Error>
        do { result = .success(try await body(session)) } catch { result = .failure(error) }
        await session.stop()
        return try result.get()
    }

    /// Waits until the events reader has ingested everything written to its input so far (a one-shot round must
    /// not print before piped events are in), at most `limit`: a producer that never pauses cannot hold it forever.
    func waitForEventsCaughtUp(limit: Duration) async {
        guard let eventsCaughtUp else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in eventsCaughtUp { return } }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Reverse start order: nothing is released while something that uses it still runs (the events task feeds the
    /// monitor; the monitor's pollers talk to the demo servers).
    private func stop() async {
        events?.cancel()
        await events?.value
        await monitor.stop()
        await demo?.stop()
    }
}

struct Snapshot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll every node once, aggregate, print, exit (0 healthy, 1 degraded, 2 offline, 64 usage).")

    @OptionGroup var sources: SourceOptions

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case json, table }

    @Option(help: "json (schema lassotop.snapshot/2, docs/snapshot-schema.md) or table.")
    var format: OutputFormat = .table

    @Option(name: .customLong("feed-filter"), help: "Filter the events (see docs/feed.md), e.g. 'chain:ethereum !result:success'.")
    var feedFilter: String?

    @Option(help: "With the demo cluster: seconds of traffic to let through before the snapshot.")
    var warmup: Double = 1.5

    @OptionGroup var replay: ReplayOptions

    @OptionGroup var hub: HubOptions

    func validate() throws {
        guard warmup.isFinite, warmup >= 0, warmup <= 3_600 else { throw ValidationError("--warmup must be between 0 and 3600 seconds") }
    }

    func run() async throws {
        let filter = feedFilter.map(FeedFilter.parse)
        // With --replay the snapshot comes from a recording and nothing is polled (ReplayCommand.swift).
        let replayed = try replay.load()
        // With --hub the snapshot is read from `lassotop serve` and nothing is polled (HubViewing.swift).
        let hubbed = replayed == nil ? try await hub.load() : nil
        let snapshot = try await replayed ?? hubbed != nil ? (replayed ?? hubbed)! : Session.with(
            try SessionPlan.make(sources, allowDemo: true, logName: "snapshot")) { session in
            // The demo needs a moment of traffic before there is anything to aggregate.
            if session.demo != nil { try await Task.sleep(for: .milliseconds(Int64(warmup * 1000))) }
            await session.waitForEventsCaughtUp(limit: .seconds(30))
            return await session.monitor.collectOnce()
        }
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

    @Option(name: .customLong("min-coverage"), help: "Replaces the default coverage verdict: responding/total at or above F (0…1) passes, below fails.")
    var minCoverage: Double?

    @Flag(help: "Also fail on firing alerts (exit 1 warning, 2 critical).")
    var alerts = false

    @Option(help: "Keep polling for SECONDS at the health interval, then judge the freshest round (duration-based alert rules and the partition hold need the time).")
    var watch: Double?

    @OptionGroup var replay: ReplayOptions

    @OptionGroup var hub: HubOptions

    func validate() throws {
        if let minCoverage, !(0...1).contains(minCoverage) { throw ValidationError("--min-coverage must be between 0 and 1") }
        if let watch, !watch.isFinite || watch < 0 || watch > 86_400 { throw ValidationError("--watch must be between 0 and 86400 seconds") }
        if watch != nil && replay.file != nil { throw ValidationError("--watch and --replay cannot be combined") }
    }

    func run() async throws {
        // With --replay the snapshot comes from a recording and nothing is polled (ReplayCommand.swift).
        let replayed = try replay.load()
        // With --hub the snapshot is read from `lassotop serve` and nothing is polled (HubViewing.swift).
        let hubbed = replayed == nil ? try await hub.load(watch: watch) : nil
        let snapshot = try await replayed ?? hubbed != nil ? (replayed ?? hubbed)! : Session.with(
            try SessionPlan.make(sources, allowDemo: false, logName: "check")) { session in
            await session.waitForEventsCaughtUp(limit: .seconds(30))
            var snapshot = await session.monitor.collectOnce()
            if let watch, watch > 0 {
                await session.monitor.start()
                // --watch is a duration the user asked for: the alert rules need that much time to judge.
                try await Task.sleep(for: .milliseconds(Int64(watch * 1000)))
                snapshot = session.monitor.latestSnapshot()
            }
            return snapshot
        }
        let report = CheckReport.evaluate(snapshot, minCoverage: minCoverage, alerts: alerts)
        for line in report.failures { print(line) }
        if report.failures.isEmpty { print(report.okLine) }
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
        if let port, !(1...65_535).contains(port) || port + nodes - 1 > 65_535 {
            throw ValidationError("--port must be a TCP port, and --port + --nodes - 1 at most 65535")
        }
    }

    func run() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: nodes, basePort: port, seed: seed, eventRate: rate))
        // SIGINT, SIGTERM and SIGHUP start a graceful shutdown: the servers close their ports, serve the requests
        // already accepted, and only then does the process exit.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: DemoClusterService(cluster: cluster))],
            gracefulShutdownSignals: [.sigint, .sigterm, .sighup],
            logger: Logger(label: "lassotop.demo", factory: { _ in SwiftLogNoOpLogHandler() })))
        try await group.run()
        print("stopped")
    }
}

/// Runs the demo cluster as a service: started, announced, then stopped when the group shuts down gracefully.
struct DemoClusterService: Service {
    let cluster: DemoCluster

    func run() async throws {
        do { try await cluster.start() } catch {
            await cluster.stop()
            throw error
        }
        for node in cluster.nodes { print("\(node.id) \(node.url)") }
        print("demo cluster running; POST /_demo/fault {\"mode\": \"down\"} on a node to inject faults; Ctrl-C to stop")
        fflush(nil)
        try? await gracefulShutdown()
        await cluster.stop()
    }
}
