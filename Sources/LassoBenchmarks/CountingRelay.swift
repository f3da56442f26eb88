import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A loopback relay in front of one node that forwards every GET and counts it by endpoint, so a test or figure can
/// read exactly how many requests reached the node (`/api/health`, `/api/metrics`, `/api/events`, `/api/chains`).
/// Status and body are passed through; an unreachable upstream answers 502.
public final class CountingRelay: Sendable {
    public let upstream: String
    private let counts = Mutex<[String: Int]>([:])
    private let running = Mutex<(group: ServiceGroup, task: Task<Void, Never>)?>(nil)
    private let client: HTTPClient
    private let boundURL = Mutex<String?>(nil)

    public init(upstream: String) {
        self.upstream = upstream
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(1), read: .seconds(10)))
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The relay's own base URL (after `start`).
    public var url: String { boundURL.withLock { $0 } ?? "" }

    /// Requests seen per endpoint family.
    public var snapshot: [String: Int] { counts.withLock { $0 } }

    public func count(_ family: String) -> Int { counts.withLock { $0[family] ?? 0 } }

    /// "/api/metrics/ethereum?x" → "/api/metrics"; other paths keep their first two components.
    static func family(_ path: Substring) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).prefix(2)
        return "/" + parts.joined(separator: "/")
    }

    public func start() async throws {
        let quiet = Logger(label: "lassotop.relay", factory: { _ in SwiftLogNoOpLogHandler() })
        let router = Router()
        let client = self.client
        let upstream = self.upstream
        router.get("**") { request, _ -> Response in
            self.counts.withLock { $0[Self.family(request.uri.path[...]), default: 0] += 1 }
            let target = upstream + request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            do {
                let reply = try await client.execute(HTTPClientRequest(url: target), timeout: .seconds(10))
                let body = try await reply.body.collect(upTo: 64 << 20)
                var headers = HTTPFields()
                if let type = reply.headers.first(name: "content-type") { headers[.contentType] = type }
                return Response(status: .init(code: Int(reply.status.code)), headers: headers, body: .init(byteBuffer: body))
            } catch {
                return Response(status: .badGateway)
            }
        }
        let (bound, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
                              logger: quiet)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: quiet))
        let task = Task.detached {
            try? await group.run()
            continuation.finish()
        }
        var port = 0
        for await value in bound {
            port = value
            break
        }
        running.withLock { $0 = (group, task) }
        guard port > 0 else {
            await stop()
            throw CountingRelayError()
        }
        boundURL.withLock { $0 = "http://127.0.0.1:\(port)" }
    }

    public func stop() async {
        if let (group, task) = running.withLock({ value -> (ServiceGroup, Task<Void, Never>)? in
            defer { value = nil }
            return value
        }) {
            await group.triggerGracefulShutdown()
            await task.value
        }
        try? await client.shutdown()
    }
}

public struct CountingRelayError: Error, CustomStringConvertible {
    public var description: String { "the counting relay did not start" }
}
