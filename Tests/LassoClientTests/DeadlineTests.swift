import Foundation
import XCTest
@testable import LassoClient

/// `NodeHTTPClient.withDeadline` (a poll's whole request, body included, bounded by `--timeout`), timed by the shared
/// sleep timer: a value in time comes back, an operation past its deadline is cancelled and reported as the deadline,
/// an operation's own error stays its own, and cancelling the caller cancels the operation.
final class DeadlineTests: XCTestCase {
    struct Boom: Error {}

    func testAValueInTimeComesBack() async throws {
        let value = try await NodeHTTPClient.withDeadline(.seconds(5)) { 42 }
        XCTAssertEqual(value, 42)
    }

    func testAnOperationPastItsDeadlineIsCancelledAndReportedAsTheDeadline() async {
        let start = ContinuousClock.now
        let sawCancel = RaisedFlag()
        do {
            _ = try await NodeHTTPClient.withDeadline(.milliseconds(100)) { () async throws -> Int in
                do { try await Task.sleep(for: .seconds(60)) } catch {
                    sawCancel.raise()
                    throw error
                }
                return 1
            }
            XCTFail("no deadline")
        } catch {
            XCTAssertTrue(error is NodeHTTPClient.DeadlineExceeded, "\(error)")
        }
        XCTAssertTrue(sawCancel.take(), "the operation was not cancelled")
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(100 - Int(SleepTimer.coalesceMs)))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(30))
    }

    func testTheOperationsOwnErrorStaysItsOwn() async {
        do {
            _ = try await NodeHTTPClient.withDeadline(.seconds(5)) { () async throws -> Int in throw Boom() }
            XCTFail("no error")
        } catch {
            XCTAssertTrue(error is Boom, "\(error)")
        }
    }

    func testCancellingTheCallerCancelsTheOperation() async {
        let sawCancel = RaisedFlag()
        let caller = Task {
            try await NodeHTTPClient.withDeadline(.seconds(60)) { () async throws -> Int in
                do { try await Task.sleep(for: .seconds(60)) } catch {
                    sawCancel.raise()
                    throw error
                }
                return 1
            }
        }
        caller.cancel()
        let start = ContinuousClock.now
        let result = await caller.result
        XCTAssertThrowsError(try result.get())
        XCTAssertTrue(sawCancel.take())
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(30))
    }
}
