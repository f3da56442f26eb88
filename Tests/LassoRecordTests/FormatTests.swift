import Foundation
import LassoCore
@testable import LassoRecord
import XCTest

/// The tree codec, the deltas and the file format on generated snapshots (no network).
final class FormatTests: XCTestCase {
    func testTreeRoundTripsExactBytes() throws {
        let text = #"{"a":[1,-2.5e-3,0.30000000000000004,"x\"\\\u0001é😀"],"b":{"c":null,"d":true,"e":false},"f":123456789012345678}"#
        let tree = try JSONTree.parse(Array(text.utf8))
        XCTAssertEqual(try JSONTree.parse(tree.serialized()), tree)
        XCTAssertEqual(tree.objectValue?["f"], .number("123456789012345678"))
        XCTAssertEqual(try JSONTree.parse(Array(#""\ud83d\ude00""#.utf8)), .string("😀"))
    }

    func testParserRejectsBadInputWithoutTrapping() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "\"\\ud800\"", "01x", "-", "1.", "[" + String(repeating: "[", count: 200),
                    "\"\u{01}\"", "tru", "{\"a\":1}}", "\"\\q\""] {
            XCTAssertThrowsError(try JSONTree.parse(Array(bad.utf8)), bad)
        }
        XCTAssertThrowsError(try JSONTree.parse([0x22, 0xFF, 0xFE, 0x22]))   // invalid UTF-8
    }

    /// Random arrays and objects: applying diff(a, b) to a always gives b.
    func testDeltaAppliesToTheTarget() throws {
        var random = SeededGenerator(seed: 7)
        func value(_ depth: Int) -> JSONTree {
            switch Int.random(in: 0..<(depth > 2 ? 3 : 6), using: &random) {
            case 0: return .number(String(Int.random(in: 0..<5, using: &random)))
            case 1: return .string(["a", "b", "c"][Int.random(in: 0..<3, using: &random)])
            case 2: return .null
            case 3, 4: return .array((0..<Int.random(in: 0..<12, using: &random)).map { _ in value(depth + 1) })
            default:
                var members: [String: JSONTree] = [:]
                for _ in 0..<Int.random(in: 0..<5, using: &random) { members[["x", "y", "z", "w"][Int.random(in: 0..<4, using: &random)]] = value(depth + 1) }
                return .object(members)
            }
        }
        func mutate(_ tree: JSONTree) -> JSONTree {
            switch tree {
            case .array(var items):
                for _ in 0..<Int.random(in: 0..<4, using: &random) {
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0 where !items.isEmpty: items.remove(at: Int.random(in: 0..<items.count, using: &random))
                    case 1: items.insert(value(2), at: Int.random(in: 0...items.count, using: &random))
                    case 2 where !items.isEmpty:
                        let i = Int.random(in: 0..<items.count, using: &random)
                        items[i] = mutate(items[i])
                    default: items.append(value(2))
                    }
                }
                return .array(items)
            case .object(var members):
                if let key = members.keys.sorted().first { members[key] = mutate(members[key]!) }
                if Bool.random(using: &random) { members["new"] = value(2) }
                if Bool.random(using: &random), let key = members.keys.sorted().last { members[key] = nil }
                return .object(members)
            default:
                return value(1)
            }
        }
        for round in 0..<6_000 {
            let a = value(0)
            let b = Bool.random(using: &random) ? mutate(a) : value(0)
            var applied = a
            // Both forms: replacements wrapped as {"v": X} (formats 1 and 2) and bare (format 3).
            if let delta = TreeDelta.diff(a, b, bare: round % 2 == 1) {
                // The delta survives serialization (it is stored as JSON).
                try TreeDelta.apply(try JSONTree.parse(delta.serialized()), to: &applied)
            }
            XCTAssertEqual(applied, b)
        }
    }

    /// The feed's usual change — oldest dropped, newest appended, one late event inserted — is a short edit script.
    func testFeedShiftIsSmall() throws {
        let old = (0..<1_000).map { JSONTree.object(["ts": .int(Int64($0)), "id": .string("r\($0)")]) }
        var new = Array(old.dropFirst(20)) + (1_000..<1_020).map { JSONTree.object(["ts": .int(Int64($0)), "id": .string("r\($0)")]) }
        new.insert(.object(["ts": .int(990), "id": .string("late")]), at: 965)
        let delta = try XCTUnwrap(TreeDelta.diff(.array(old), .array(new)))
        XCTAssertLessThan(delta.serialized().count, 1_200)
        var applied = JSONTree.array(old)
        try TreeDelta.apply(delta, to: &applied)
        XCTAssertEqual(applied, .array(new))
    }

