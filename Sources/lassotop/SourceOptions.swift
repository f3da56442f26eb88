import ArgumentParser
import Foundation
import LassoClient
import LassoCore

/// Where the nodes come from and how to poll them; shared by the TUI, `snapshot` and `check`.
struct SourceOptions: ParsableArguments {
    @Option(name: .customLong("node"), help: "A node to watch: URL or NAME=URL (repeatable).")
    var nodes: [String] = []

    @Option(name: .customLong("nodes-file"), help: "File with one [NAME=]URL per line (# comments).", completion: .file())
    var nodesFile: String?

    @Option(help: "Resolve HOST's A/AAAA records every health interval and watch each address on PORT (HOST:PORT).")
    var discover: String?

    @Option(help: "A named cluster from the config file.", completion: Completions.clusters)
    var cluster: String?

    @Option(help: "Expected cluster size (coverage total is at least N).")
    var expect: Int?

    @Option(name: .customLong("chain"), help: "Chain to watch (repeatable; default: every chain /api/chains lists).")
    var chains: [String] = []

    @Option(name: .customLong("header"), help: "Extra request header 'Name: value' (repeatable). Prefer LASSOTOP_HEADERS or --headers-file for secrets.")
    var headers: [String] = []

    @Option(name: .customLong("headers-file"), help: "File with one 'Name: value' header per line.", completion: .file())
    var headersFile: String?

    @Option(help: "PEM file with extra CA certificates for https nodes.", completion: .file())
    var cacert: String?

    @Flag(help: "Disable TLS certificate verification (shows a warning).")
    var insecure = false

    @Option(name: .customLong("health-interval"), help: "Seconds between health polls (default \(MonitorConfig.secondsText(MonitorConfig.defaultHealthIntervalMs))).")
    var healthInterval: Double?

    @Option(name: .customLong("metrics-interval"), help: "Seconds between metrics polls per chain (default \(MonitorConfig.secondsText(MonitorConfig.defaultMetricsIntervalMs))).")
    var metricsInterval: Double?

    @Option(help: "Seconds between events polls; an idle dashboard redraws (clock, ages) on the same beat (default \(MonitorConfig.secondsText(MonitorConfig.defaultEventsIntervalMs)), record: 1; 1–60).")
    var refresh: Double?

    @Option(help: "Request timeout in seconds, connect and total (default \(MonitorConfig.secondsText(MonitorConfig.defaultTimeoutMs))).")
    var timeout: Double?

    @Option(name: .customLong("health-timeout"), help: "Health poll timeout in seconds (default \(MonitorConfig.secondsText(MonitorConfig.defaultHealthTimeoutMs)), or --timeout when longer; above Lasso's 5 s topology fallback).")
    var healthTimeout: Double?

    @Option(name: .customLong("max-body"), help: "Largest accepted response body in MiB.")
    var maxBodyMiB: Int = MonitorConfig.defaultMaxBodyMiB

    @Option(name: .customLong("min-calls"), help: "Nodes with fewer calls are left out of weighted averages.")
    var minCalls: Int = MonitorConfig.defaultMinCalls

    @Option(name: .customLong("events-from"), help: "Also read JSON-lines events from PATH (tail -f) or - (stdin).", completion: .file())
    var eventsFrom: String?

    @Option(help: "Config file (default $XDG_CONFIG_HOME/lassotop/config.toml).", completion: .file(extensions: ["toml"]))
    var config: String?

    @Option(name: .customLong("demo-nodes"), help: "Nodes of the embedded demo cluster used when no node is configured.")
    var demoNodes: Int = 3

    @Option(name: .customLong("demo-seed"), help: "Seed of the embedded demo cluster.")
    var demoSeed: UInt64 = 42

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    func loadConfigFile() throws -> ConfigFile {
        // The default file is optional; a file named with --config must exist.
        if let config, !FileManager.default.fileExists(atPath: config) { throw ValidationError("--config: no such file \(config)") }
        let path = config ?? ConfigFile.configDirectory(environment: environment) + "/config.toml"
        do { return try ConfigFile.load(path: path) } catch { throw ValidationError("\(error)") }
    }

