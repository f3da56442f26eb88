import AsyncHTTPClient
import Foundation
import LassoCore
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// Options for every request lassotop makes to a node.
public struct HTTPOptions: Sendable {
    /// Total time for one request (connect + response + body).
    public var timeout: Duration = .milliseconds(MonitorConfig.defaultTimeoutMs)
    /// Bodies larger than this are an error for that node, never a crash.
    public var maxBodyBytes: Int = MonitorConfig.defaultMaxBodyMiB << 20
    /// Extra request headers (e.g. Authorization). Values are secrets: never logged or shown.
    public var headers: [(name: String, value: String)] = []
    /// PEM file of extra CA roots for https.
    public var caCertPath: String?
    /// Disable TLS certificate verification (`--insecure`).
    public var insecure = false

    public init(timeout: Duration = .milliseconds(MonitorConfig.defaultTimeoutMs), maxBodyBytes: Int = MonitorConfig.defaultMaxBodyMiB << 20, headers: [(name: String, value: String)] = [],
                caCertPath: String? = nil, insecure: Bool = false) {
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.headers = headers
        self.caCertPath = caCertPath
        self.insecure = insecure
    }

    /// A refused connect fails at once (the client does not retry it); this bounds a connect nobody answers (a
    /// dropped SYN), well inside the whole-request deadline so it is reported as a connect timeout.
    var connectTimeout: Duration { min(timeout / 2, .seconds(1)) }
}

/// The outcome of one GET: a body, or a failure already classified for `NodeTracker`.
public enum FetchResult: Sendable {
    case ok(Data, latencyMs: Double)
    case failed(NodeTracker.Failure, latencyMs: Double)
}

/// One shared AsyncHTTPClient for all nodes. Each call is bounded by the timeout and the body cap.
public final class NodeHTTPClient: Sendable {
    let client: HTTPClient
    let options: HTTPOptions

    /// Checks what `init` would reject (the CA file) without starting anything, for usage checks before start-up.
    public static func validate(_ options: HTTPOptions) throws {
        if let path = options.caCertPath { _ = try NIOSSLCertificate.fromPEMFile(path) }
    }