    /// `--discover`'s error is part of what a recording keeps (an optional key, absent when there is none).
    func testDiscoveryErrorIsRecorded() throws {
        let path = temporaryPath()
        defer { unlink(path) }
        let writer = try RecordWriter(path: path, header: Self.header(start: 1_000_000))
        var generator = SyntheticCluster(nodes: 2, seed: 5)
        var failing = generator.next(atMs: 1_000_000)
        failing.discoveryError = "--discover lasso.internal: no such host"
        let resolved = generator.next(atMs: 1_001_000)
        try writer.append(failing)
        try writer.append(resolved)
        try writer.close()
        let reader = try RecordReader.open(path: path)
        XCTAssertEqual(try reader.snapshot(at: 1_000_000), failing)
        XCTAssertEqual(try reader.snapshot(at: 1_001_000), resolved)
        XCTAssertNil(try reader.snapshot(at: 1_001_000).discoveryError)
    }

    func testWriterReaderRoundTripAndSeek() throws {
        let path = temporaryPath()
        defer { unlink(path) }
        let writer = try RecordWriter(path: path, header: Self.header(start: 1_000_000),
                                      options: RecordWriterOptions(keyframeIntervalMs: 5_000, flushIntervalMs: 1_000))
        var written: [ClusterSnapshot] = []
        var generator = SyntheticCluster(nodes: 4, seed: 3)
        for step in 0..<120 {
            let snapshot = generator.next(atMs: 1_000_000 + Int64(step) * 250)
            try writer.append(snapshot)
            written.append(snapshot)
        }
        try writer.close()
        let reader = try RecordReader.open(path: path)
        XCTAssertNil(reader.tailProblem)
        XCTAssertEqual(reader.version, 3)
        XCTAssertEqual(reader.header, Self.header(start: 1_000_000))
        XCTAssertEqual(reader.firstMs, written.first?.generatedAtMs)
        XCTAssertEqual(reader.lastMs, written.last?.generatedAtMs)
        XCTAssertGreaterThanOrEqual(reader.blockCount, 5)
        XCTAssertEqual(try reader.allRecordTimes(), written.map(\.generatedAtMs))
        for snapshot in written {
            XCTAssertEqual(try reader.snapshot(at: snapshot.generatedAtMs), snapshot)
            XCTAssertEqual(try reader.snapshot(at: snapshot.generatedAtMs + 100), snapshot)   // between records
        }
        XCTAssertThrowsError(try reader.snapshot(at: 999_999)) { error in
            guard case RecordError.outOfRange = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try RecordWriter(path: path, header: Self.header(start: 0)))   // never overwritten
    }

