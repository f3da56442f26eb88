import Foundation
import HTTPTypes
import Hummingbird
import LassoCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The HTTP face of one demo node: Lasso's three monitoring endpoints, the events endpoint v1 and the demo control
/// endpoint. Faults apply to `/api/*` only, so a faulty node can always be repaired through `/_demo/fault`.
enum NodeServer {
    static let maxEventsLimit = 5_000
    static let defaultEventsLimit = 500

    /// swift-log's default handler writes to stderr, which would corrupt the TUI's screen; the demo stays silent.
    static let quietLogger = Logger(label: "lassotop.demo", factory: { _ in SwiftLogNoOpLogHandler() })

    static func makeRouter(node: DemoNode, cluster: DemoCluster) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LassoEnvelope())
        router.get("/api/health") { _, _ in
            if let delay = node.healthOverride.delay {
                // Like Lasso waiting on its topology call; cancelled when the server stops.
                try? await Task.sleep(for: delay)
            }
            return await faulted(node: node, cluster: cluster) { cluster.healthBody(for: node) }
        }
        router.get("/api/chains") { _, _ in
            await faulted(node: node, cluster: cluster) { (.ok, DemoEncoding.chains()) }
        }
        router.get("/api/metrics/:chain") { _, context in
            let requested = context.parameters.get("chain") ?? ""
            return await faulted(node: node, cluster: cluster) { cluster.metricsBody(for: node, chain: requested) }
        }
        router.get("/api/events") { request, _ in
            let query = request.uri.queryParameters
            let since = query.get("since")
            let limit = query.get("limit")
            return await faulted(node: node, cluster: cluster) { cluster.eventsBody(for: node, since: since, limit: limit) }
        }
        router.get("/_demo/fault") { _, _ in
            json(.ok, "{\"node_id\":\(JSONText.string(node.id)),\"mode\":\"\(node.fault.rawValue)\"}")
        }
        router.post("/_demo/fault") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 16_384)
            return cluster.handleFaultRequest(from: node, body: Data(buffer: body))
        }
        router.post("/_demo/health") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 16_384)
            return cluster.handleHealthRequest(from: node, body: Data(buffer: body))
        }
        return router
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Produces the reply an API route would give, bent by the node's current fault.
    static func faulted(node: DemoNode, cluster: DemoCluster,
                        _ body: @Sendable () -> (HTTPResponse.Status, String)) async -> Response {
        var fault = node.fault
        if fault == .slow {
            // Cut short when the server shuts down (down, stop()) and answered 503 at once, so a stop never waits out
            // the delay.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: cluster.config.slowDelay) }
            if Task.isShuttingDownGracefully {
                return json(.serviceUnavailable, DemoEncoding.error("node shutting down"))
            }
            fault = node.fault == .slow ? .ok : node.fault
        }
        switch fault {
        case .garbage:
            let (_, text) = body()
            let bytes = Array(text.utf8)
            // Cut mid-document: never valid JSON, and still a 200 like a proxy that dropped the connection.
            return json(.ok, String(decoding: bytes.prefix(max(1, bytes.count / 2)), as: UTF8.self))
        case .error500:
            return html(.internalServerError, """
                <!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>\
                <body><h1>Internal Server Error</h1><p>demo node \(node.id) (fault error500)</p></body></html>
                """)
        default:
            let (status, text) = body()
            return json(status, text)
        }
    }
}

/// What Phoenix adds around every reply: an `x-request-id` header (Plug.RequestId, ~20 URL-safe characters), and a
/// JSON 404 for unmatched paths where Hummingbird's default has an empty body.
struct LassoEnvelope: RouterMiddleware {
    typealias Context = BasicRequestContext
    static let requestIDHeader = HTTPField.Name("x-request-id")!
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            response = NodeServer.json(.notFound, DemoEncoding.notFound)
        }
        response.headers[Self.requestIDHeader] = Self.requestID()
        return response
    }

    /// Seeded once from the system: `SystemRandomNumberGenerator` costs a `getrandom` call per draw, 20 per reply.
    private static let ids = Mutex(SplitMix64(seed: UInt64.random(in: .min ... .max)))

    /// 20 characters of the URL-safe alphabet, 6 bits each from two 64-bit draws.
    static func requestID() -> String {
        let (a, b) = ids.withLock { ($0.next(), $0.next()) }
        var scalars = String.UnicodeScalarView()
        for index in 0..<20 {
            let bits = index < 10 ? a >> (UInt64(index) * 6) : b >> (UInt64(index - 10) * 6)
            scalars.append(Self.alphabetScalars[Int(bits & 63)])
        }
        return String(scalars)
    }

    private static let alphabetScalars = alphabet.map { $0.unicodeScalars.first! }
}
