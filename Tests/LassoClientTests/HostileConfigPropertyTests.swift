import LassoCore
import XCTest
@testable import LassoClient

/// Seeded property tests over what the user types or writes into files: node arguments, nodes files and the config
/// file. Every generated input is either accepted or rejected with a message; none traps (NaN to Int, a port out of
/// range, colliding names all once did). `LASSOTOP_PROPERTY_SEED` / `LASSOTOP_PROPERTY_RUNS` change the draw.
final class HostileConfigPropertyTests: XCTestCase {
    private var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["LASSOTOP_PROPERTY_SEED"] ?? "") ?? 0x5EED }
    private var runs: Int { Int(ProcessInfo.processInfo.environment["LASSOTOP_PROPERTY_RUNS"] ?? "") ?? 3_000 }

    private static let pieces = ["http://", "https://", "ftp://", "a=", "=", "u:p@", ":pw@", "@", "127.0.0.1", "[::1]",
                                 "host", ":", "0", "1", "4000", "65535", "65536", "99999", "-1", "/", "/base", "?", "#",
                                 "q=1", "%2F", "..", "\u{1B}[2J", "\u{1B}]0;t\u{07}", "\u{202E}", " ", "\t", "é", "#2"]

    func testNodeArgumentsParseOrFailWithACleanMessage() {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<runs {
            let spec = (0..<Int.random(in: 1...8, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
            do {
                let target = try NodeTarget.parse(spec)
                let components = URLComponents(string: target.url)
                XCTAssertNil(components?.password, "\(spec.debugDescription): no password left in \(target.url)")
                XCTAssertNil(components?.query, spec.debugDescription)
                XCTAssertNil(components?.fragment, spec.debugDescription)
                if let port = components?.port { XCTAssertTrue((1...65_535).contains(port), spec.debugDescription) }
                if spec.contains("://u:p@") { XCTAssertNotNil(target.authorization, spec.debugDescription) }
            } catch {
                XCTAssertFalse(error.message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x202A...0x202E).contains($0.value) },
                               "control or bidi character in \(error.message.debugDescription)")
                if spec.contains("://u:p@") { XCTAssertFalse(error.message.contains("://u:p@"), error.message) }
            }
        }
    }

    func testRenamedNodeNamesAreAlwaysUnique() {
        var random = SeededGenerator(seed: seed)
        let names = ["a", "a#2", "a#3", "a#", "#2", "b", "a#2#2", "a#10"]
        for _ in 0..<runs / 10 {
            let targets = (0..<Int.random(in: 1...12, using: &random)).map { index in
                NodeTarget(name: names.randomElement(using: &random)!, url: "http://127.0.0.1:\(1000 + index)")
            }
            let unique = NodeTarget.uniqued(targets)
            XCTAssertEqual(unique.count, targets.count)
            XCTAssertEqual(Set(unique.map(\.name)).count, unique.count, "\(targets.map(\.name)) → \(unique.map(\.name))")
        }
    }

    func testConfigFilesParseOrFailNamingTheKey() {
        var random = SeededGenerator(seed: seed)
        let keys = ["health_interval", "metrics_interval", "refresh", "timeout", "theme", "default_cluster", "bogus"]
        let values = ["nan", "+inf", "-inf", "1e300", "-1e300", "1e-300", "0", "-1", "2", "0.5", "9223372036854775807",
                      "\"x\"", "[1,2]", "true", "1_000", "0x10", "2.5"]
        let clusterKeys = ["expect", "nodes", "chains", "discover", "headers_file"]
        for _ in 0..<runs / 3 {
            var text = ""
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                text += "\(keys.randomElement(using: &random)!) = \(values.randomElement(using: &random)!)\n"
            }
            if Bool.random(using: &random) {
                text += "[clusters.p]\nnodes = [\"http://127.0.0.1:1\"]\n"
                text += "\(clusterKeys.randomElement(using: &random)!) = \(values.randomElement(using: &random)!)\n"
            }
            do {
                let config = try ConfigFile.parse(text)
                for seconds in [config.healthIntervalSeconds, config.metricsIntervalSeconds, config.refreshSeconds,
                                config.timeoutSeconds] {
                    if let seconds { XCTAssertTrue(seconds.isFinite && seconds > 0, text) }
                }
                if let expect = config.clusters["p"]?.expect { XCTAssertTrue((1...100_000).contains(expect), text) }
            } catch {
                XCTAssertTrue("\(error)".contains("config.toml"), "\(text.debugDescription): \(error)")
            }
        }
    }
}
