import Foundation
import LassoCore
@testable import LassoRecord
import XCTest

/// Recordings are untrusted: a killed recorder's file replays, a damaged one is reported (clear error, never a trap
/// or a terminal escape), and random damage never crashes the reader.
final class DamageTests: XCTestCase {
    /// The real binary records the embedded demo over HTTP and is killed with SIGKILL; the file still replays.
    func testSigkilledRecorderReplays() throws {
        let binary = try LassotopBinary.path()
        let path = temporaryPath("killed")
        defer { unlink(path) }
        let state = NSTemporaryDirectory() + "lassotop-record-state-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let child = try Spawned(arguments: [binary, "record", path, "--demo-nodes", "3"],
                                environment: ["XDG_STATE_HOME": state, "XDG_CONFIG_HOME": state])
        defer { child.killAndWait(SIGKILL) }
        // Wait until at least three seconds of snapshots reached the file, then kill mid-stream.
        let deadline = Date().addingTimeInterval(60)
        var span: Int64 = 0
        while Date() < deadline {
            if let reader = try? RecordReader.open(path: path), let first = reader.firstMs, let last = reader.lastMs {
                span = last - first
                if span >= 3_000 { break }
            }
            XCTAssertTrue(child.isRunning, "recorder exited early: \(child.output())")
            guard child.isRunning else { return }
            usleep(50_000)
        }
        XCTAssertGreaterThanOrEqual(span, 3_000)
        child.killAndWait(SIGKILL)

        let reader = try RecordReader.open(path: path)
        let last = try XCTUnwrap(reader.lastMs)
        let first = try XCTUnwrap(reader.firstMs)
        XCTAssertGreaterThanOrEqual(last - first, 3_000, "readable up to (at least) the moment we saw before the kill")
        let snapshot = try reader.snapshot(at: last)
        XCTAssertEqual(snapshot.generatedAtMs, last)
        XCTAssertEqual(snapshot.nodes.map(\.name), ["iad-1", "fra-1", "sin-1"])
        XCTAssertEqual(reader.header.nodes.count, 3)
        XCTAssertTrue(reader.header.demo)

