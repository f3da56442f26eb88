import Foundation
import LassoCore
import LassoTestSupport
import XCTest
@testable import LassoClient

/// A `--discover` name that does not resolve is in the snapshot (and so on screen), with the resolver's reason.
final class DiscoveryErrorTests: XCTestCase {
    func testRealLookupOfAnInvalidNameIsReported() async throws {
        let monitor = try ClusterMonitor(config: MonitorConfig(discovery: DiscoverySpec(host: "no-such-host.invalid", port: 4000),
                                                               http: HTTPOptions(timeout: .seconds(1))))
        let snapshot = await monitor.collectOnce()
        await monitor.stop()
        XCTAssertEqual(snapshot.nodes.count, 0)
        let error = try XCTUnwrap(snapshot.discoveryError)
        XCTAssertTrue(error.hasPrefix("--discover no-such-host.invalid: cannot resolve"), error)
    }

    func testTheErrorClearsWhenTheNameResolves() async throws {
        struct FlakyResolver: AddressResolver {
            let fail: Locked<Bool>
            struct Failure: Error, CustomStringConvertible { var description = "cannot resolve lasso.internal: try again" }
            func resolve(host: String) async throws -> [String] {
                if fail.withLock({ $0 }) { throw Failure() }
                return ["127.0.0.1"]
            }
        }
        let fail = Locked(true)
        var config = MonitorConfig(discovery: DiscoverySpec(host: "lasso.internal", port: 9), healthIntervalMs: 300,
                                   http: HTTPOptions(timeout: .milliseconds(300)))
        config.expected = nil
        let monitor = try ClusterMonitor(config: config, resolver: FlakyResolver(fail: fail))
        await monitor.start()
        defer { Task { await monitor.stop() } }
        let failing = try await waitFor(monitor, "discovery error published") { $0.discoveryError != nil }
        XCTAssertEqual(failing.discoveryError, "--discover lasso.internal: cannot resolve lasso.internal: try again")
        fail.withLock { $0 = false }
        _ = try await waitFor(monitor, "error cleared once the name resolves") { $0.discoveryError == nil && $0.nodes.count == 1 }
    }
}
