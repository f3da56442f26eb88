import AsyncHTTPClient
import Foundation
import NIOCore
import XCTest

/// A raw HTTP reply, for checks the typed client would hide (status, content type, exact bytes).
struct RawReply {
    var status: Int
    var contentType: String
    var requestID: String?
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Thin AsyncHTTPClient wrapper for the demo tests. One per test; `shutdown()` in tearDown.
final class TestHTTP: Sendable {
    let client: HTTPClient

    init(timeout: TimeAmount = .seconds(5)) {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(1), read: timeout))
        configuration.httpVersion = .http1Only
        // A fresh connection per request: a node closed by a fault must be seen as closed, not through a pooled socket.
        configuration.connectionPool = .init(idleTimeout: .milliseconds(1), concurrentHTTP1ConnectionsPerHostSoftLimit: 8)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async { try? await client.shutdown() }

    func get(_ url: String, timeout: TimeAmount = .seconds(5)) async throws -> RawReply {
        try await send(HTTPClientRequest(url: url), timeout: timeout)
    }

    func post(_ url: String, json: String) async throws -> RawReply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        return try await send(request, timeout: .seconds(5))
    }

    private func send(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> RawReply {
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 32 << 20)
        return RawReply(status: Int(response.status.code), contentType: response.headers.first(name: "content-type") ?? "",
                        requestID: response.headers.first(name: "x-request-id"), body: Data(buffer: body))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a TCP connect to 127.0.0.1:`port` is refused right now (ECONNREFUSED), checked with a plain socket so no
/// client retry or pool hides the answer.
func connectionRefused(port: Int) -> Bool {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return result != 0 && errno == ECONNREFUSED
}
