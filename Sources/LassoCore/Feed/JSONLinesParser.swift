import Foundation

/// Why a JSON line did not become a feed event. Callers count these as malformed; none is fatal.
public enum FeedLineError: Error, Equatable, Sendable, CustomStringConvertible {
    case notJSON
    case notAnObject
    case missingField(String)
    case invalidField(String)

    public var description: String {
        switch self {
        case .notJSON: return "not JSON"
        case .notAnObject: return "not a JSON object"
        case .missingField(let field): return "missing \(field)"
        case .invalidField(let field): return "invalid \(field)"
        }
    }
}

/// Turns one line of `--events-from` input into a feed event (formats in docs/feed.md, "JSON lines"):
/// - the events endpoint v1 object (`FeedEvent`'s JSON);
/// - Lasso's documented `rpc.request.completed` log object (docs/lasso-compat.md §4), both the documented shape (`chain`
///   name) and the one the code builds (`chain_id` integer).
public enum JSONLinesParser {
    static let requestCompleted = "rpc.request.completed"

    /// nil for a blank line (skipped, not malformed). `nowMs` stands in for a log object without a timestamp.
    public static func parse(line: some StringProtocol, nowMs: Int64) -> Result<FeedEvent, FeedLineError>? {
        guard line.contains(where: { !$0.isWhitespace }) else { return nil }
        let data = Data(line.utf8)
        // Fast path for the common case: a line that cannot be a log object is decoded once, straight into an event.
        if !line.contains("\"event\"") {
            return decodeEvent(data)
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any] else {
                return .failure(.notAnObject)
            }
            object = parsed
        } catch {
            return .failure(.notJSON)
        }
        if let event = object["event"] as? String, event == requestCompleted {
            return requestCompletedEvent(object, nowMs: nowMs)
        }
        return decodeEvent(data)
    }

    static func decodeEvent(_ data: Data) -> Result<FeedEvent, FeedLineError> {
        do {
            return .success(try JSONDecoder().decode(FeedEvent.self, from: data))
        } catch let DecodingError.keyNotFound(key, context) {
            return .failure(.missingField(LassoJSON.path(context.codingPath + [key])))
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.isEmpty {
            return .failure(.notAnObject)
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            return .failure(.notJSON)
        } catch let error as DecodingError {
            return .failure(.invalidField(LassoJSON.describe(error, endpoint: "").field))
        } catch {
            return .failure(.notJSON)
        }
    }

    /// `rpc.request.completed` → a routing event. Required: `request_id`, `chain` or `chain_id`, `jsonrpc_method`,
    /// `routing.selected_provider.id`, `response.status`. Optional: `timing.end_to_end_latency_ms`, `transport`
    /// (else `selected_provider.protocol`), `strategy`, `routing.retries`, `source_node_id`, and the time as `ts`
    /// (ms) or `timestamp`/`time` (ms or ISO-8601); without one, `nowMs`.
    static func requestCompletedEvent(_ object: [String: Any], nowMs: Int64) -> Result<FeedEvent, FeedLineError> {
        guard let requestID = object["request_id"] as? String, !requestID.isEmpty else { return .failure(.missingField("request_id")) }
        guard let method = object["jsonrpc_method"] as? String else { return .failure(.missingField("jsonrpc_method")) }
        let routing = object["routing"] as? [String: Any]
        let selected = routing?["selected_provider"] as? [String: Any]
        guard let providerID = selected?["id"] as? String else { return .failure(.missingField("routing.selected_provider.id")) }
        guard let status = (object["response"] as? [String: Any])?["status"] as? String else {
            return .failure(.missingField("response.status"))
        }

        var chain: String?
        var chainID: Int?
        switch object["chain"] {
        case let name as String: chain = name
        case let number as NSNumber where !isBool(number): chainID = exactInt(number)
        default: break
        }
        switch object["chain_id"] {
        case let number as NSNumber where !isBool(number):
            guard let id = exactInt(number) else { return .failure(.invalidField("chain_id")) }
            chainID = id
        case let text as String:
            guard let id = Int(text) else { return .failure(.invalidField("chain_id")) }
            chainID = id
        default: break
        }
        guard chain != nil || chainID != nil else { return .failure(.missingField("chain")) }

        var duration: Int?
        if let latency = (object["timing"] as? [String: Any])?["end_to_end_latency_ms"] {
            guard let number = latency as? NSNumber, !isBool(number), number.doubleValue.isFinite, number.doubleValue >= 0,
                  number.doubleValue < 9e15 else {
                return .failure(.invalidField("timing.end_to_end_latency_ms"))
            }
            duration = Int(number.doubleValue)   // Lasso truncates elapsed µs / 1000 the same way
        }

        let ts: Int64
        switch timestamp(object) {
        case .some(.some(let value)): ts = value
        case .some(.none): return .failure(.invalidField("ts"))
        case .none: ts = nowMs
        }

        let retries = (routing?["retries"] as? NSNumber).flatMap(exactInt) ?? 0
        return .success(FeedEvent(kind: .routing, ts: ts, requestID: requestID, sourceNodeID: object["source_node_id"] as? String,
                                  chainID: chainID, chain: chain, method: method, strategy: object["strategy"] as? String,
                                  providerID: providerID,
                                  transport: (object["transport"] as? String) ?? (selected?["protocol"] as? String),
                                  durationMs: duration, result: status, failoverCount: max(0, retries)))
    }

    /// nil: no time field; .some(nil): a time field that cannot be read.
    private static func timestamp(_ object: [String: Any]) -> Int64?? {
        for key in ["ts", "timestamp", "time"] {
            guard let value = object[key] else { continue }
            if let number = value as? NSNumber, !isBool(number) {
                let ms = number.doubleValue
                guard ms.isFinite, ms >= 0, ms < 9e15 else { return .some(nil) }
                return .some(Int64(ms))
            }
            if let text = value as? String, key != "ts" {
                return .some(iso8601Ms(text))
            }
            return .some(nil)
        }
        return nil
    }

    static func iso8601Ms(_ text: String) -> Int64? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) {
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        return nil
    }

    private static func isBool(_ number: NSNumber) -> Bool {
        // JSONSerialization yields booleans as NSNumber too (type code "c"); they are not numbers here.
        String(cString: number.objCType) == "c"
    }

    private static func exactInt(_ number: NSNumber) -> Int? {
        let value = number.doubleValue
        guard value.isFinite, value.rounded() == value, abs(value) < 9e15 else { return nil }
        return Int(value)
    }
}
