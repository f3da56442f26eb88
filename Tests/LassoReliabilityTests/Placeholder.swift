import XCTest

/// Placeholder until the reliability suite lands.
final class ReliabilityPlaceholderTests: XCTestCase {
    func testSuiteTargetBuilds() { XCTAssertTrue(true) }
}
