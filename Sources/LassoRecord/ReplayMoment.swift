import Foundation

/// `--at WHEN` of a replay: `+SECONDS` from the first snapshot, `start`, `end`, a time of day (`10:42`, `10:42:00`,
/// in the local time zone, on the recording's days) or ISO 8601 (`2026-11-30T10:42:00Z`, offsets allowed).
public enum ReplayMoment: Equatable, Sendable {
    case offset(ms: Int64)
    case start
    case end
    case timeOfDay(seconds: Int)
    case absolute(ms: Int64)

    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ text: String) throws(ParseError) -> ReplayMoment {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let usage = ParseError(description: "--at wants +SECONDS, start, end, HH:MM[:SS] or an ISO 8601 time, not '\(String(trimmed.prefix(40)))'")
        switch trimmed.lowercased() {
        case "start": return .start
        case "end": return .end
        default: break
        }
        if trimmed.hasPrefix("+") {
            guard let seconds = Double(trimmed.dropFirst()), seconds.isFinite, seconds >= 0, seconds < 1e9 else { throw usage }
            return .offset(ms: Int64((seconds * 1000).rounded()))
        }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        if (2...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) {
            let numbers = parts.compactMap { Int($0) }
            guard numbers.count == parts.count, numbers[0] < 24, numbers[1] < 60, numbers.count < 3 || numbers[2] < 60 else { throw usage }
            return .timeOfDay(seconds: numbers[0] * 3600 + numbers[1] * 60 + (numbers.count == 3 ? numbers[2] : 0))
        }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: trimmed) { return .absolute(ms: Int64((date.timeIntervalSince1970 * 1000).rounded())) }
        }
        throw usage
    }

    /// The wall-clock ms this moment names in a recording spanning `firstMs...lastMs`. A time of day is taken on the
    /// first of the recording's days (local time) on which it falls inside the recording, else on its first day.
    public func resolve(firstMs: Int64, lastMs: Int64, timeZone: TimeZone = .current) -> Int64 {
        switch self {
        case .offset(let ms): return firstMs + ms
        case .start: return firstMs
        case .end: return lastMs
        case .absolute(let ms): return ms
        case .timeOfDay(let seconds):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            var day = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(firstMs) / 1000))
            var first: Int64?
            for _ in 0..<400 {
                let ms = Int64((day.timeIntervalSince1970 + Double(seconds)) * 1000)
                if first == nil { first = ms }
                if ms >= firstMs && ms <= lastMs { return ms }
                if ms > lastMs { break }
                guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
                day = next
            }
            return first ?? firstMs
        }
    }
}
