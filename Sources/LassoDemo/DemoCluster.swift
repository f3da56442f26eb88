import Foundation
import Hummingbird
import LassoCore
import ServiceLifecycle
import Synchronization

/// A simulated Lasso cluster: `nodeCount` real HTTP servers on 127.0.0.1, fed by one seeded traffic generator, with
/// Lasso's PubSub relay and per-node fault injection. Safe to use from any task or thread.
///
/// Lifecycle: `init` → `start()` → … → `stop()`. A stopped cluster cannot be started again. Call `stop()` before
/// dropping the last reference: the servers and the generator keep running until then.
public final class DemoCluster: Sendable {
    public let config: DemoConfig
    /// Node ids in order (known before `start()`).
    public let nodeIDs: [String]
    let nodeList: [DemoNode]
    private let supervisor = ServerSupervisor()
    private let control = Mutex(Control())
    private let clock = ContinuousClock()
    /// The traffic generator. Nothing ticks: whatever reads the traffic (a request, a fault change, the decision
    /// count) first advances it to now (`advanceTraffic`), so an idle demo costs nothing between requests. Held for a
    /// whole advance and by fault changes, so a fault applies to all traffic after it returns.
    private let traffic = Mutex<Generator?>(nil)

    private struct Generator {
        var model: TrafficModel
        var placement: SplitMix64
        var carry = 0.0
        var circuit = CircuitState.closed
        var start: ContinuousClock.Instant
        var last: ContinuousClock.Instant
    }

    private struct Control: Sendable {
        var starting = false
        var started = false
        var stopped = false
        var startInstant: ContinuousClock.Instant?
        var decisionsGenerated = 0
    }

    public init(config: DemoConfig = DemoConfig()) {
        var config = config
        config.nodeCount = min(max(config.nodeCount, 1), 500)   // the poll fan-out bench watches 200
        config.eventRate = min(max(config.eventRate.isFinite ? config.eventRate : 0, 0), 10_000)
        config.bufferCapacity = max(1, config.bufferCapacity)
        self.config = config
        nodeIDs = Self.nodeIDs(count: config.nodeCount)
        let now = ContinuousClock.now
        nodeList = nodeIDs.enumerated().map { index, id in
            DemoNode(id: id, index: index, port: config.basePort.map { $0 + index } ?? 0,
                     bufferCapacity: config.bufferCapacity, now: now)
        }
    }

    /// iad-1, fra-1, sin-1, sjc-1, gru-1, …, then iad-2, fra-2, …: region prefixes Lasso's health understands.
    public static func nodeIDs(count: Int) -> [String] {
        let regions = DemoCatalog.regions
        return (0..<max(0, count)).map { "\(regions[$0 % regions.count])-\($0 / regions.count + 1)" }
    }

    // MARK: Public API

    /// Binds every node on 127.0.0.1 and starts the traffic; returns once every node listens (a node already set
    /// `down` is bound once to learn its port, then closed). Calling it on a running cluster does nothing.
    public func start() async throws {
        let proceed = try control.withLock { control -> Bool in
            if control.stopped { throw DemoClusterError.stopped }
            if control.started || control.starting { return false }
            control.starting = true
            return true
        }
        guard proceed else { return }
        let now = clock.now
        for node in nodeList { node.state.withLock { $0.startedAt = now } }
        do {
            try await supervisor.start(nodes: nodeList, cluster: self)
        } catch {
            await supervisor.stopAll()
            control.withLock { $0.starting = false }
            throw error
        }
        let stoppedMeanwhile = control.withLock { control -> Bool in
            control.starting = false
            if control.stopped { return true }
            control.started = true
            control.startInstant = now
            return false
        }
        // stop() ran while the servers were binding: it may have missed servers bound after it; none may outlive it.
        if stoppedMeanwhile {
            await supervisor.stopAll()
            throw DemoClusterError.stopped
        }
        traffic.withLock { generator in
            // Placement has its own stream so the decisions stay the same whichever nodes are up. The traffic starts
            // a second before the ports open, as if the nodes had been serving already: the first poll sees figures.
            let begin = now - Self.trafficHeadStart
            generator = Generator(model: TrafficModel(seed: config.seed),
                                  placement: SplitMix64(seed: config.seed ^ 0x9E6C_63D0_676A_9A99), start: begin, last: begin)
        }
        for node in nodeList where node.fault == .down {
            try? await supervisor.reconcile(node: node, cluster: self)
        }
    }

