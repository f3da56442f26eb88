import Foundation
import LassoCore
import XCTest
@testable import LassoTUI
@testable import LassoTerminal

/// A backend serving a fixed snapshot, so the real ncurses loop can run in a child process on a pseudo-terminal.
struct FixtureBackend: DashboardBackend {
    let snapshot: ClusterSnapshot
    func latestSnapshot() -> ClusterSnapshot { snapshot }
    func refreshNow() {}
    func changeHealthInterval(by deltaMs: Int64) {}
    func healthIntervalMs() -> Int64 { 2000 }
    func injectFault(node: String, mode: DemoFault) {}
}

/// Runs `TUIApp.run` for real: this test binary re-runs itself on a pty (child mode chosen by an environment
/// variable), the parent types keys into the pty and reads what ncurses wrote.
final class CursesPTYTests: XCTestCase {
    static let childVariable = "LASSOTOP_TUI_CHILD"

    /// Child side. Does nothing in a normal test run.
    func testChildRunsDashboard() async throws {
        guard let mode = ProcessInfo.processInfo.environment[Self.childVariable] else { return }
        var snapshot = Fixtures.snapshot(mode == "cjk" ? .cjk : mode == "malicious" ? .malicious : .healthy)
        snapshot.generatedAtMs = Int64(Date().timeIntervalSince1970 * 1000)
        let backend = FixtureBackend(snapshot: snapshot)
        let options = TUIOptions(noColor: mode == "nocolor", exportDirectory: NSTemporaryDirectory())
        do {
            let code = mode == "detached" ? try await TUIApp.runOnDedicatedThread(backend: backend, options: options)
                : try TUIApp.run(backend: backend, options: options)
            exit(code)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(3)
        }
    }

    struct Child {
        let process: Process
        let master: Int32
        var output = Data()
        var text: String { String(decoding: output, as: UTF8.self) }