        // The CLI replays it too.
        let result = try Spawned.run([binary, "snapshot", "--replay", path, "--at", "end", "--format", "json"])
        XCTAssertTrue([0, 1, 2].contains(result.status), result.output)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.output)
        XCTAssertNotNil(json["coverage"])
        let check = try Spawned.run([binary, "check", "--replay", path, "--at", "+1"])
        XCTAssertTrue([0, 1, 2].contains(check.status), check.output)
    }

    func testCorruptedChunkIsReportedAndEarlierMomentsReplay() throws {
        let (path, written) = try Self.record(steps: 160)
        defer { unlink(path) }
        let clean = try RecordReader.open(path: path)
        XCTAssertGreaterThanOrEqual(clean.blockCount, 4)
        // Flip one byte in the middle of a chunk of the third block (not its first chunk).
        let victim = clean.frames[clean.blocks[2] + 2]
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[victim.payloadOffset + victim.length / 2] ^= 0x5A
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let reader = try RecordReader.open(path: path)
        XCTAssertNil(reader.tailProblem, "headers are intact: the damage is found when that chunk is read")
        // Before the damaged chunk: exact. Inside the damaged block after it: a clear error naming what is readable.
        let before = written.last { $0.generatedAtMs < victim.firstMs }!
        XCTAssertEqual(try reader.snapshot(at: before.generatedAtMs), before)
        XCTAssertThrowsError(try reader.snapshot(at: victim.lastMs)) { error in
            guard case RecordError.damaged(let offset, let reason, let until) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(offset, victim.offset)
            XCTAssertEqual(reason, "checksum mismatch")
            XCTAssertEqual(until, before.generatedAtMs)
            XCTAssertTrue("\(error)".contains("damaged at byte \(victim.offset)"))
        }
        // The next block starts a fresh stream: replays again.
        let later = written.last!
        XCTAssertEqual(try reader.snapshot(at: later.generatedAtMs), later)

        // The CLI: one clear line, a data-error status, nothing on stdout.
        let binary = try LassotopBinary.path()
        let at = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(victim.lastMs) / 1000 + 0.5))
        let result = try Spawned.run([binary, "snapshot", "--replay", path, "--at", at])
        XCTAssertEqual(result.status, 65, result.output)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("damaged at byte \(victim.offset)"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }

    func testTruncatedAndForeignFiles() throws {
        let (path, written) = try Self.record(steps: 60)
        defer { unlink(path) }
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let reader = try RecordReader.open(path: path)
        let lastFrame = reader.frames.last!
        // Cut inside the last frame: everything before it replays, the cut is reported.
        bytes.removeLast(lastFrame.length / 2)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let cut = try RecordReader.open(path: path)
        guard case .damaged(let offset, _, let until)? = cut.tailProblem else { return XCTFail("\(String(describing: cut.tailProblem))") }
        XCTAssertEqual(offset, lastFrame.offset)
        let readable = written.last { $0.generatedAtMs <= until! }!
        XCTAssertEqual(try cut.snapshot(at: until!), readable)

        let binary = try LassotopBinary.path()
        let foreign = temporaryPath("foreign")
        defer { unlink(foreign) }
        try Data("not a recording \u{1B}]0;pwned\u{07}\n".utf8).write(to: URL(fileURLWithPath: foreign))
        let result = try Spawned.run([binary, "snapshot", "--replay", foreign])
        XCTAssertEqual(result.status, 65)
        XCTAssertTrue(result.stderr.contains("not a lassotop recording"), result.stderr)
        let missing = try Spawned.run([binary, "check", "--replay", foreign + ".missing"])
        XCTAssertEqual(missing.status, 66, missing.output)
        let usage = try Spawned.run([binary, "snapshot", "--at", "+5"])
        XCTAssertEqual(usage.status, 64, usage.output)
        let before = try Spawned.run([binary, "snapshot", "--replay", path, "--at", "1990-01-01T00:00:00Z"])
        XCTAssertEqual(before.status, 64, before.output)
        XCTAssertTrue(before.stderr.contains("before the recording starts"), before.stderr)
    }

    /// A hostile but well-formed recording: escapes in every string reach neither the table nor stderr.
    func testHostileStringsAreSanitized() throws {
        let path = temporaryPath("hostile")
        defer { unlink(path) }
        let evil = "x\u{1B}]52;c;cHduZWQ=\u{07}\u{1B}[2J\u{9B}31m"
        var header = FormatTests.header(start: 1_000)
        header.clusterName = evil
        header.nodes = [RecordHeader.Node(name: evil, url: evil)]
        let writer = try RecordWriter(path: path, header: header)
        var snapshot = SyntheticCluster(nodes: 2, seed: 1).nextMutable(atMs: 1_000)
        snapshot.clusterName = evil
        snapshot.nodes[0].name = evil
        snapshot.nodes[0].lastError = evil
        snapshot.feed = [FeedEvent(kind: .cluster, ts: 900, severity: .critical, message: evil)]
        try writer.append(snapshot)
        try writer.close()
        XCTAssertEqual(try RecordReader.open(path: path).snapshot(at: 1_000), snapshot)
        let binary = try LassotopBinary.path()
        for format in ["table", "json"] {
            let result = try Spawned.run([binary, "snapshot", "--replay", path, "--format", format])
            XCTAssertTrue([0, 1, 2].contains(result.status), result.output)
            // JSON escapes C0 controls; a C1 control (U+009B) is legal unescaped JSON, so only the table is held to it.
            XCTAssertFalse(result.output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || (format == "table" && $0.value == 0x9B) },
                           "\(format): \(result.output.debugDescription)")
        }
    }

    /// Random damage (bit flips, cuts, inserted and overwritten runs) never traps: a snapshot or a RecordError —
    /// in the binary LZMA format written now and in the JSON-lines deflate format of version 1.
    func testFuzzedFilesNeverCrashTheReader() throws {
        try fuzzFiles(version: 3, rounds: 400)
        try fuzzFiles(version: 2, rounds: 150)
        try fuzzFiles(version: 1, rounds: 150)
    }

    /// The binary record decoder on its own (behind the checksum and LZMA in a file, so the file fuzz rarely reaches
    /// it with damage): mutated records decode to some tree or throw, never trap or allocate without bound.
    func testFuzzedBinaryRecordsNeverTrap() throws {
        for version: UInt8 in [2, 3] {
            var generator = SyntheticCluster(nodes: 3, seed: 4)
            var encoder = BinaryTree.Encoder(version: version)
            var previous: JSONTree?
            var original: [UInt8] = []
            for step in 0..<30 {
                let tree = try RecordWriter.tree(of: generator.next(atMs: 1_700_000_000_000 + Int64(step) * 200))
                let record: JSONTree = previous.map { .object(["t": .int(Int64(step)), "d": TreeDelta.diff($0, tree) ?? .null]) }
                    ?? .object(["t": .int(0), "k": tree])
                encoder.encode(record, into: &original)
                previous = tree
            }
            var random = SeededGenerator(seed: 33)
            XCTAssertEqual(encoder.side.isEmpty, version == 2, "the synthetic feed has request ids")
            var decodedSome = 0
            for _ in 0..<2_000 {
                var bytes = original
                var side = encoder.side
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<5, using: &random) {
                    case 0: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                    case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...30, using: &random)))
                    case 2: bytes.insert(contentsOf: (0..<Int.random(in: 1...12, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at)
                    case 3 where !side.isEmpty: side.removeSubrange(Int.random(in: 0..<side.count, using: &random)...)
                    default: bytes[at] = [0x7F, 0xFF, 0x80, 0x03, 0x05, 0x06, 0x07, 0x0A, 0x0B, 0x0D, 0x0E][Int.random(in: 0..<11, using: &random)]
                    }
                    if bytes.isEmpty { bytes = [0] }
                }
                var decoder = BinaryTree.Decoder(version: version)
                decoder.side = side
                bytes.withUnsafeBufferPointer { buffer in
                    var index = 0
                    while index < buffer.count {
                        do { _ = try decoder.decode(buffer, at: &index); decodedSome += 1 } catch { break }
                    }
                }
            }
            XCTAssertGreaterThan(decodedSome, 2_000, "version \(version): the mutations leave most records before the damage readable")
        }
    }

    func fuzzFiles(version: UInt8, rounds: Int) throws {
        let (path, written) = try Self.record(steps: 50, version: version)
        defer { unlink(path) }
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let target = temporaryPath("fuzz")
        defer { unlink(target) }
        var random = SeededGenerator(seed: 20)
        let moments = [Int64.min, 0] + written.map(\.generatedAtMs) + [Int64.max]
        var opened = 0
        var replayed = 0
        for round in 0..<rounds {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                case 1: bytes.removeSubrange(at...)
                case 2: bytes.insert(contentsOf: (0..<Int.random(in: 1...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at)
                case 3:
                    // A frame length or time field set to an extreme.
                    for k in at..<min(at + 8, bytes.count) { bytes[k] = round % 2 == 0 ? 0xFF : 0x7F }
                default: bytes[at] = UInt8.random(in: 0...255, using: &random)
                }
                if bytes.isEmpty { break }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: target))
            guard let reader = try? RecordReader.open(path: target) else { continue }
            opened += 1
            for _ in 0..<4 {
                let moment = moments[Int.random(in: 0..<moments.count, using: &random)]
                if (try? reader.snapshot(at: moment)) != nil { replayed += 1 }
            }
            _ = try? reader.allRecordTimes()
        }
        // The mutations leave many files partly readable: the reader is exercised past the header.
        XCTAssertGreaterThan(opened, rounds / 4, "version \(version)")
        XCTAssertGreaterThan(replayed, rounds / 8, "version \(version)")
    }

    static func record(steps: Int, version: UInt8 = RecordFormat.version) throws -> (String, [ClusterSnapshot]) {
        let path = temporaryPath("synthetic")
        var options = RecordWriterOptions(keyframeIntervalMs: 5_000, flushIntervalMs: 500)
        options.formatVersion = version
        let writer = try RecordWriter(path: path, header: FormatTests.header(start: 1_700_000_000_000), options: options)
        var generator = SyntheticCluster(nodes: 3, seed: 9)
        var written: [ClusterSnapshot] = []
        for step in 0..<steps {
            let snapshot = generator.next(atMs: 1_700_000_000_000 + Int64(step) * 200)
            try writer.append(snapshot)
            written.append(snapshot)
        }
        try writer.close()
        return (path, written)
    }
}

