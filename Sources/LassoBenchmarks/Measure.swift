import Foundation
import LassoCore

/// One measured figure: median and spread over several runs after a warm-up, with its budget.
public struct Figure: Encodable {
    public enum Direction: String, Encodable { case atLeast = ">=", atMost = "<=" }
    public let name: String
    public let unit: String
    public let median: Double
    public let min: Double
    public let max: Double
    public let budget: Double?
    public let direction: Direction
    public let note: String?

    public var pass: Bool? {
        guard let budget else { return nil }
        return direction == .atLeast ? median >= budget : median <= budget
    }

    enum CodingKeys: String, CodingKey { case name, unit, median, min, max, budget, direction, note, pass }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(unit, forKey: .unit)
        try c.encode(median, forKey: .median)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
        try c.encodeIfPresent(budget, forKey: .budget)
        try c.encode(direction, forKey: .direction)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encodeIfPresent(pass, forKey: .pass)
    }
}

public enum Measure {
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start).inSeconds
    }

    public static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        return (ContinuousClock.now - start).inSeconds
    }

    /// Runs `body` once to warm up, then `runs` times; returns the values `value(seconds)` maps each run to.
    public static func repeated(runs: Int, warmup: Int = 1, _ body: () throws -> Double) rethrows -> [Double] {
        for _ in 0..<warmup { _ = try body() }
        return try (0..<runs).map { _ in try body() }
    }

    public static func figure(_ name: String, unit: String, values: [Double], budget: Double?, _ direction: Figure.Direction,
                       note: String? = nil) -> Figure {
        let sorted = values.sorted()
        let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        return Figure(name: name, unit: unit, median: median, min: sorted.first ?? 0, max: sorted.last ?? 0, budget: budget,
                      direction: direction, note: note)
    }

    /// RSS after asking glibc to give freed pages back (`malloc_trim(0)`), so memory that earlier work freed but malloc
    /// kept does not hide or fake growth. malloc_trim is looked up at run time (Swift's Glibc module omits malloc.h).
    public static func trimmedResidentBytes() -> Int? {
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        return residentBytes()
    }

    /// Resident set size of this process in bytes (Linux /proc).
    public static func residentBytes(pid: Int32 = getpid()) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}