        /// Reads until `predicate` holds or `seconds` pass; returns whether it held.
        mutating func read(until predicate: (String) -> Bool, seconds: Double = 10) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 65536)
            while Date() < deadline {
                if predicate(text) { return true }
                var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 100) > 0 else { continue }
                let count = Glibc.read(master, &buffer, buffer.count)
                if count <= 0 { break }
                output.append(contentsOf: buffer[0..<count])
            }
            return predicate(text)
        }

        func type(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { Glibc.write(master, $0.baseAddress, $0.count - 1) }
        }

        mutating func waitForExit(seconds: Double = 10) -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { _ = read(until: { _ in false }, seconds: 0.1) }
            guard !process.isRunning else { process.terminate(); return nil }
            return process.terminationStatus
        }
    }

    /// glibc hides the pty functions behind _XOPEN_SOURCE, which the Swift Glibc module is not built with.
    static func libc<T>(_ name: String, as type: T.Type) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    func spawnOnPTY(mode: String = "dashboard", stdoutIsPipe: Bool = false) throws -> (Child, Pipe) {
        typealias IntFunction = @convention(c) (Int32) -> Int32
        typealias NameFunction = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        guard let openpt = Self.libc("posix_openpt", as: IntFunction.self), let grantpt = Self.libc("grantpt", as: IntFunction.self),
              let unlockpt = Self.libc("unlockpt", as: IntFunction.self), let ptsname = Self.libc("ptsname", as: NameFunction.self) else {
            throw XCTSkip("no pty functions in this libc")
        }
        let master = openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
            throw XCTSkip("no pseudo-terminals here")
        }
        let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw XCTSkip("cannot open the pty slave") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["LassoTUITests.CursesPTYTests/testChildRunsDashboard"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childVariable] = mode
        environment["TERM"] = "xterm-256color"
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        environment["LINES"] = "40"      // ncurses takes the size from these when the pty has none
        environment["COLUMNS"] = "120"
        environment.removeValue(forKey: "NO_COLOR")
        process.environment = environment
        let slaveHandle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        let errors = Pipe()
        process.standardInput = slaveHandle
        process.standardOutput = stdoutIsPipe ? Pipe() : slaveHandle
        process.standardError = errors
        try process.run()
        return (Child(process: process, master: master), errors)
    }

    func testDashboardDrawsAndQuitsWithStatusZero() throws {
        var (child, _) = try spawnOnPTY()
        defer { close(child.master) }
        // A whole first frame: its text, then the end-of-frame marker.
        XCTAssertTrue(child.read(until: { $0.contains("Coverage: 3/3 nodes") && $0.contains("\u{1B}[?2026l") }),
                      "first frame; got: \(child.text.suffix(400))")
        let begin = try XCTUnwrap(child.text.range(of: "\u{1B}[?2026h"), "synchronized-output begin marker")
        let frame = try XCTUnwrap(child.text.range(of: "Coverage: 3/3 nodes"))
        let end = try XCTUnwrap(child.text.range(of: "\u{1B}[?2026l"))
        XCTAssertTrue(begin.upperBound <= frame.lowerBound && frame.upperBound <= end.lowerBound, "frame drawn between the markers")
        XCTAssertTrue(child.text.contains("Alchemy"))
        XCTAssertFalse(Self.sgrParameters(child.text).filter { (30...49).contains($0) }.isEmpty, "theme colours in use")
        child.type("?")
        XCTAssertTrue(child.read(until: { $0.contains("Help · keys") }), "help overlay from the keymap")
        child.type("\u{1B}")   // Esc closes help (25 ms escape delay)
        let before = child.text.count
        XCTAssertTrue(child.read(until: { $0.count > before }, seconds: 3), "a redraw after Esc")
        child.type("q")
        XCTAssertEqual(child.waitForExit(), 0)
        XCTAssertTrue(child.text.contains("\u{1B}[?1049l"), "left the alternate screen (terminal restored)")
    }

    func testRunOnDedicatedThreadFromAsyncCode() throws {
        var (child, _) = try spawnOnPTY(mode: "detached")
        defer { close(child.master) }
        XCTAssertTrue(child.read(until: { $0.contains("Coverage: 3/3 nodes") && $0.contains("\u{1B}[?2026l") }))
        child.type("q")
        XCTAssertEqual(child.waitForExit(), 0)
        XCTAssertTrue(child.text.contains("\u{1B}[?1049l"))
    }

    func testSIGTERMRestoresTheTerminalAndExits143() throws {
        var (child, _) = try spawnOnPTY()
        defer { close(child.master) }
        XCTAssertTrue(child.read(until: { $0.contains("Coverage: 3/3 nodes") }))
        kill(child.process.processIdentifier, SIGTERM)
        XCTAssertEqual(child.waitForExit(), 143)
        XCTAssertTrue(child.text.contains("\u{1B}[?1049l"))
    }

    func testSIGHUPExits129AndSIGINTExits130() throws {
        for (sig, expected) in [(SIGHUP, Int32(129)), (SIGINT, Int32(130))] {
            var (child, _) = try spawnOnPTY()
            defer { close(child.master) }
            XCTAssertTrue(child.read(until: { $0.contains("Coverage: 3/3 nodes") }))
            kill(child.process.processIdentifier, sig)
            XCTAssertEqual(child.waitForExit(), expected)
        }
    }

    func testNoColorDrawsWithoutColourSequences() throws {
        var (child, _) = try spawnOnPTY(mode: "nocolor")
        defer { close(child.master) }
        XCTAssertTrue(child.read(until: { $0.contains("Coverage: 3/3 nodes") && $0.contains("\u{1B}[?2026l") }))
        let parameters = Self.sgrParameters(child.text)
        let colours = parameters.filter { (30...49).contains($0) || (90...107).contains($0) }
        XCTAssertEqual(colours, [], "no colour in SGR sequences")
        XCTAssertTrue(parameters.contains(7), "reverse video still marks the selection")
        XCTAssertTrue(parameters.contains(1), "bold still marks headers and state")
        child.type("q")
        XCTAssertEqual(child.waitForExit(), 0)
    }

    func testWideProviderNameKeepsTheBorderInPlace() throws {
        var (child, _) = try spawnOnPTY(mode: "cjk")
        defer { close(child.master) }
        XCTAssertTrue(child.read(until: { $0.contains("東京ノード") && $0.contains("\u{1B}[?2026l") }))
        child.type("q")
        XCTAssertEqual(child.waitForExit(), 0)
    }

    func testHostileProviderNameSendsNoEscapeSequenceOfItsOwn() throws {
        var (child, _) = try spawnOnPTY(mode: "malicious")
        defer { close(child.master) }
        XCTAssertTrue(child.read(until: { $0.contains("Xgnp.exe") && $0.contains("\u{1B}[?2026l") }))
        XCTAssertFalse(child.text.contains("pwned"), "the OSC title payload never reaches the terminal")
        XCTAssertFalse(child.text.contains("\u{202E}"))
        child.type("q")
        XCTAssertEqual(child.waitForExit(), 0)
    }

    /// Every parameter of every SGR (`ESC [ … m`) sequence in the output.
    static func sgrParameters(_ text: String) -> [Int] {
        var result: [Int] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i + 1 < scalars.count {
            guard scalars[i] == "\u{1B}", scalars[i + 1] == "[" else { i += 1; continue }
            var j = i + 2
            var body = ""
            while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == ";" { body.unicodeScalars.append(scalars[j]); j += 1 }
            if j < scalars.count, scalars[j] == "m" {
                result += body.split(separator: ";").compactMap { Int($0) } + (body.isEmpty ? [0] : [])
            }
            i = j
        }
        return result
    }

    func testRefusesToStartWhenStdoutIsNotATerminal() throws {
        var (child, errors) = try spawnOnPTY(stdoutIsPipe: true)
        defer { close(child.master) }
        XCTAssertEqual(child.waitForExit(), 3)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(message.contains("lassotop snapshot"), message)
    }
}