extension SyntheticCluster {
    func nextMutable(atMs now: Int64) -> ClusterSnapshot {
        var copy = self
        return copy.next(atMs: now)
    }
}

enum LassotopBinary {
    /// The debug binary `swift build` produced (override with LASSOTOP_BIN).
    static func path() throws -> String {
        if let path = ProcessInfo.processInfo.environment["LASSOTOP_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for candidate in [".build/debug/lassotop", ".build/x86_64-unknown-linux-gnu/debug/lassotop",
                          ".build/aarch64-unknown-linux-gnu/debug/lassotop"] {
            let path = root.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("no lassotop binary: run `swift build` first")
    }
}

/// A child process through posix_spawn, output to temp files (Foundation's Process can hang on inherited pipes).
final class Spawned {
    let pid: pid_t
    let stdoutPath = NSTemporaryDirectory() + "lassotop-rec-out-\(UUID().uuidString.prefix(8))"
    let stderrPath = NSTemporaryDirectory() + "lassotop-rec-err-\(UUID().uuidString.prefix(8))"
    private var exited = false
    private(set) var status: Int32 = -1

    init(arguments: [String], environment: [String: String] = [:]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var env = ProcessInfo.processInfo.environment
        env["XDG_STATE_HOME"] = env["XDG_STATE_HOME"] ?? NSTemporaryDirectory() + "lassotop-rec-state"
        env.merge(environment) { $1 }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw XCTSkip("cannot run \(arguments[0]): errno \(spawned)") }
        self.pid = pid
    }

    deinit {
        killAndWait(SIGKILL)
        unlink(stdoutPath)
        unlink(stderrPath)
    }

    var isRunning: Bool {
        guard !exited else { return false }
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, WNOHANG)
        if result == pid {
            exited = true
            status = Self.decode(raw)
            return false
        }
        return true
    }

    func wait() {
        guard !exited else { return }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        exited = true
        status = Self.decode(raw)
    }

    func killAndWait(_ signal: Int32) {
        guard !exited else { return }
        kill(pid, signal)
        wait()
    }

    static func decode(_ raw: Int32) -> Int32 { (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F) }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    func output() -> String { stdout + stderr }

    /// Runs to completion (commands that read a recording finish in well under a second).
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String, output: String) {
        let child = try Spawned(arguments: arguments)
        child.wait()
        return (child.status, child.stdout, child.stderr, child.stdout + child.stderr)
    }
}