    public init(options: HTTPOptions) throws {
        self.options = options
        var tls = TLSConfiguration.makeClientConfiguration()
        if options.insecure { tls.certificateVerification = .none }
        if let path = options.caCertPath {
            let certificates = try NIOSSLCertificate.fromPEMFile(path)
            tls.additionalTrustRoots = [.certificates(certificates)]
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            // No read timeout: the deadline of each request (`get`) bounds all of it, body included, so an idle-read
            // timer could never fire first; arming and cancelling one on every read cost ~2 % of an idle dashboard
            // (docs/performance.md, "Seventh round").
            timeout: .init(connect: TimeAmount(options.connectTimeout)))
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        // A refused connect fails the poll at once, with the real time it took: retrying it until the connect
        // timeout would report every down node as taking the timeout. The poller asks again next interval anyway.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        // No tracer: the default is the process's (no-op) one, and a span per request cost ~10 % of an idle
        // dashboard's HTTP work (docs/performance.md, "Idle").
        configuration.tracing.tracer = nil
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Set once `shutdown()` has begun, so a second call and the deinit leave the client alone.
    private let shutDown = Atomic<Bool>(false)

    /// Closes every pooled connection and returns when they are closed. Idempotent. Call it after the last request
    /// has returned (ClusterMonitor.stop cancels and awaits its pollers first).
    public func shutdown() async {
        guard !shutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? await client.shutdown()
    }

    /// A client dropped without `shutdown()` (a start-up path that threw) would trap in AsyncHTTPClient's debug
    /// deinit; shut it down in the background instead. The HTTPClient keeps itself alive until that finishes.
    deinit {
        if !shutDown.exchange(true, ordering: .acquiringAndReleasing) {
            client.shutdown { _ in }
        }
    }

    /// `authorization` is the node's own credentials (`http://user:pass@host`), sent as the Authorization header.
    ///
    /// The whole request, body included, is bounded by `--timeout`: AsyncHTTPClient's deadline on a delegate request
    /// covers the body (on its async API it ends with the response head, and a node trickling its body would hold the
    /// poll). The accumulator collects the body on the event loop, up to the cap; one hop back to the caller.
    public func get(_ url: String, authorization: String? = nil) async -> FetchResult {
        let start = ContinuousClock.now
        func elapsed() -> Double {
            (ContinuousClock.now - start).inSeconds * 1000
        }
        var headers = HTTPHeaders()
        headers.add(name: "accept", value: "application/json")
        headers.add(name: "user-agent", value: "lassotop")
        for header in options.headers { headers.add(name: header.name, value: header.value) }
        if let authorization { headers.replaceOrAdd(name: "authorization", value: authorization) }
        let secrets = options.headers.map(\.value) + (authorization.map { [$0] } ?? [])
        do {
            let request = try HTTPClient.Request(url: url, method: .GET, headers: headers)
            let task = client.execute(request: request,
                                      delegate: ResponseAccumulator(request: request, maxBodySize: options.maxBodyBytes),
                                      deadline: .now() + TimeAmount(options.timeout))
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            let latency = elapsed()
            let body = response.body ?? ByteBuffer()
            guard response.status == .ok else {
                let message = "HTTP \(response.status.code)\(Self.hint(body, response.headers))"
                return .failed(.bad(Self.redact(message, secrets: secrets)), latencyMs: latency)
            }
            return .ok(Data(body.readableBytesView), latencyMs: latency)
        } catch {
            return .failed(Self.classify(error, options: options), latencyMs: elapsed())
        }
    }

    /// A node or proxy may echo request headers in an error page; the hint must not carry our secrets onward into
    /// logs, the snapshot or the screen.
    /// Each secret is removed as sent, JSON-escaped, and without its scheme word (`Bearer abc` echoed as `abc`);
    /// a piece of one (a message or an echo cut short) goes too once it is 6 characters long, or the whole secret
    /// when shorter.
    static func redact(_ message: String, secrets: [String]) -> String {
        let text = Array(message.unicodeScalars)
        let forms = secrets.flatMap(secretForms).map { Array($0.unicodeScalars) }
        var out = ""
        var index = 0
        while index < text.count {
            // The longest piece of any spelling starting here: an echo may mix spellings (`tok\/en<9f3a`).
            var longest = 0
            for form in forms {
                var length = 0
                while length < form.count, index + length < text.count, text[index + length] == form[length] { length += 1 }
                if length >= min(form.count, 6) { longest = max(longest, length) }
            }
            if longest > 0 {
                out += "<redacted>"
                index += longest
            } else {
                out.unicodeScalars.append(text[index])
                index += 1
            }
        }
        return out
    }

    /// The spellings in which a node can echo `value` back: as is, JSON-escaped, the credential after a scheme
    /// word, and a Basic credential decoded. Forms shorter than 4 characters are left alone (they would match
    /// ordinary text).
    static func secretForms(_ value: String) -> [String] {
        var forms = [value]
        if let space = value.firstIndex(of: " ") {
            let credential = String(value[value.index(after: space)...]).trimmingCharacters(in: .whitespaces)
            forms.append(credential)
            if value.lowercased().hasPrefix("basic "), let data = Data(base64Encoded: credential),
               let decoded = String(data: data, encoding: .utf8) {
                forms.append(decoded)
                if let colon = decoded.firstIndex(of: ":") { forms.append(String(decoded[decoded.index(after: colon)...])) }
            }
        }
        for form in forms {
            var escaped = ""
            for scalar in form.unicodeScalars {
                switch scalar {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case "/": escaped += "\\/"
                case "<": escaped += "\\u003c"   // encoders that escape HTML characters (Go's default)
                case ">": escaped += "\\u003e"
                case "&": escaped += "\\u0026"
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            if escaped != form { forms.append(escaped) }
            if form.contains("/") { forms.append(form.replacingOccurrences(of: "/", with: "\\/")) }
        }
        return Array(Set(forms.filter { $0.count >= 4 }))
    }

    /// A short hint for error pages: "(HTML)" or the first words of a JSON error.
    static func hint(_ body: ByteBuffer, _ headers: HTTPHeaders) -> String {
        let contentType = headers.first(name: "content-type") ?? ""
        if contentType.contains("html") { return " (HTML page)" }
        let text = String(buffer: body.getSlice(at: body.readerIndex, length: min(body.readableBytes, 80)) ?? ByteBuffer())
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "" : ": " + trimmed
    }

    /// NIOSSL's descriptions run to 200+ characters with a source path; keep the OpenSSL reason code only.
    static func tlsMessage(_ error: any Error) -> String {
        let text = String(describing: error)
        let reason = text.split(whereSeparator: { !$0.isUppercase && !$0.isNumber && $0 != "_" })
            .first { $0.count >= 8 && $0.contains("_") && $0.first != "_" && $0.last != "_" }
        switch reason {
        case "WRONG_VERSION_NUMBER"?: return "TLS handshake failed (WRONG_VERSION_NUMBER: not a TLS server?)"
        case let reason?: return "TLS handshake failed (\(reason))"
        case nil: return "TLS handshake failed"
        }
    }

    static func classify(_ error: any Error, options: HTTPOptions) -> NodeTracker.Failure {
        let timeoutText = String(format: "timeout after %.1fs", options.timeout.inSeconds)
        if error is ResponseAccumulator.ResponseTooBigError || error is NIOTooManyBytesError {
            return .bad("body larger than \(options.maxBodyBytes / (1 << 20)) MiB")
        }
        if let httpError = error as? HTTPClientError {
            switch httpError {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return .unreachable(timeoutText)
            case .connectTimeout:
                // Nobody answered the connect (a refused one fails at once): treated as "not listening", cheap to retry.
                return .refused("connection refused or unreachable (connect timeout)")
            case .remoteConnectionClosed:
                return .unreachable("connection closed by node")
            case .tlsHandshakeTimeout:
                return .unreachable("TLS handshake timeout")
            case .invalidURL, .emptyHost, .emptyScheme:
                return .bad("invalid URL")
            default:
                return .unreachable(String(describing: httpError))
            }
        }
        if error is NIOSSLError {
            return .bad(tlsMessage(error))
        }
        if error is BoringSSLError {
            return .bad("TLS handshake failed (certificate?)")
        }
        let text = String(describing: error)
        if text.contains("refused") || text.contains("ECONNREFUSED") { return .refused("connection refused") }
        if text.contains("reset") || text.contains("ECONNRESET") { return .unreachable("connection reset") }
        if text.lowercased().contains("timeout") || text.lowercased().contains("timed out") { return .unreachable(timeoutText) }
        if text.contains("certificate") || text.contains("SSL") { return .bad("TLS error") }
        if text.contains("UnknownHost") || text.contains("Name or service not known") || text.contains("nodename nor servname") {
            return .unreachable("host name not found (DNS)")
        }
        return .unreachable(String(userText(text).prefix(120)))
    }

    /// Error descriptions without Swift type names (`SocketAddressError.UnknownHost: …` → `…`): the user reads
    /// the reason, not the type that carried it.
    static func userText(_ text: String) -> String {
        let cleaned = text.replacingOccurrences(of: #"\b[A-Z][A-Za-z0-9]*(Error|Exception)(\.[A-Za-z0-9]+)*(\([^)]*\))?:?\s*"#, with: "",
                                                options: .regularExpression)
        let trimmed = cleaned.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "connection failed" : trimmed
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
