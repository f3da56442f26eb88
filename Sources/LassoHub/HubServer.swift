import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import LassoCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// How `lassotop serve` listens.
public struct HubServerConfig: Sendable {
    public var host: String
    /// 0 = a free port (tests).
    public var port: Int
    /// Bearer token; nil = no authentication (only allowed on loopback or with --no-auth, see `validate`).
    public var token: String?
    /// Open connections beyond this wait in the backlog: a crowd of viewers cannot exhaust file descriptors.
    public var maxConnections: Int
    /// Idle keep-alive connections are closed after this.
    public var idleTimeout: Duration
    /// Longest `wait=` a long poll may ask for.
    public var maxWait: Duration

    public init(host: String = "127.0.0.1", port: Int = 9464, token: String? = nil, maxConnections: Int = 512,
                idleTimeout: Duration = .seconds(60), maxWait: Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.token = token
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.maxWait = maxWait
    }

    /// "127.0.0.1:9464", "[::1]:9464", ":9464" (all interfaces), "0.0.0.0:9464".
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil }   // bare IPv6 needs brackets
        }
        guard let port = Int(portText), (0...65_535).contains(port) else { return nil }
        return (host.isEmpty ? "0.0.0.0" : String(host), port)
    }

    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// `lassotop serve`'s HTTP face (Hummingbird 2): `/api/v1/snapshot`, `/api/v1/events`, `/metrics`, `/healthz`.
/// Every answer comes from the publisher's cached frame; no request reaches a node.
public final class HubServer: Sendable {
    public let config: HubServerConfig
    let publisher: HubPublisher
    let logger: Logger
    private let running = Mutex<(group: ServiceGroup, task: Task<Void, Never>)?>(nil)
    private let counters = HubRequestCounters()

    public init(publisher: HubPublisher, config: HubServerConfig, logger: Logger = Logger(label: "lassotop.hub")) {
        self.publisher = publisher
        self.config = config
        self.logger = logger
    }

    public var requestsServed: Int { counters.total.load(ordering: .relaxed) }