    /// Version-2 records: any tree survives the binary form exactly (numbers keep their text, tokens their case),
    /// through one encoder and one decoder as a block uses them (string table and integer bases carried over).
    func testBinaryRecordsRoundTrip() throws {
        var random = SeededGenerator(seed: 12)
        func token(_ alphabet: String, _ length: Int) -> String {
            let characters = Array(alphabet)
            return String((0..<length).map { _ in characters[Int.random(in: 0..<characters.count, using: &random)] })
        }
        func number() -> JSONTree {
            switch Int.random(in: 0..<8, using: &random) {
            case 0: return .int(Int64.random(in: -1_000...1_000, using: &random))
            case 1: return .int([Int64.max, Int64.min, Int64.min + 1, 0, 999_999_999_999_999_999][Int.random(in: 0..<5, using: &random)])
            case 2: return .number(["-0", "1e5", "-0.0", "2.5E-3", "0.30000000000000004", "1234567890123456789012"][Int.random(in: 0..<6, using: &random)])
            case 3: return .number(String(Double.random(in: -1e6...1e6, using: &random)))
            case 4: return .number(String(Double(Int.random(in: -5_000...5_000, using: &random)) / Double(Int.random(in: 1...3_000, using: &random))))
            case 5: return .number(["46.62", "-0.5", "0.05", "0.50", "1.000", "-12.345678", "0.0", "100.25", "1e-05", "5e-324",
                                    "1.7976931348623157e+308", "0.1", "0.30000000000000004", "70.33333333333333"][Int.random(in: 0..<14, using: &random)])
            default: return .int(1_796_000_000_000 + Int64.random(in: 0...5_000, using: &random))
            }
        }
        func string() -> String {
            switch Int.random(in: 0..<9, using: &random) {
            case 0: return token("0123456789abcdef", 2 * Int.random(in: 4...20, using: &random))   // hex id
            case 1: return token("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4 * Int.random(in: 3...8, using: &random))
            case 2: return token("0123456789ABCDEF", 32)   // uppercase hex: not a lowercase token
            case 3: return token("0123456789abcdef", 31)   // odd length
            case 4: return token("ab=+/é😀\u{1B}\"", Int.random(in: 0...80, using: &random))
            case 5: return ""
            default: return ["ethereum", "eth_call", "iad-1", "routing", "success", "v", "o", "ts"][Int.random(in: 0..<8, using: &random)]
            }
        }
        func value(_ depth: Int) -> JSONTree {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 8), using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2, 3: return number()
            case 4: return .string(string())
            case 5: return .array((0..<Int.random(in: 0..<6, using: &random)).map { _ in value(depth + 1) })
            default:
                var members: [String: JSONTree] = [:]
                for _ in 0..<Int.random(in: 0..<6, using: &random) { members[string()] = value(depth + 1) }
                return .object(members)
            }
        }
        for round in 0..<80 {
            let version: UInt8 = round % 2 == 0 ? 3 : 2
            var encoder = BinaryTree.Encoder(version: version)
            let trees = (0..<25).map { _ in value(0) }
            var bytes: [UInt8] = []
            for tree in trees { encoder.encode(tree, into: &bytes) }
            var decoder = BinaryTree.Decoder(version: version)
            decoder.side = encoder.side
            XCTAssertEqual(encoder.side.isEmpty, version == 2)
            var decoded: [JSONTree] = []
            try bytes.withUnsafeBufferPointer { buffer in
                var index = 0
                while index < buffer.count { decoded.append(try decoder.decode(buffer, at: &index)) }
            }
            XCTAssertEqual(decoder.sideIndex, decoder.side.count)
            XCTAssertEqual(decoded, trees)
            XCTAssertEqual(decoded.map { $0.serialized() }, trees.map { $0.serialized() })
        }
        // Tokens are stored as raw bytes: a 32-digit hex id costs 16 bytes and a tag, not 32.
        var encoder = BinaryTree.Encoder()
        var bytes: [UInt8] = []
        encoder.encode(.string("ff38714b968d620c6c321f4c834695e5"), into: &bytes)
        XCTAssertEqual(bytes.count, 18)
    }

    /// Version 3: tokens go to the chunk's token section, names that only look like base64 are interned, and
    /// computed figures cost a ratio or a decimal instead of their text — each giving back the same text.
    func testVersion3TokensNamesAndNumbers() throws {
        var encoder = BinaryTree.Encoder(version: 3)
        var bytes: [UInt8] = []
        encoder.encode(.string("ff38714b968d620c6c321f4c834695e5"), into: &bytes)
        XCTAssertEqual(bytes.count, 2)
        XCTAssertEqual(encoder.side.count, 16)
        bytes = []
        encoder.encode(.array([.string("ethereum_alchemy"), .string("ethereum_alchemy")]), into: &bytes)
        XCTAssertEqual(bytes.count, 2 + 2 + 16 + 2, "interned once, then a reference")
        for (text, size) in [("70.33333333333333", 5), ("46.62", 4), ("0.13329778725673153", 6), ("-0.5", 3)] {
            bytes = []
            encoder.encode(.number(text), into: &bytes)
            XCTAssertEqual(bytes.count, size, text)
        }
        // Every Double that a weighted average or a rate can print comes back as the same text, whichever form
        // the encoder picked.
        var random = SeededGenerator(seed: 31)
        var texts: [String] = []
        for _ in 0..<3_000 {
            let calls = (0..<Int.random(in: 1...6, using: &random)).map { _ in (Double(Int.random(in: 1...400, using: &random)) / 100, Int.random(in: 1...90, using: &random)) }
            texts.append(String(Aggregation.weightedAverage(calls.map { (value: $0.0, calls: $0.1) })))
            texts.append(String(Double(Int.random(in: 0...50, using: &random)) / (Double(Int.random(in: 14_000...16_000, using: &random)) / 1000)))
            texts.append(String(Double.random(in: -1e9...1e9, using: &random)))
            texts.append(String(format: "%.\(Int.random(in: 1...6, using: &random))f", Double.random(in: -100...100, using: &random)))
        }
        var compact = 0
        for text in texts {
            var out: [UInt8] = []
            if BinaryTree.appendCompactNumber(text, to: &out) { compact += 1 }
            var encoder = BinaryTree.Encoder(version: 3)
            var record: [UInt8] = []
            encoder.encode(.number(text), into: &record)
            var decoder = BinaryTree.Decoder(version: 3)
            let decoded = try record.withUnsafeBufferPointer { buffer in
                var index = 0
                return try decoder.decode(buffer, at: &index)
            }
            XCTAssertEqual(decoded, .number(text))
        }
        XCTAssertGreaterThan(compact, texts.count / 2)
        // A hostile ratio or decimal throws, never traps.
        for hostile: [UInt8] in [[13, 2, 0, 0], [13, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 1, 0], [13, 2, 1, 9],
                                 [14, 2, 0], [14, 2, 19], [14, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 3], [14, 2],
                                 [5, 16], [6, 15]] {
            var decoder = BinaryTree.Decoder(version: 3)
            XCTAssertThrowsError(try hostile.withUnsafeBufferPointer { buffer in
                var index = 0
                return try decoder.decode(buffer, at: &index)
            }, "\(hostile)")
            var old = BinaryTree.Decoder(version: 2)
            XCTAssertThrowsError(try [hostile[0], 1].withUnsafeBufferPointer { buffer in
                var index = 0
                return try old.decode(buffer, at: &index)
            })
        }
    }

    /// Files written before the binary format (version 1: JSON lines, deflate) still replay; unknown versions are
    /// refused with a clear message.
    func testVersion1FilesStillReadAndUnknownVersionsAreRefused() throws {
        let path = temporaryPath("v1")
        defer { unlink(path) }
        try writeAndReadBack(version: 1, seed: 5, path: path)

        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[8] = 9
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try RecordReader.open(path: path)) { error in
            XCTAssertEqual(error as? RecordError, .unsupportedVersion(9))
            XCTAssertEqual("\(error)", "recording format version 9 is not supported (this lassotop reads versions 1–3)")
        }
    }

    /// Files written in version 2 (binary records with tokens inline) still replay, snapshot for snapshot.
    func testVersion2FilesStillRead() throws {
        let path = temporaryPath("v2")
        defer { unlink(path) }
        try writeAndReadBack(version: 2, seed: 6, path: path)
    }

    /// Writes 60 synthetic snapshots in format `version` to `path`, then checks the file reads as that version and
    /// replays every one of them field for field.
    func writeAndReadBack(version: UInt8, seed: UInt64, path: String) throws {
        var options = RecordWriterOptions(keyframeIntervalMs: 5_000, flushIntervalMs: 1_000)
        options.formatVersion = version
        let writer = try RecordWriter(path: path, header: Self.header(start: 1_000_000), options: options)
        var generator = SyntheticCluster(nodes: 3, seed: seed)
        var written: [ClusterSnapshot] = []
        for step in 0..<60 {
            let snapshot = generator.next(atMs: 1_000_000 + Int64(step) * 250)
            try writer.append(snapshot)
            written.append(snapshot)
        }
        try writer.close()
        let reader = try RecordReader.open(path: path)
        XCTAssertEqual(reader.version, version)
        XCTAssertEqual(reader.header.format, "lassotop.record/\(version)")
        XCTAssertEqual(try reader.allRecordTimes(), written.map(\.generatedAtMs))
        for snapshot in written { XCTAssertEqual(try reader.snapshot(at: snapshot.generatedAtMs), snapshot) }
    }

    func testMoments() throws {
        XCTAssertEqual(try ReplayMoment.parse("+90"), .offset(ms: 90_000))
        XCTAssertEqual(try ReplayMoment.parse("+1.5"), .offset(ms: 1_500))
        XCTAssertEqual(try ReplayMoment.parse("end"), .end)
        XCTAssertEqual(try ReplayMoment.parse("10:42"), .timeOfDay(seconds: 38_520))
        XCTAssertEqual(try ReplayMoment.parse("10:42:05"), .timeOfDay(seconds: 38_525))
        XCTAssertEqual(try ReplayMoment.parse("2026-11-30T10:42:00Z"), .absolute(ms: 1_796_035_320_000))
        XCTAssertEqual(try ReplayMoment.parse("2026-11-30T11:42:00.250+01:00"), .absolute(ms: 1_796_035_320_250))
        for bad in ["", "+", "+-1", "25:00", "10:61", "1:2", "yesterday", "+nan"] {
            XCTAssertThrowsError(try ReplayMoment.parse(bad), bad)
        }
        let utc = TimeZone(identifier: "UTC")!
        // A recording from 23:50 to 00:20 the next day: 00:05 is on the second day.
        let first: Int64 = 1_796_082_600_000   // 2026-11-30T23:50:00Z
        XCTAssertEqual(ReplayMoment.timeOfDay(seconds: 300).resolve(firstMs: first, lastMs: first + 1_800_000, timeZone: utc),
                       first + 900_000)
        XCTAssertEqual(ReplayMoment.timeOfDay(seconds: 85_800).resolve(firstMs: first, lastMs: first + 1_800_000, timeZone: utc),
                       first)
    }

    static func header(start: Int64) -> RecordHeader {
        RecordHeader(lassotopVersion: "test", startedAtMs: start, clusterName: "c", demo: true,
                     nodes: [RecordHeader.Node(name: "iad-1", url: "http://127.0.0.1:1")], healthIntervalMs: 2_000,
                     metricsIntervalMs: 15_000, eventsIntervalMs: 1_000, keyframeIntervalMs: 5_000)
    }
}