    /// Node ids, URLs and ports, in order. Synchronous. Ports are 0 before `start()` unless `basePort` is set.
    public var nodes: [DemoNodeInfo] {
        nodeList.map { node in
            let port = node.state.withLock { $0.port }
            return DemoNodeInfo(id: node.id, url: "http://127.0.0.1:\(port)", port: port)
        }
    }

    /// Sets a node's fault and returns once it took effect (for `down`: the port is closed; for `ok` after `down`:
    /// the port listens again, on the same port). `restart` resets the node and leaves it `ok`. Throws
    /// `unknownNode`, or `bindFailed` if another process took the port while the node was down. Before `start()` it
    /// only records the fault.
    public func setFault(_ fault: DemoFault, node id: String) async throws {
        guard let node = nodeList.first(where: { $0.id == id }) else { throw DemoClusterError.unknownNode(id) }
        apply(fault, to: node)
        try await supervisor.reconcile(node: node, cluster: self)
    }

    /// The node's current fault (`.ok` for an unknown id). Never `.restart`: a restart is one-shot.
    public func fault(of id: String) -> DemoFault {
        nodeList.first(where: { $0.id == id })?.fault ?? .ok
    }

    /// Current faults by node id.
    public var faults: [String: DemoFault] {
        Dictionary(uniqueKeysWithValues: nodeList.map { ($0.id, $0.fault) })
    }

    public var isRunning: Bool { control.withLock { $0.started && !$0.stopped } }

    /// Routing decisions generated since start (for the demo panel and the bench).
    public var decisionsGenerated: Int {
        advanceTraffic()
        return control.withLock { $0.decisionsGenerated }
    }

    /// Stops the traffic and every server; returns when all ports are closed. Idempotent.
    public func stop() async {
        control.withLock { $0.stopped = true }
        traffic.withLock { $0 = nil }
        await supervisor.stopAll()
    }

    // MARK: Faults

    func apply(_ fault: DemoFault, to node: DemoNode) {
        advanceTraffic()   // the traffic until now saw the old fault
        let now = clock.now
        traffic.withLock { _ in
            node.state.withLock { state in
                if fault == .restart {
                    state.reset(now: now)
                    state.fault = .ok
                } else {
                    state.fault = fault
                }
            }
        }
    }

    /// `POST /_demo/fault` with `{"mode": "...", "node": "<optional other node id>"}`. The state changes before the
    /// reply; opening or closing a port happens just after it, in the background, so a node can close itself and no
    /// request handler ever waits for a server to stop.
    func handleFaultRequest(from receiver: DemoNode, body: Data) -> Response {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let modeText = object["mode"] as? String else {
            return NodeServer.json(.badRequest, DemoEncoding.error("expected a JSON object {\"mode\": \"...\"}"))
        }
        guard let mode = DemoFault(rawValue: modeText) else {
            let modes = DemoFault.allCases.map(\.rawValue).joined(separator: ", ")
            return NodeServer.json(.badRequest, DemoEncoding.error("unknown mode; expected one of: \(modes)"))
        }
        let targetID = (object["node"] as? String) ?? receiver.id
        guard let target = nodeList.first(where: { $0.id == targetID }) else {
            return NodeServer.json(.notFound, DemoEncoding.error("unknown node \(targetID)"))
        }
        apply(mode, to: target)
        // A node may close itself: its graceful shutdown lets this reply go out before the connection closes.
        Task { [weak self] in
            guard let self else { return }
            try? await self.supervisor.reconcile(node: target, cluster: self)
        }
        return NodeServer.json(.ok, "{\"node_id\":\(JSONText.string(target.id)),\"mode\":\"\(target.fault.rawValue)\"}")
    }

    /// Replaces parts of the node's `/api/health` reply (see `DemoHealthOverride`); `DemoHealthOverride()` restores
    /// the simulation.
    public func setHealthOverride(_ override: DemoHealthOverride, node id: String) throws {
        guard let node = nodeList.first(where: { $0.id == id }) else { throw DemoClusterError.unknownNode(id) }
        node.state.withLock { $0.healthOverride = override }
    }

