import ArgumentParser
import Foundation
import LassoClient
import LassoCore
import LassoHub
import LassoTUI
import LassoTerminal

/// `--hub URL` for the dashboard, `snapshot` and `check`: read a `lassotop serve` hub instead of polling the nodes, so
/// many viewers cost the cluster nothing more than one (docs/prometheus.md, "Hub mode").
struct HubOptions: ParsableArguments {
    @Option(help: "Read the hub `lassotop serve` runs at URL instead of polling nodes (e.g. http://hub:9464).")
    var hub: String?

    @Option(name: .customLong("hub-token-file"), help: "File whose first line is the hub's bearer token (or set LASSOTOP_HUB_TOKEN).")
    var hubTokenFile: String?

    func validate() throws {
        if hub == nil && hubTokenFile != nil { throw ValidationError("--hub-token-file needs --hub") }
    }

    /// The viewer when `--hub` is given; usage errors (URL, token file) are ValidationErrors (exit 64).
    func viewer() throws -> HubViewer? {
        guard let hub else { return nil }
        var token: String?
        if let hubTokenFile {
            do { token = try HubToken.load(path: hubTokenFile) } catch { throw ValidationError("\(error)") }
        } else if let fromEnvironment = ProcessInfo.processInfo.environment["LASSOTOP_HUB_TOKEN"], !fromEnvironment.isEmpty {
            token = fromEnvironment
        }
        do { return try HubViewer(url: hub, token: token) } catch { throw ValidationError("\(error)") }
    }

    /// For `snapshot` and `check`: one read of the hub (after `watch` seconds of following it), or nil without `--hub`.
    /// An unreachable hub is an error (exit 2, like a cluster that cannot be reached).
    func load(watch: Double? = nil) async throws -> ClusterSnapshot? {
        guard let viewer = try viewer() else { return nil }
        defer { Task { await viewer.stop() } }
        if let watch, watch > 0 {
            viewer.start()
            // --watch is a duration the user asked for: alerts on the hub need that much time to judge.
            try await Task.sleep(for: .milliseconds(Int64(watch * 1000)))
        }
        do { return try await viewer.fetch() } catch {
            FileHandle.standardError.write(Data("lassotop: \(error)\n".utf8))
            throw ExitCode(CheckReport.offline)
        }
    }
}

/// The dashboard's backend when it reads a hub: snapshots come from the hub; the hub owns the polling interval and
/// there is no demo cluster to inject faults into.
struct HubBackend: DashboardBackend {
    let viewer: HubViewer

    func latestSnapshot() -> ClusterSnapshot { viewer.latestSnapshot() }
    func refreshNow() { viewer.refreshNow() }
    func changeHealthInterval(by deltaMs: Int64) {}
    var fixedIntervalReason: String? { "the hub polls the nodes (health interval \(viewer.healthIntervalMs()) ms)" }
    func healthIntervalMs() -> Int64 { viewer.healthIntervalMs() }
    func injectFault(node: String, mode: DemoFault) {}
    var sourceLabel: String? { "via hub" }
}

extension Top {
    /// The dashboard on a hub's snapshots: same views, drill-downs, filters and exports as with local polling.
    func runViewing(_ viewer: HubViewer) async throws {
        let options = try display.tuiOptions(file: try sources.loadConfigFile())
        viewer.start()
        let result: Result<Int32, any Error>
        do { result = .success(try await TUIApp.runOnDedicatedThread(backend: HubBackend(viewer: viewer), options: options)) } catch {
            result = .failure(error)
        }
        await viewer.stop()
        switch result {
        case .success(let code):
            if code != 0 { throw ExitCode(code) }
        case .failure(let error):
            FileHandle.standardError.write(Data("lassotop: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
