import Foundation
import LassoCore
import XCTest
@testable import LassoClient
#if canImport(Glibc)
import Glibc
#endif

/// A refused connection is reported as refused, with the time it really took, not after the connect timeout.
final class RefusedIsInstantTests: XCTestCase {
    /// A port on 127.0.0.1 with nothing listening: bound once to learn a free number, then closed.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func testRefusedIsReportedAtOnceWithItsRealTime() async throws {
        let http = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(4)))
        let port = try Self.closedPort()
        for _ in 0..<3 {
            let started = ContinuousClock.now
            let result = await http.get("http://127.0.0.1:\(port)/api/health")
            let wall = ContinuousClock.now - started
            guard case .failed(let failure, let latencyMs) = result else { return XCTFail("\(result)") }
            XCTAssertEqual(failure, .refused("connection refused"))
            // The connect timeout here is 1 s (half of the 4 s deadline, capped): refused must come well before it.
            XCTAssertLessThan(latencyMs, 500, "poll time \(latencyMs) ms")
            XCTAssertLessThan(wall, .milliseconds(500))
        }
        try await http.shutdown()
    }
}