    /// Resolves nodes and polling settings. `demoTargets` fills in when nothing is configured.
    func monitorConfig(file: ConfigFile, demoTargets: [NodeTarget]? = nil,
                       refreshDefaultMs: Int64 = MonitorConfig.defaultEventsIntervalMs) throws -> MonitorConfig {
        var targets: [NodeTarget] = []
        var discoverText = discover
        var expectCount = expect
        var chainList = chains
        var headersFilePath = headersFile
        var clusterName: String?
        let clusterKey = cluster ?? ((nodes.isEmpty && nodesFile == nil && discover == nil) ? file.defaultCluster : nil)
        if let key = clusterKey {
            guard let entry = file.clusters[key] else {
                // Name the file read, so a cluster defined in another file (or a missing file) is obvious.
                let path = config ?? ConfigFile.configDirectory(environment: environment) + "/config.toml"
                guard FileManager.default.fileExists(atPath: path) else {
                    throw ValidationError("unknown cluster '\(key)': no config file at \(path) (clusters are defined there or in --config FILE)")
                }
                let known = file.clusters.keys.sorted()
                throw ValidationError("unknown cluster '\(key)' in \(path) (" + (known.isEmpty ? "it defines no [clusters.NAME]" : "it has: \(known.joined(separator: ", "))") + ")")
            }
            clusterName = key
            do { targets += try entry.nodes.map { spec throws(NodeTarget.ParseError) in try NodeTarget.parse(spec) } } catch {
                throw ValidationError("cluster \(key): \(error)")
            }
            discoverText = discoverText ?? entry.discover
            expectCount = expectCount ?? entry.expect
            if chainList.isEmpty { chainList = entry.chains }
            headersFilePath = headersFilePath ?? entry.headersFile.map { ($0 as NSString).expandingTildeInPath }
        }
        do {
            targets += try nodes.map { spec throws(NodeTarget.ParseError) in try NodeTarget.parse(spec) }
            if let path = nodesFile {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw ValidationError("cannot read nodes file \(path)")
                }
                targets += try NodeTarget.parseFile(contents: text, path: path)
            }
        } catch let error as NodeTarget.ParseError {
            throw ValidationError(error.message)
        }
        let discovery = try discoverText.map { text -> DiscoverySpec in
            do { return try DiscoverySpec.parse(text) } catch { throw ValidationError("\(error)") }
        }
        var isDemo = false
        if targets.isEmpty && discovery == nil {
            guard let demoTargets else { throw ValidationError("no nodes configured: use --node, --nodes-file, --discover or --cluster") }
            targets = demoTargets
            isDemo = true
        }
        if let expectCount, !(1...100_000).contains(expectCount) { throw ValidationError("--expect must be between 1 and 100000") }
        guard (0...1_000_000_000).contains(minCalls) else { throw ValidationError("--min-calls must be between 0 and 1000000000") }
        let headerList: [(name: String, value: String)]
        do { headerList = try HeaderSource.collect(arguments: headers, environment: environment, file: headersFilePath) } catch {
            throw ValidationError("\(error)")
        }
        let polling: (healthIntervalMs: Int64, metricsIntervalMs: Int64, eventsIntervalMs: Int64, timeout: Duration, maxBodyBytes: Int)
        do {
            polling = try MonitorConfig.polling(healthSeconds: healthInterval ?? file.healthIntervalSeconds,
                                                metricsSeconds: metricsInterval ?? file.metricsIntervalSeconds,
                                                refreshSeconds: refresh ?? file.refreshSeconds ?? Double(refreshDefaultMs) / 1000,
                                                timeoutSeconds: timeout ?? file.timeoutSeconds, maxBodyMiB: maxBodyMiB)
        } catch { throw ValidationError("\(error)") }
        if let healthTimeout, !(healthTimeout > 0 && healthTimeout * 1000 <= Double(MonitorConfig.maxTimeoutMs)) {
            throw ValidationError("--health-timeout must be between 0 and \(MonitorConfig.secondsText(MonitorConfig.maxTimeoutMs)) seconds")
        }
        if let cacert, !FileManager.default.fileExists(atPath: cacert) { throw ValidationError("--cacert: no such file \(cacert)") }
        let alerts: AlertConfig
        do { alerts = try AlertConfig.applying(overrides: file.alertOverrides) } catch { throw ValidationError("config [alerts]: \(error)") }
        var config = MonitorConfig(
            targets: NodeTarget.uniqued(targets), discovery: discovery, expected: expectCount, chains: chainList,
            healthIntervalMs: polling.healthIntervalMs, metricsIntervalMs: polling.metricsIntervalMs,
            eventsIntervalMs: polling.eventsIntervalMs,
            http: HTTPOptions(timeout: polling.timeout, maxBodyBytes: polling.maxBodyBytes,
                              headers: headerList, caCertPath: cacert, insecure: insecure),
            clusterName: clusterName, isDemo: isDemo, aggregation: AggregationOptions(minCalls: minCalls), alerts: alerts)
        let timeoutMs = polling.timeout.inMilliseconds
        config.healthTimeoutMs = healthTimeout.map { Int64($0 * 1000) } ?? max(MonitorConfig.defaultHealthTimeoutMs, timeoutMs)
        return config
    }

    var wantsDemo: Bool {
        nodes.isEmpty && nodesFile == nil && discover == nil && cluster == nil
    }
}
