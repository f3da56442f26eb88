import ArgumentParser
import Foundation
import LassoClient
import LassoCore
import LassoHub
import Logging
import ServiceLifecycle

/// `lassotop serve`: one poller for many viewers and for Prometheus (docs/prometheus.md).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll the cluster once and serve snapshots, events and Prometheus metrics to viewers (lassotop --hub URL).",
        discussion: """
            GET /api/v1/snapshot (the `snapshot --format json` document), /api/v1/events?since=&limit=&wait=, /metrics \
            (Prometheus text), /healthz. Binds 127.0.0.1 by default; another address needs --token-file or --no-auth.
            """)

    @OptionGroup var sources: SourceOptions

    @Option(help: "Address to listen on, HOST:PORT ([::1]:PORT for IPv6; :PORT for every interface).")
    var listen: String = "127.0.0.1:9464"

    @Option(name: .customLong("token-file"), help: "File whose first line is the bearer token viewers and Prometheus must send.")
    var tokenFile: String?

    @Flag(name: .customLong("no-auth"), help: "Serve without a token on a non-loopback address (trusted networks only).")
    var noAuth = false

    @Option(name: .customLong("max-connections"), help: "Most open client connections (default 512).")
    var maxConnections: Int = 512

    func validate() throws {
        guard let address = HubServerConfig.parseListen(listen) else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:9464")
        }
        if tokenFile != nil && noAuth { throw ValidationError("--token-file and --no-auth exclude each other") }
        if !HubServerConfig.isLoopback(address.host) && tokenFile == nil && !noAuth {
            throw ValidationError("--listen \(address.host) is not loopback: give --token-file FILE (or --no-auth on a trusted network)")
        }
        guard (1...100_000).contains(maxConnections) else { throw ValidationError("--max-connections must be between 1 and 100000") }
    }

    func run() async throws {
        guard let address = HubServerConfig.parseListen(listen) else { throw ExitCode(CheckReport.usage) }
        var token: String?
        if let tokenFile {
            do { token = try HubToken.load(path: tokenFile) } catch { throw ValidationError("\(error)") }
        }
        let plan = try SessionPlan.make(sources, allowDemo: true, logName: "serve")
        try await Session.with(plan) { session in
            await session.monitor.start()
            let publisher = HubPublisher(monitor: session.monitor)
            let server = HubServer(publisher: publisher,
                                   config: HubServerConfig(host: address.host, port: address.port, token: token,
                                                           maxConnections: maxConnections),
                                   logger: Logger(label: "lassotop.hub"))
            let note = "watching \(session.monitor.config.targets.count) node(s)" + (session.demo == nil ? "" : " of the embedded demo cluster")
            // SIGINT, SIGTERM and SIGHUP start a graceful shutdown: the server closes its port, then Session.with stops
            // the monitor (and the demo cluster).
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: [.init(service: HubService(server: server, publisher: publisher, listen: listen, note: note))],
                gracefulShutdownSignals: [.sigint, .sigterm, .sighup],
                logger: Logger(label: "lassotop.hub", factory: { _ in SwiftLogNoOpLogHandler() })))
            try await group.run()
        }
        print("stopped")
    }
}

/// The hub as a service: refresh loop and HTTP server, announced once listening, stopped on graceful shutdown.
struct HubService: Service {
    let server: HubServer
    let publisher: HubPublisher
    let listen: String
    let note: String

    func run() async throws {
        let refresher = Task { await publisher.run() }
        defer { refresher.cancel() }
        let port: Int
        do { port = try await server.start() } catch {
            FileHandle.standardError.write(Data("lassotop serve: cannot listen on \(listen): \(error)\n".utf8))
            throw ExitCode(1)
        }
        let host = server.config.host.contains(":") ? "[\(server.config.host)]" : server.config.host
        print("lassotop hub listening on http://\(host):\(port) (\(server.config.token == nil ? "no auth" : "bearer token required")); \(note)")
        fflush(nil)
        try? await gracefulShutdown()
        await server.stop()
    }
}