func temporaryPath(_ name: String = "rec") -> String {
    NSTemporaryDirectory() + "lassotop-\(name)-\(UUID().uuidString.prefix(8)).lrec"
}

/// Small generated snapshots that change like the live ones: nodes poll, the feed shifts (with late events),
/// metrics arrive now and then.
struct SyntheticCluster {
    var random: SeededGenerator
    var nodes: [NodeStatus]
    var feed: [FeedEvent] = []
    var stats = FeedStats()
    var request = 0

    init(nodes count: Int, seed: UInt64) {
        random = SeededGenerator(seed: seed)
        nodes = (0..<count).map { NodeStatus(name: "n\($0)-1", url: "http://127.0.0.1:\(9000 + $0)") }
    }

    mutating func next(atMs now: Int64) -> ClusterSnapshot {
        for index in nodes.indices where Int.random(in: 0..<4, using: &random) == 0 {
            nodes[index].state = Int.random(in: 0..<10, using: &random) == 0 ? .down : .up
            nodes[index].latencyMs = Double(Int.random(in: 1...400, using: &random)) / 8
            nodes[index].latencyHistory.append(nodes[index].latencyMs!)
            if nodes[index].latencyHistory.count > 30 { nodes[index].latencyHistory.removeFirst() }
            nodes[index].successCount += 1
            nodes[index].lastSuccessMs = now
        }
        for _ in 0..<Int.random(in: 0..<6, using: &random) {
            request += 1
            // Request ids as nodes send them: 32 hex digits or 20 base64url characters (stored as raw token bytes),
            // and a short one now and then.
            let id: String
            switch request % 3 {
            case 0: id = "r\(request)"
            case 1: id = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
            default:
                let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                id = String((0..<20).map { _ in alphabet[Int.random(in: 0..<64, using: &random)] })
            }
            let event = FeedEvent(ts: now - Int64(Int.random(in: 0..<800, using: &random)), requestID: id,
                                  chain: "ethereum", method: "eth_call", providerID: "p\(request % 5)",
                                  durationMs: Int.random(in: 5..<900, using: &random), result: request % 9 == 0 ? "error" : "success",
                                  relayNode: nodes[request % nodes.count].name)
            let at = feed.lastIndex { $0.ts <= event.ts }.map { $0 + 1 } ?? 0
            feed.insert(event, at: at)
            if feed.count > 200 { feed.removeFirst() }
            stats.received += 1
            stats.unique += 1
        }
        let responding = nodes.filter { $0.state == .up }.count
        let key = ClusterSnapshot.historyKey(chain: "ethereum", provider: "p1")
        return ClusterSnapshot(
            generatedAtMs: now, clusterName: "synthetic", coverage: Coverage(
                responding: responding, total: nodes.count, status: CoverageRules.status(responding: responding, total: nodes.count),
                quorum: responding * 2 > nodes.count, partitionSuspected: false),
            nodes: nodes, chains: [], feed: feed, feedStats: stats, eventRate: Double(request % 17) / 3,
            alerts: responding < nodes.count ? [Alert(rule: "node_down", level: .critical, state: .firing, startedAtMs: now - 5_000,
                                                     value: 1, threshold: 0, explanation: "a node is down \u{1B}[31m")] : [],
            latencyHistory: [key: (0..<(Int(now / 1000) % 7)).map { Double($0) * 1.1 }], rateHistory: [key: [0.1, 0.2]])
    }
}
