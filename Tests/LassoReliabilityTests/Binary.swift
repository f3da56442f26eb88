import Foundation
import XCTest
import LassoTestSupport

/// Runs the real `lassotop` executable (built by `swift build`; LASSOTOP_BIN overrides) as a child process.
enum Binary {
    static var repositoryRoot: URL { BuiltBinary.repositoryRoot }
    static var path: String { BuiltBinary.lassotop }

    static func requireBinary() throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("no lassotop binary at \(path): run `swift build` first")
        }
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs to completion (killed after `timeout` seconds). The environment is minimal plus `environment`.
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil,
                    timeout: TimeInterval = 30, executable: String = path) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": NSTemporaryDirectory()]
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        let outData = Locked(Data()), errData = Locked(Data())
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                sink.withLock { $0 = data }
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            XCTFail("lassotop \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        group.wait()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData.value, as: UTF8.self),
                      stderr: String(decoding: errData.value, as: UTF8.self))
    }

    static func temporaryDirectory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "lassotop-rel-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        Scratch.removeAtExit(path)
        return path
    }

    /// Every regular file under `directory`, with its contents.
    static func filesUnder(_ directory: String) -> [(path: String, text: String)] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [(String, String)] = []
        for case let relative as String in walker {
            let full = directory + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: full) else { continue }
            files.append((full, String(decoding: data, as: UTF8.self)))
        }
        return files
    }
}
