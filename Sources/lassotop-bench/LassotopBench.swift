import ArgumentParser
import Foundation
import LassoBenchmarks

/// `swift run -c release lassotop-bench [--json] [--soak]`: measures the hot paths and prints figure, value,
/// budget, PASS/FAIL. Budgets live here, never in unit tests. See docs/performance.md.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lassotop-bench",
                                                    abstract: "lassotop benchmarks with budgets (build with -c release).")

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    @Flag(help: "Also run the soak (RSS at 1/10, 1/2 and the end of --soak-seconds).")
    var soak = false

    @Option(help: "Soak duration in seconds.")
    var soakSeconds: Int = 600

    @Option(help: "Only run figures whose group contains this text (dedup, aggregate, decode, render, poll, hub, startup, idle, record, soak).")
    var only: String?

    @Option(help: "Idle window in seconds (960: peak RSS of a dashboard left running, live time travel's 15 minutes full).")
    var idleSeconds: Int = 30

    @Option(help: "The lassotop binary for the idle figure (default: the one next to this binary).")
    var lassotop: String?

    /// The idle group's floor process (IdleBenchmark): polls these nodes as an idle dashboard would, until killed.
    @Option(parsing: .upToNextOption, help: .hidden)
    var pollFloor: [String] = []

    /// A window too short to read CPU ticks from is a usage error (exit 64), not silently lengthened.
    func validate() throws {
        guard idleSeconds >= 5 else { throw ValidationError("--idle-seconds must be at least 5 (got \(idleSeconds))") }
        guard soakSeconds >= 1 else { throw ValidationError("--soak-seconds must be at least 1 (got \(soakSeconds))") }
    }

    func run() async throws {
        if !pollFloor.isEmpty { return try await PollFloor.run(nodes: pollFloor) }
        var figures: [Figure] = []
        func wanted(_ key: String) -> Bool { only.map { key.contains($0) } ?? true }
        func report(_ figure: Figure) {
            figures.append(figure)
            if !json { progress("  measured: \(figure.name)") }
        }
        if wanted("dedup") { 
            // Memory first: RSS still holds pages freed by earlier figures.
            report(FeedBenchmarks.dedupMemory())
            report(FeedBenchmarks.dedupIngest())
         }
        if wanted("aggregate") {
            report(CoreBenchmarks.aggregation())
            report(CoreBenchmarks.aggregation(shared: false))
        }
        if wanted("decode") { for figure in try CoreBenchmarks.decodeFigures() { report(figure) } }
        if wanted("render") { for figure in try RenderBenchmarks.all() { report(figure) } }
        if wanted("poll") { for figure in try await PollBenchmarks.fanOut(counts: [50, 200]) { report(figure) } }
        if wanted("hub") { for figure in try await HubBenchmarks.figures() { report(figure) } }
        if wanted("startup") {
            let directory = Bundle.main.executableURL?.deletingLastPathComponent().path ?? "."
            for figure in try StartupBenchmark.run(lassotopPath: lassotop ?? directory + "/lassotop") { report(figure) }
        }
        if wanted("idle") {
            let directory = Bundle.main.executableURL?.deletingLastPathComponent().path ?? "."
            for figure in try IdleBenchmark.run(lassotopPath: lassotop ?? directory + "/lassotop",
                                                benchPath: Bundle.main.executableURL?.path, seconds: Double(idleSeconds)) {
                report(figure)
            }
        }
        if wanted("record") {
            let directory = Bundle.main.executableURL?.deletingLastPathComponent().path ?? "."
            let quiet = json
            for figure in try await RecordBenchmarks.all(lassotopPath: lassotop ?? directory + "/lassotop",
                                                         progress: { if !quiet { progress("  " + $0) } }) { report(figure) }
        }
        if soak {
            let quiet = json
            for figure in try await SoakBenchmark.run(seconds: Double(soakSeconds), progress: { if !quiet { progress("  " + $0) } }) {
                report(figure)
            }
        }

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            FileHandle.standardOutput.write(try encoder.encode(figures))
            print()
        } else {
            print(BenchTable.render(figures))
        }
        if figures.contains(where: { $0.pass == false }) { throw ExitCode(1) }
    }
}

func progress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