    /// `POST /_demo/health` with `{"node": "<optional id>", "version": "0.3.0", "delay_ms": 5500,
    /// "view": {"enabled": true, "nodes_connected": 1, "nodes_responding": 1, "status": "healthy"}}`. Every field is
    /// optional; omitted ones follow the simulation again, so `{}` restores the node.
    func handleHealthRequest(from receiver: DemoNode, body: Data) -> Response {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return NodeServer.json(.badRequest, DemoEncoding.error("expected a JSON object"))
        }
        let targetID = (object["node"] as? String) ?? receiver.id
        guard let target = nodeList.first(where: { $0.id == targetID }) else {
            return NodeServer.json(.notFound, DemoEncoding.error("unknown node \(targetID)"))
        }
        var override = DemoHealthOverride()
        override.version = object["version"] as? String
        if let delay = object["delay_ms"] as? Double {
            guard delay >= 0, delay <= 600_000 else {
                return NodeServer.json(.badRequest, DemoEncoding.error("delay_ms must be between 0 and 600000"))
            }
            override.delay = .milliseconds(Int64(delay))
        }
        if let view = object["view"] {
            guard let data = try? JSONSerialization.data(withJSONObject: view),
                  let decoded = try? JSONDecoder().decode(ClusterView.self, from: data) else {
                return NodeServer.json(.badRequest, DemoEncoding.error("view must be a Lasso cluster block"))
            }
            override.view = decoded
        }
        target.state.withLock { $0.healthOverride = override }
        return NodeServer.json(.ok, "{\"node_id\":\(JSONText.string(target.id))}")
    }

    // MARK: Bodies

    /// This node's view of the cluster. Peers count as connected unless `down` or `partition`ed; connected peers
    /// count as responding only when `ok` (a slow node misses Lasso's 5 s health RPC; a node whose web layer returns
    /// garbage or 500 is treated the same). A partitioned node sees only itself.
    func clusterView(for node: DemoNode) -> ClusterView {
        let faults = nodeList.map(\.fault)
        var connected = 1, responding = 1
        var regions = Set<String>()
        if let region = ClusterView.region(ofNodeID: node.id) { regions.insert(region) }
        if faults[node.index] != .partition {
            for peer in nodeList where peer.index != node.index {
                let fault = faults[peer.index]
                guard fault != .down, fault != .partition else { continue }
                connected += 1
                if fault == .ok || fault == .restart { responding += 1 }
                if let region = ClusterView.region(ofNodeID: peer.id) { regions.insert(region) }
            }
        }
        return ClusterView(enabled: true, nodesConnected: connected, nodesResponding: responding, nodesTotal: connected,
                           regions: regions.sorted(),
                           status: ClusterView.apiStatus(enabled: true, responding: responding, connected: connected))
    }

    func healthBody(for node: DemoNode) -> (HTTPResponse.Status, String) {
        advanceTraffic()
        let (startedAt, override) = node.state.withLock { ($0.startedAt, $0.healthOverride) }
        let uptime = Int((clock.now - startedAt).components.seconds)
        let micros = Int64(Date().timeIntervalSince1970 * 1_000_000)
        return (.ok, DemoEncoding.health(uptimeSeconds: max(0, uptime), view: override.view ?? clusterView(for: node),
                                         nowMicros: micros, version: override.version ?? DemoEncoding.version))
    }

    func metricsBody(for node: DemoNode, chain requested: String) -> (HTTPResponse.Status, String) {
        guard let chainIndex = DemoCatalog.chain(matching: requested) else {
            return (.notFound, DemoEncoding.chainNotFound(requested))
        }
        advanceTraffic()
        let nowMs = Self.wallMs()
        let (stats, buffered, calls) = node.state.withLock { ($0.chains[chainIndex], $0.events.count, $0.totalCalls) }
        // Simulated BEAM figures: stable per node, drifting a little with load, never negative.
        let second = Double(nowMs / 1000)
        let system = DemoEncoding.SystemFigures(
            memoryMB: 180 + 24 * Double(node.index) + Double(buffered) * 0.0004 + Double(calls) * 0.00002,
            cpuPercent: 1.5 + config.eventRate / Double(nodeList.count) * 0.004 + 0.8 * abs(_sin(second / 7 + Double(node.index))),
            processCount: 1_900 + 37 * node.index + min(calls / 1_000, 500),
            runQueue: node.fault == .slow ? 3 : 0)
        return (.ok, DemoEncoding.metrics(chain: DemoCatalog.chains[chainIndex], stats: stats, nowMs: nowMs, system: system))
    }

    /// Events endpoint v1 (docs/events-protocol.md): `since` exclusive, `next` = seq of the last event returned, or
    /// `since` when none; when `since` is beyond this node's newest seq (it restarted), `next` is that newest seq,
    /// which is below the client's cursor and tells it to start again from 0.
    func eventsBody(for node: DemoNode, since sinceText: String?, limit limitText: String?) -> (HTTPResponse.Status, String) {
        let since: Int64
        if let sinceText {
            guard let value = Int64(sinceText), value >= 0 else {
                return (.badRequest, DemoEncoding.error("since must be a non-negative integer"))
            }
            since = value
        } else {
            since = 0
        }
        var limit = NodeServer.defaultEventsLimit
        if let limitText {
            guard let value = Int(limitText), value >= 1 else {
                return (.badRequest, DemoEncoding.error("limit must be a positive integer"))
            }
            limit = min(value, NodeServer.maxEventsLimit)
        }
        advanceTraffic()
        let body = node.state.withLock { state -> String in
            if since > state.events.lastSeq {
                return DemoEncoding.eventsPage(nodeID: node.id, next: state.events.lastSeq, events: [])
            }
            let page = state.events.page(since: since, limit: limit)
            return DemoEncoding.eventsPage(nodeID: node.id, next: page.lastSeq ?? since, events: page.events)
        }
        return (.ok, body)
    }

    static func wallMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    // MARK: Traffic

    /// Generates the traffic from the last advance up to now, in steps of at most one second (each step spreads its
    /// decisions evenly over its span, as the former fixed-rate ticks did). After a long silence only the last
    /// `maxCatchUp` is generated: nobody was asking, and the node buffers hold less than that anyway.
    func advanceTraffic() {
        let now = clock.now
        let wallNow = Self.wallMs()
        traffic.withLock { slot in
            guard var g = slot else { return }
            if now - g.last > Self.maxCatchUp { g.last = now - Self.maxCatchUp }
            while g.last < now {
                let stepEnd = min(now, g.last + .seconds(1))
                let dt = (stepEnd - g.last).inSeconds
                let wallMs = wallNow - Int64((now - stepEnd).inSeconds * 1000)
                tick(model: &g.model, placement: &g.placement, carry: &g.carry, circuit: &g.circuit,
                     elapsed: stepEnd - g.start, dt: dt, wallMs: wallMs)
                g.last = stepEnd
            }
            slot = g
        }
    }

    static let maxCatchUp: Duration = .seconds(60)
    static let trafficHeadStart: Duration = .seconds(1)

    private struct Emitted {
        var handler: Int
        var json: String
        var decision: RoutingDecision?
        var ts: Int64
    }

    /// One generator step: the decisions for `dt` seconds, circuit transitions, then one lock per node to record
    /// the handled decisions and append every event the node sees (its own, and relayed copies).
    private func tick(model: inout TrafficModel, placement: inout SplitMix64, carry: inout Double,
                      circuit: inout CircuitState, elapsed: Duration, dt: Double, wallMs: Int64) {
        let faults = nodeList.map(\.fault)
        let handlers = nodeList.indices.filter { faults[$0] != .down }
        let lateLive = config.lateChainStart.map { elapsed >= $0 } ?? false
        let cycle = max(config.circuitCycle.inSeconds, 0.001)
        let fraction = elapsed.inSeconds.truncatingRemainder(dividingBy: cycle) / cycle
        let target = CircuitState.at(cycleFraction: fraction)

        var emitted: [Emitted] = []
        // Walk the cycle one step at a time so a long pause still emits every transition in order.
        var steps = 0
        while circuit != target && steps < 3 {
            let next: CircuitState = circuit == .closed ? .open : circuit == .open ? .halfOpen : .closed
            let chain = DemoCatalog.chains[0]
            let flaky = chain.providers.first(where: \.flaky)!
            for handler in handlers {
                emitted.append(Emitted(handler: handler,
                                       json: DemoEncoding.circuitEvent(chain: chain, providerID: flaky.id, from: circuit,
                                                                       to: next, ts: wallMs, sourceNodeID: nodeList[handler].id),
                                       decision: nil, ts: wallMs))
            }
            circuit = next
            steps += 1
        }

        let wanted = carry + config.eventRate * dt
        let count = Int(wanted)
        carry = wanted - Double(count)
        if !handlers.isEmpty && count > 0 {
            emitted.reserveCapacity(emitted.count + count)
            let spanMs = Int64(dt * 1000)
            for i in 0..<count {
                let decision = model.next(lateChainsLive: lateLive, circuit: circuit)
                let handler = handlers[min(handlers.count - 1, Int(placement.unit() * Double(handlers.count)))]
                let ts = wallMs - spanMs + spanMs * Int64(i + 1) / Int64(count)
                emitted.append(Emitted(handler: handler,
                                       json: DemoEncoding.routingEvent(decision, ts: ts, sourceNodeID: nodeList[handler].id),
                                       decision: decision, ts: ts))
            }
            control.withLock { $0.decisionsGenerated += count }
        }
        guard !emitted.isEmpty else { return }

        for node in nodeList where faults[node.index] != .down {
            let receives = { (handler: Int) -> Bool in
                handler == node.index
                    || (faults[handler] != .partition && faults[node.index] != .partition)
            }
            node.state.withLock { state in
                for item in emitted where receives(item.handler) {
                    if item.handler == node.index, let d = item.decision {
                        state.chains[d.chain].record(provider: d.provider, method: d.method, latencyMs: d.durationMs,
                                                     success: d.success, at: item.ts)
                    }
                    state.events.append(item.json)
                }
            }
        }
    }
}

