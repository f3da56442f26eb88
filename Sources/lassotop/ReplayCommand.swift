import ArgumentParser
import Foundation
import LassoClient
import LassoCore
import LassoRecord

/// `--replay FILE --at WHEN` for `snapshot` and `check`: the snapshot comes from a recording instead of the network.
struct ReplayOptions: ParsableArguments {
    @Option(name: .customLong("replay"), help: "Take the snapshot from a recording (lassotop record) instead of polling.")
    var file: String?

    @Option(name: .customLong("at"), help: "With --replay: +SECONDS from the start, start, end (default), HH:MM[:SS] local time, or ISO 8601.")
    var at: String?

    /// Exit status for a recording that cannot be read (sysexits EX_DATAERR) or opened (EX_NOINPUT).
    static let unreadable: Int32 = 65
    static let unopenable: Int32 = 66

    func validate() throws {
        if at != nil && file == nil { throw ValidationError("--at needs --replay FILE") }
        if let at {
            do { _ = try ReplayMoment.parse(at) } catch { throw ValidationError(TerminalText.sanitize(error.description)) }
        }
    }

    /// The replayed snapshot, or nil without --replay. Problems are one line on stderr and an exit status.
    func load() throws -> ClusterSnapshot? {
        guard let file else { return nil }
        let moment: ReplayMoment
        do { moment = try ReplayMoment.parse(at ?? "end") } catch { throw ValidationError(error.description) }
        let reader: RecordReader
        do { reader = try RecordReader.open(path: file) } catch {
            Self.complain(file, error)
            if case .io = error { throw ExitCode(Self.unopenable) }
            throw ExitCode(Self.unreadable)
        }
        guard let first = reader.firstMs, let last = reader.lastMs else {
            Self.complain(file, reader.tailProblem ?? .empty)
            throw ExitCode(Self.unreadable)
        }
        if let problem = reader.tailProblem { Self.complain(file, problem, warning: true) }
        let when = moment.resolve(firstMs: first, lastMs: last)
        if when > last {
            Self.complain(file, .outOfRange("\(RecordTime.format(when)) is after the recording ends (\(RecordTime.format(last)))"))
            throw ExitCode(CheckReport.usage)
        }
        do {
            return try reader.snapshot(at: when)
        } catch {
            Self.complain(file, error)
            if case .outOfRange = error { throw ExitCode(CheckReport.usage) }
            throw ExitCode(Self.unreadable)
        }
    }

    static func complain(_ file: String, _ error: RecordError, warning: Bool = false) {
        let line = "lassotop: \(warning ? "warning: " : "")\(TerminalText.sanitize(file)): \(TerminalText.sanitize(error.description))\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
