import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Runs a program with stdin and stdout on a fresh pseudo-terminal (so `isatty` holds, as in a real terminal) and
/// stderr in a file, then reports the exit status, every byte written to the terminal, stderr, and whether the
/// terminal's settings changed.
enum PTYRunner {
    struct Output {
        /// Exit code, or 128 + signal when the process died of a signal (as a shell reports it).
        var status: Int32
        var terminal: String
        var stderr: String
        var termiosChanged: Bool
        var timedOut: Bool
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                    timeout: TimeInterval = 30) throws -> Output {
        let master = LibC.posixOpenpt(O_RDWR | O_NOCTTY)
        guard master >= 0, LibC.grantpt(master) == 0, LibC.unlockpt(master) == 0, let name = LibC.ptsname(master) else {
            throw XCTSkip("no pseudo-terminal available")
        }
        defer { close(master) }
        let slavePath = String(cString: name)
        let slave = open(slavePath, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw XCTSkip("cannot open \(slavePath)") }
        defer { close(slave) }
        var before = termios()
        tcgetattr(slave, &before)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)

        let errPath = NSTemporaryDirectory() + "lassotop-pty-\(UUID().uuidString).err"
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, slave, 0)
        posix_spawn_file_actions_adddup2(&actions, slave, 1)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(errno: spawned, what: "posix_spawn \(executable)") }

        var terminal = [UInt8]()
        func drain() {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if count <= 0 { return }
                terminal += buffer[0..<count]
            }
        }
        var status: Int32 = 0
        var timedOut = false
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            drain()
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if Date() >= deadline {
                timedOut = true
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                break
            }
            usleep(5_000)
        }
        drain()
        var after = termios()
        tcgetattr(slave, &after)
        let changed = before.c_iflag != after.c_iflag || before.c_oflag != after.c_oflag
            || before.c_lflag != after.c_lflag || before.c_cflag != after.c_cflag
        let exited = (status & 0x7F) == 0
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Output(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
                      terminal: String(decoding: terminal, as: UTF8.self), stderr: stderr,
                      termiosChanged: changed, timedOut: timedOut)
    }
}

/// The pty calls Glibc's Swift module does not export (they sit behind _XOPEN_SOURCE), looked up in libc at run time.
private enum LibC {
    typealias IntFunction = @convention(c) (Int32) -> Int32
    typealias NameFunction = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

    static func symbol<T>(_ name: String, as type: T.Type) -> T {
        guard let pointer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { fatalError("libc has no \(name)") }
        return unsafeBitCast(pointer, to: type)
    }

    static let posixOpenpt = symbol("posix_openpt", as: IntFunction.self)
    static let grantpt = symbol("grantpt", as: IntFunction.self)
    static let unlockpt = symbol("unlockpt", as: IntFunction.self)
    static let ptsname = symbol("ptsname", as: NameFunction.self)
}