/// Owns the node servers. An actor so binds and stops never interleave for the same node.
///
/// Each server runs in a `ServiceGroup` and is stopped by graceful shutdown, never by cancelling its task: a
/// cancelled Hummingbird server can drop a connection it accepted but had not handed out yet, and NIO traps on that
/// connection's unfinished writer ("Deinited NIOAsyncWriter without calling finish()"). Graceful shutdown closes the
/// listening socket first, serves every accepted connection to the end of its request, then returns.
actor ServerSupervisor {
    private struct Running {
        var group: ServiceGroup
        var task: Task<Void, Never>
    }

    private var servers: [Int: Running] = [:]
    private var active = false

    /// How long a graceful shutdown may take before the group cancels what is left (a client that never finishes
    /// sending its request). By then the listening socket is long closed, so no accepted connection can be dropped.
    static let gracefulShutdownLimit: Duration = .seconds(3)

    func start(nodes: [DemoNode], cluster: DemoCluster) async throws {
        active = true
        for node in nodes {
            guard active else { throw DemoClusterError.stopped }
            try await bind(node: node, cluster: cluster)
        }
    }

    /// Brings the node's server in line with its fault: closed when `down`, listening otherwise.
    func reconcile(node: DemoNode, cluster: DemoCluster) async throws {
        guard active else { return }
        let wantsRunning = node.fault != .down
        if wantsRunning, servers[node.index] == nil {
            try await bind(node: node, cluster: cluster)
        } else if !wantsRunning, let running = servers.removeValue(forKey: node.index) {
            await Self.shutDown(running)
        }
    }

    func stopAll() async {
        active = false
        let running = Array(servers.values)
        servers = [:]
        for server in running { await server.group.triggerGracefulShutdown() }
        for server in running { await server.task.value }
    }

    private static func shutDown(_ running: Running) async {
        await running.group.triggerGracefulShutdown()
        await running.task.value
    }

    private func bind(node: DemoNode, cluster: DemoCluster) async throws {
        let port = node.state.withLock { $0.port }
        let (bound, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            router: NodeServer.makeRouter(node: node, cluster: cluster),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "lassotop-demo/\(node.id)"),
            onServerRunning: { channel in continuation.yield(.success(channel.localAddress?.port ?? port)) },
            logger: NodeServer.quietLogger)
        var configuration = ServiceGroupConfiguration(services: [app], logger: NodeServer.quietLogger)
        configuration.maximumGracefulShutdownDuration = Self.gracefulShutdownLimit
        let group = ServiceGroup(configuration: configuration)
        let task = Task.detached {
            do {
                try await group.run()
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        let running = Running(group: group, task: task)
        var result: Result<Int, any Error> = .failure(DemoClusterError.bindFailed(node: node.id, port: port, reason: "server ended"))
        for await first in bound {
            result = first
            break
        }
        switch result {
        case .success(let actual):
            node.state.withLock { $0.port = actual }
            // stopAll() may have run while this bind was suspended: this server must not outlive it.
            guard active else {
                await Self.shutDown(running)
                throw DemoClusterError.stopped
            }
            servers[node.index] = running
        case .failure(let error):
            await Self.shutDown(running)
            throw DemoClusterError.bindFailed(node: node.id, port: port, reason: "\(error)")
        }
    }
}
