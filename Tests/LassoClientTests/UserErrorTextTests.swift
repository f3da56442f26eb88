import Foundation
import XCTest
@testable import LassoClient

/// Poll errors read as reasons, not Swift type names (Sources/LassoClient/HTTP/NodeHTTPClient.swift).
final class UserErrorTextTests: XCTestCase {
    struct Described: Error, CustomStringConvertible {
        var description: String
    }

    func testTypeNamesAreDropped() {
        XCTAssertEqual(NodeHTTPClient.userText("SocketAddressError.UnknownHost: Name or service not known"), "Name or service not known")
        XCTAssertEqual(NodeHTTPClient.userText("NIOConnectionError(host: x): no route"), "no route")
        XCTAssertEqual(NodeHTTPClient.userText("connection to 10.0.0.1 failed"), "connection to 10.0.0.1 failed")
        XCTAssertEqual(NodeHTTPClient.userText("ChannelError.ioOnClosedChannel"), "connection failed")
    }

    func testUnknownHostSaysDNS() {
        let options = HTTPOptions()
        let failure = NodeHTTPClient.classify(Described(description: "SocketAddressError.UnknownHost(name: \"x.invalid\", port: 80)"),
                                              options: options)
        XCTAssertFalse("\(failure)".contains("SocketAddressError"), "\(failure)")
        XCTAssertTrue("\(failure)".contains("host name not found (DNS)"), "\(failure)")
    }
}
