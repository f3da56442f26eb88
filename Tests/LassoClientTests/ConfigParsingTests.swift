import XCTest
@testable import LassoClient

final class ConfigParsingTests: XCTestCase {
    func testNodeTargetForms() throws {
        XCTAssertEqual(try NodeTarget.parse("iad=http://10.0.0.1:4000/"), NodeTarget(name: "iad", url: "http://10.0.0.1:4000"))
        XCTAssertEqual(try NodeTarget.parse("http://127.0.0.1:4000"), NodeTarget(name: "127.0.0.1:4000", url: "http://127.0.0.1:4000"))
        XCTAssertEqual(try NodeTarget.parse("https://lasso.example.com").name, "lasso.example.com:443")
        XCTAssertEqual(try NodeTarget.parse("http://[::1]:4000").name, "[::1]:4000")
        XCTAssertThrowsError(try NodeTarget.parse("ftp://x"))
        XCTAssertThrowsError(try NodeTarget.parse("=http://x:1"))
        XCTAssertThrowsError(try NodeTarget.parse("localhost:4000"))
    }

    func testNodesFileNamesTheBadLine() throws {
        let good = try NodeTarget.parseFile(contents: "# prod\niad=http://a:1\n\n  http://b:2  # second\n")
        XCTAssertEqual(good.map(\.name), ["iad", "b:2"])
        XCTAssertThrowsError(try NodeTarget.parseFile(contents: "iad=http://a:1\nnot a url\n", path: "nodes.txt")) { error in
            XCTAssertTrue("\(error)".hasPrefix("nodes.txt:2:"), "\(error)")
        }
    }

    func testUniquedNames() {
        let targets = NodeTarget.uniqued([NodeTarget(name: "a", url: "http://1"), NodeTarget(name: "a", url: "http://2"),
                                          NodeTarget(name: "b", url: "http://1")])
        XCTAssertEqual(targets.map(\.name), ["a", "a#2"])
    }

    func testHeadersFromAllSourcesAndRedaction() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lassotop-headers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("headers").path
        try "# token\nX-From-File: f\n".write(toFile: file, atomically: true, encoding: .utf8)
        let headers = try HeaderSource.collect(arguments: ["Authorization: Bearer secret"],
                                               environment: ["LASSOTOP_HEADERS": "X-Env: e; X-Env2: e2"], file: file)
        XCTAssertEqual(headers.map(\.name), ["Authorization", "X-Env", "X-Env2", "X-From-File"])
        XCTAssertEqual(headers[0].value, "Bearer secret")
        XCTAssertThrowsError(try HeaderSource.parse("Authorization Bearer secret")) { error in
            XCTAssertFalse("\(error)".contains("secret"), "a header value must never appear in an error")
        }
        XCTAssertEqual(HeaderSource.redacted("Authorization: Bearer secret"), "Authorization: <redacted>")
    }

    func testDiscoverySpec() throws {
        let spec = try DiscoverySpec.parse("lasso.internal:4000")
        XCTAssertEqual(spec, DiscoverySpec(host: "lasso.internal", port: 4000))
        XCTAssertEqual(spec.targets(for: ["10.0.0.2", "fd00::1"]).map(\.url), ["http://10.0.0.2:4000", "http://[fd00::1]:4000"])
        XCTAssertThrowsError(try DiscoverySpec.parse("nohost"))
        XCTAssertThrowsError(try DiscoverySpec.parse(":4000"))
    }

    func testRealLookupOfLocalhost() async throws {
        let addresses = try await SystemResolver().resolve(host: "localhost")
        XCTAssertTrue(addresses.contains("127.0.0.1") || addresses.contains("::1"), "\(addresses)")
        do {
            _ = try await SystemResolver().resolve(host: "no-such-host.invalid")
            XCTFail("expected a lookup error")
        } catch {}
    }

    func testConfigFile() throws {
        let config = try ConfigFile.parse("""
        theme = "light"
        default_cluster = "prod"
        health_interval = 3
        refresh = 1.5
        [clusters.prod]
        nodes = ["iad=https://iad.example.com", "fra=https://fra.example.com"]
        expect = 3
        chains = ["ethereum"]
        [alerts]
        "coverage.for_seconds" = 60
        """)
        XCTAssertEqual(config.theme, "light")
        XCTAssertEqual(config.healthIntervalSeconds, 3)
        XCTAssertEqual(config.refreshSeconds, 1.5)
        XCTAssertThrowsError(try ConfigFile.parse("refresh = 0.5\n", path: "c.toml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("c.toml:1:") && "\(error)".contains("refresh"), "\(error)")
        }
        XCTAssertEqual(config.clusters["prod"]?.nodes.count, 2)
        XCTAssertEqual(config.clusters["prod"]?.expect, 3)
        XCTAssertEqual(config.alertOverrides["coverage.for_seconds"], 60)
        XCTAssertThrowsError(try ConfigFile.parse("theme = \n", path: "c.toml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("c.toml:1:"), "\(error)")
        }
        XCTAssertThrowsError(try ConfigFile.parse("colour = \"red\"\n")) { error in
            XCTAssertTrue("\(error)".contains("unknown key 'colour'"))
        }
        XCTAssertEqual(try ConfigFile.load(path: "/nonexistent/lassotop.toml"), ConfigFile())
    }
}