    /// Binds and returns the bound port once the server accepts connections.
    public func start() async throws -> Int {
        let (bound, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(idleTimeout: TimeAmount(config.idleTimeout))),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "lassotop-hub",
                                 availableConnectionsDelegate: MaximumAvailableConnections(config.maxConnections)),
            onServerRunning: { channel in continuation.yield(.success(channel.localAddress?.port ?? 0)) },
            logger: logger)
        var groupConfig = ServiceGroupConfiguration(services: [app], logger: logger)
        groupConfig.maximumGracefulShutdownDuration = .seconds(2)
        let group = ServiceGroup(configuration: groupConfig)
        let task = Task.detached {
            do { try await group.run() } catch { continuation.yield(.failure(error)) }
            continuation.finish()
        }
        var result: Result<Int, any Error> = .failure(HubError.serverEnded)
        for await first in bound {
            result = first
            break
        }
        switch result {
        case .success(let port):
            running.withLock { $0 = (group, task) }
            return port
        case .failure(let error):
            await group.triggerGracefulShutdown()
            await task.value
            throw error
        }
    }

    public func stop() async {
        guard let (group, task) = running.withLock({ value -> (ServiceGroup, Task<Void, Never>)? in
            defer { value = nil }
            return value
        }) else { return }
        publisher.feed.closeAll()
        await group.triggerGracefulShutdown()
        await task.value
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: HubGuard(token: config.token, counters: counters))
        let publisher = self.publisher
        let maxWait = config.maxWait
        router.get("/healthz") { _, _ in
            guard let frame = publisher.current() else {
                return Self.json(.serviceUnavailable, #"{"status":"starting"}"#)
            }
            let age = ContinuousClock.now - frame.builtAt
            let ageMs = age.inMilliseconds
            let body = "{\"status\":\"ok\",\"generated_at_ms\":\(frame.snapshot.generatedAtMs),\"frame_age_ms\":\(ageMs),"
                + "\"health_interval_ms\":\(publisher.healthIntervalMs()),\"coverage\":{\"responding\":\(frame.snapshot.coverage.responding),"
                + "\"total\":\(frame.snapshot.coverage.total)}}"
            return Self.json(.ok, body)
        }
        router.get("/api/v1/snapshot") { _, _ in
            guard let document = publisher.snapshotDocument() else { return Self.json(.serviceUnavailable, #"{"error":"no snapshot yet"}"#) }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(data: document)))
        }
        router.get("/metrics") { _, _ in
            guard let frame = publisher.current() else { return Self.json(.serviceUnavailable, #"{"error":"no snapshot yet"}"#) }
            return Response(status: .ok, headers: [.contentType: HubMetrics.contentType],
                            body: .init(byteBuffer: ByteBuffer(data: frame.metricsText)))
        }
        router.get("/api/v1/events") { request, _ in
            let query = request.uri.queryParameters
            guard let since = Self.number(query.get("since"), default: 0), since >= 0, since == since.rounded() else {
                return Self.json(.badRequest, #"{"error":"since must be a non-negative integer"}"#)
            }
            guard let limit = Self.number(query.get("limit"), default: 500), limit >= 1, limit == limit.rounded() else {
                return Self.json(.badRequest, #"{"error":"limit must be a positive integer"}"#)
            }
            guard let wait = Self.number(query.get("wait"), default: 0), wait >= 0 else {
                return Self.json(.badRequest, #"{"error":"wait must be a non-negative number of seconds"}"#)
            }
            let waitMs = min(Int64(wait * 1000), maxWait.components.seconds * 1000)
            if waitMs > 0 { await publisher.feed.wait(after: Int64(since), timeout: .milliseconds(waitMs)) }
            let page = publisher.feed.page(since: Int64(since), limit: Int(min(limit, 5_000)))
            return Self.eventsResponse(next: page.next, events: page.events)
        }
        return router
    }

    /// A query number: absent gives `default`; present but not a finite number (or absurdly large) gives nil.
    static func number(_ text: String?, default value: Double) -> Double? {
        guard let text else { return value }
        guard text.count <= 20, let parsed = Double(text), parsed.isFinite, abs(parsed) < 1e15 else { return nil }
        return parsed
    }

    static func eventsResponse(next: Int64, events: [FeedEvent]) -> Response {
        struct Page: Encodable {
            let next: Int64
            let events: [FeedEvent]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Page(next: next, events: events))).map(TerminalText.escapingControlsInJSON)
            ?? Data(#"{"next":0,"events":[]}"#.utf8)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

public enum HubError: Error, CustomStringConvertible, Sendable {
    case serverEnded
    public var description: String { "the hub server ended before it listened" }
}

final class HubRequestCounters: Sendable {
    let total = Atomic<Int>(0)
    let unauthorized = Atomic<Int>(0)
}

/// Bearer-token check (constant time) on everything but `/healthz`, and a request counter. The token is never logged
/// or echoed: a failed check answers a fixed body.
struct HubGuard: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: [UInt8]?
    let counters: HubRequestCounters

    init(token: String?, counters: HubRequestCounters) {
        self.token = token.map { Array($0.utf8) }
        self.counters = counters
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        counters.total.add(1, ordering: .relaxed)
        if let token, request.uri.path != "/healthz" {
            let presented = request.headers[.authorization].flatMap(Self.bearer)
            guard let presented, HubToken.constantTimeEqual(presented, token) else {
                counters.unauthorized.add(1, ordering: .relaxed)
                return Response(status: .unauthorized,
                                headers: [.contentType: "application/json; charset=utf-8", .wwwAuthenticate: "Bearer realm=\"lassotop\""],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":"unauthorized"}"#)))
            }
        }
        return try await next(request, context)
    }

    static func bearer(_ header: String) -> [UInt8]? {
        let bytes = Array(header.utf8)
        let prefix = Array("bearer ".utf8)
        guard bytes.count > prefix.count else { return nil }
        for (i, p) in prefix.enumerated() where (bytes[i] | 0x20) != p { return nil }
        return Array(bytes[prefix.count...])
    }
}

public enum HubToken {
    /// Compares every byte of the longer input whatever the contents, so the time taken does not tell how much of a
    /// guess was right.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count) | UInt8(a.count == b.count ? 0 : 1)
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= x ^ y
        }
        return diff == 0
    }

    /// Reads a token file: the first line, trimmed. Refuses an empty token and a file others may read.
    public static func load(path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw HubTokenError("cannot read token file \(path)")
        }
        let token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard token.count >= 16 else { throw HubTokenError("token file \(path): the token must be at least 16 characters") }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let permissions = attributes[.posixPermissions] as? NSNumber, permissions.intValue & 0o077 != 0 {
            throw HubTokenError("token file \(path) is readable by others (chmod 600 it)")
        }
        return token
    }
}

public struct HubTokenError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
