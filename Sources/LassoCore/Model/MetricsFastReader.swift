import Foundation

/// A byte-level reader for the one shape of `GET /api/metrics/:chain` bodies, about 3× Foundation's `JSONDecoder`.
///
/// It reads only the well-formed common case and gives up (returns nil) on anything else, so `MetricsResponse.decode`
/// can hand that body to the tolerant `JSONDecoder` path and get its result or its error: a type it does not expect,
/// a string with an escape, a control or a non-ASCII byte, a negative number or an exponent, a duplicated known key,
/// deep nesting, a value the tolerant rules would reject or drop (out of range, a fraction above 1 + slack, a missing
/// required field), bytes after the body. Values it does accept decode exactly as `MetricsResponse.init(from:)` would
/// (Tests/LassoCoreTests/MetricsFastReaderTests.swift checks that differentially, on thousands of mutated bodies).
struct MetricsFastReader {
    struct Bail: Error {}

    /// A key or string value: offsets into the body.
    struct Span {
        var start: Int
        var count: Int
    }

    /// A JSON number as written, checked against the JSON grammar, not yet converted.
    struct Number {
        var start = 0
        var end = 0
        var negative = false
        var hasDot = false
        var hasExponent = false
        /// Digits before and after the point; `mantissa` holds them all while there are at most 19.
        var digits = 0
        var fractionDigits = 0
        var mantissa: UInt64 = 0
    }

    let base: UnsafePointer<UInt8>
    /// One past the last byte of the body.
    let end: Int
    var pos = 0
    /// Method names and provider ids are taken from here when given (`sharedName`), so every body read with one
    /// table holds one copy of each.
    var names: NameTable.Session?

    static func read(_ body: Data, names table: NameTable? = nil) -> MetricsResponse? {
        body.withUnsafeBytes { raw -> MetricsResponse? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count > 0 else { return nil }
            var reader = MetricsFastReader(base: base, end: raw.count, names: table?.begin())
            do {
                let response = try reader.response()
                if let table, let session = reader.names { table.end(session) }
                return response
            } catch {
                return nil
            }
        }
    }

    // MARK: - Tokens

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let b = base[pos]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            pos += 1
        }
    }

    @inline(__always)
    mutating func peek() throws(Bail) -> UInt8 {
        skipWhitespace()
        guard pos < end else { throw Bail() }
        return base[pos]
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(Bail) {
        guard try peek() == byte else { throw Bail() }
        pos += 1
    }

    mutating func literal(_ text: StaticString) throws(Bail) {
        let n = text.utf8CodeUnitCount
        guard pos + n <= end, memcmp(base + pos, text.utf8Start, n) == 0 else { throw Bail() }
        pos += n
    }

    /// Consumes `null` if that is the next value.
    @inline(__always)
    mutating func takeNull() throws(Bail) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// A string of printable ASCII without escapes; anything else is left to Foundation.
    mutating func plainString() throws(Bail) -> Span {
        try expect(UInt8(ascii: "\""))
        let start = pos
        while pos < end {
            let b = base[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return Span(start: start, count: pos - 1 - start)
            }
            guard b >= 0x20, b < 0x80, b != UInt8(ascii: "\\") else { throw Bail() }
            pos += 1
        }
        throw Bail()
    }

    mutating func string() throws(Bail) -> String {
        let span = try plainString()
        return String(decoding: UnsafeBufferPointer(start: base + span.start, count: span.count), as: UTF8.self)
    }

    mutating func optionalString() throws(Bail) -> String? {
        try takeNull() ? nil : try string()
    }

    /// `string()`, shared through `names` when there is a table.
    mutating func sharedName() throws(Bail) -> String {
        guard names != nil else { return try string() }
        let span = try plainString()
        return names!.name(UnsafeBufferPointer(start: base + span.start, count: span.count))
    }

    mutating func optionalSharedName() throws(Bail) -> String? {
        try takeNull() ? nil : try sharedName()
    }

    @inline(__always)
    func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    mutating func number() throws(Bail) -> Number {
        var n = Number()
        skipWhitespace()
        n.start = pos
        if pos < end, base[pos] == UInt8(ascii: "-") { n.negative = true; pos += 1 }
        guard pos < end, isDigit(base[pos]) else { throw Bail() }
        if base[pos] == UInt8(ascii: "0") {
            n.digits = 1
            pos += 1
        } else {
            while pos < end, isDigit(base[pos]) { n.addDigit(base[pos]); pos += 1 }
        }
        if pos < end, base[pos] == UInt8(ascii: ".") {
            n.hasDot = true
            pos += 1
            guard pos < end, isDigit(base[pos]) else { throw Bail() }
            while pos < end, isDigit(base[pos]) { n.addDigit(base[pos]); n.fractionDigits += 1; pos += 1 }
        }
        if pos < end, base[pos] | 0x20 == UInt8(ascii: "e") {
            n.hasExponent = true
            pos += 1
            if pos < end, base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < end, isDigit(base[pos]) else { throw Bail() }
            while pos < end, isDigit(base[pos]) { pos += 1 }
        }
        n.end = pos
        return n
    }

    /// `decodeCount`: a non-negative integer below `countLimit`. A float such as `1200.0` is accepted by the
    /// tolerant path; this reader leaves it to that path.
    mutating func count() throws(Bail) -> Int {
        let n = try number()
        guard !n.negative, !n.hasDot, !n.hasExponent, n.digits <= 18,
              n.mantissa < UInt64(KeyedDecodingContainer<MetricsResponse.CodingKeys>.countLimit) else { throw Bail() }
        return Int(n.mantissa)
    }

    mutating func optionalCount() throws(Bail) -> Int? {
        try takeNull() ? nil : try count()
    }

    static let powersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                        1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// `decodeNumber`: a finite figure in 0...numberLimit, converted as `JSONDecoder` converts it (an integer through
    /// Int64, anything else correctly rounded).
    mutating func figure() throws(Bail) -> Double {
        let n = try number()
        guard !n.negative else { throw Bail() }
        let value: Double
        if !n.hasDot, !n.hasExponent, n.digits <= 18 {
            value = Double(Int64(n.mantissa))
        } else if !n.hasExponent, n.digits <= 19, n.mantissa <= 1 << 53, n.fractionDigits <= 22 {
            // Both operands are exact doubles, so one IEEE division is the correctly rounded result.
            value = Double(n.mantissa) / Self.powersOfTen[n.fractionDigits]
        } else {
            // Long or exponent forms are rare: the standard library's correctly rounded parser.
            let text = String(decoding: UnsafeBufferPointer(start: base + n.start, count: n.end - n.start), as: UTF8.self)
            guard let parsed = Double(text) else { throw Bail() }
            value = parsed
        }
        guard value.isFinite, value >= 0, value <= KeyedDecodingContainer<MetricsResponse.CodingKeys>.numberLimit else {
            throw Bail()
        }
        return value
    }

    mutating func optionalFigure() throws(Bail) -> Double? {
        try takeNull() ? nil : try figure()
    }

    /// `decodeFractionIfPresent`: a figure up to 1 + slack, clamped to 1.
    mutating func optionalFraction() throws(Bail) -> Double? {
        guard let value = try optionalFigure() else { return nil }
        guard value <= 1 + KeyedDecodingContainer<MetricsResponse.CodingKeys>.fractionSlack else { throw Bail() }
        return min(value, 1)
    }

    // MARK: - Containers

    /// The next key of an object whose `{` was consumed, or nil at its `}`; consumes the `:`.
    mutating func nextKey(_ first: inout Bool) throws(Bail) -> Span? {
        let b = try peek()
        if b == UInt8(ascii: "}") { pos += 1; return nil }
        if first {
            first = false
        } else {
            guard b == UInt8(ascii: ",") else { throw Bail() }
            pos += 1
        }
        let key = try plainString()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// True when another element of an array whose `[` was consumed follows; false at its `]`.
    mutating func nextElement(_ first: inout Bool) throws(Bail) -> Bool {
        let b = try peek()
        if b == UInt8(ascii: "]") { pos += 1; return false }
        if first {
            first = false
        } else {
            guard b == UInt8(ascii: ",") else { throw Bail() }
            pos += 1
        }
        return true
    }

    /// `match`, trying `guess` first: objects of one page mostly list their keys in the same order, so the index
    /// that followed the previous key last time is usually right with one comparison.
    @inline(__always)
    func match(_ key: Span, _ names: [StaticString], guess: Int) -> Int? {
        if guess >= 0, guess < names.count, names[guess].utf8CodeUnitCount == key.count,
           memcmp(base + key.start, names[guess].utf8Start, key.count) == 0 {
            return guess
        }
        return match(key, names)
    }

    /// Index of `key` in `names`, or nil for a key this shape does not decode.
    @inline(__always)
    func match(_ key: Span, _ names: [StaticString]) -> Int? {
        for (index, name) in names.enumerated() where name.utf8CodeUnitCount == key.count {
            if memcmp(base + key.start, name.utf8Start, key.count) == 0 { return index }
        }
        return nil
    }

    /// Marks a known key as seen: a duplicated one is left to Foundation (it keeps the first).
    @inline(__always)
    func mark(_ index: Int, _ seen: inout UInt32) throws(Bail) {
        let bit: UInt32 = 1 << UInt32(index)
        guard seen & bit == 0 else { throw Bail() }
        seen |= bit
    }

    /// Steps over a value this shape does not use, checking it is plain JSON.
    mutating func skipValue(depth: Int) throws(Bail) {
        guard depth < 32 else { throw Bail() }
        switch try peek() {
        case UInt8(ascii: "{"):
            pos += 1
            var first = true
            while try nextKey(&first) != nil { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            pos += 1
            var first = true
            while try nextElement(&first) { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try plainString()
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        default: _ = try number()
        }
    }

    /// An array (`[]` when null) whose elements are read by `element`.
    mutating func array<T>(_ element: (inout MetricsFastReader) throws(Bail) -> T) throws(Bail) -> [T] {
        if try takeNull() { return [] }
        try expect(UInt8(ascii: "["))
        var out: [T] = []
        var first = true
        while try nextElement(&first) { out.append(try element(&self)) }
        return out
    }

    // MARK: - The shape

    static let topKeys: [StaticString] = ["chain", "chain_id", "timestamp", "system_metrics", "chain_performance",
                                          "providers", "rpc_methods", "rpc_performance_by_provider", "last_updated"]

    mutating func response() throws(Bail) -> MetricsResponse {
        try expect(UInt8(ascii: "{"))
        var seen: UInt32 = 0
        var chain: String?
        var chainID: Int?
        var timestamp = 0
        var system: SystemMetrics?
        var totalCalls = 0
        var providers: [ProviderMetrics] = []
        var methods: [String] = []
        var byProvider: [ProviderMethods] = []
        var lastUpdated = 0
        var first = true
        while let key = try nextKey(&first) {
            guard let index = match(key, Self.topKeys) else { try skipValue(depth: 1); continue }
            try mark(index, &seen)
            switch index {
            case 0: chain = try string()
            case 1: chainID = try count()
            case 2: timestamp = try optionalCount() ?? 0
            case 3: system = try takeNull() ? nil : try systemMetrics()
            case 4: totalCalls = try takeNull() ? 0 : try chainPerformance()
            case 5: providers = try array { (r: inout MetricsFastReader) throws(Bail) in try r.provider() }
            case 6: methods = try array { (r: inout MetricsFastReader) throws(Bail) in try r.sharedName() }
            case 7: byProvider = try array { (r: inout MetricsFastReader) throws(Bail) in try r.providerMethods() }
            default: lastUpdated = try optionalCount() ?? 0
            }
        }
        skipWhitespace()
        guard pos == end, let chain, let chainID else { throw Bail() }
        return MetricsResponse(chain: chain, chainID: chainID, timestamp: Int64(timestamp), systemMetrics: system,
                               totalCalls: totalCalls, providers: providers, rpcMethods: methods,
                               methodsByProvider: byProvider, lastUpdated: Int64(lastUpdated))
    }

    static let systemKeys: [StaticString] = ["memory_mb", "cpu_percent", "process_count", "run_queue"]

    mutating func systemMetrics() throws(Bail) -> SystemMetrics {
        try expect(UInt8(ascii: "{"))
        var seen: UInt32 = 0
        var out = SystemMetrics(memoryMB: 0, cpuPercent: 0, processCount: 0, runQueue: 0)
        var first = true
        while let key = try nextKey(&first) {
            guard let index = match(key, Self.systemKeys) else { try skipValue(depth: 2); continue }
            try mark(index, &seen)
            switch index {
            case 0: out.memoryMB = try optionalFigure() ?? 0
            case 1: out.cpuPercent = try optionalFigure() ?? 0
            case 2: out.processCount = try optionalCount() ?? 0
            default: out.runQueue = try optionalCount() ?? 0
            }
        }
        return out
    }

    mutating func chainPerformance() throws(Bail) -> Int {
        try expect(UInt8(ascii: "{"))
        var total: Int?
        var first = true
        while let key = try nextKey(&first) {
            guard match(key, ["total_calls"]) != nil else { try skipValue(depth: 2); continue }
            guard total == nil else { throw Bail() }
            total = try optionalCount() ?? 0
        }
        return total ?? 0
    }

    static let providerKeys: [StaticString] = ["id", "name", "score", "success_rate", "total_calls", "avg_latency_ms",
                                               "calls_last_minute"]

    mutating func provider() throws(Bail) -> ProviderMetrics {
        try expect(UInt8(ascii: "{"))
        var seen: UInt32 = 0
        var out = ProviderMetrics(id: "", name: nil, score: 0, successRate: 0, totalCalls: 0, avgLatencyMs: 0)
        var first = true
        while let key = try nextKey(&first) {
            guard let index = match(key, Self.providerKeys) else { try skipValue(depth: 3); continue }
            try mark(index, &seen)
            switch index {
            case 0: out.id = try sharedName()
            case 1: out.name = try optionalSharedName()
            case 2: out.score = try optionalFigure() ?? 0
            case 3: out.successRate = try optionalFraction() ?? 0
            case 4: out.totalCalls = try count()
            case 5: out.avgLatencyMs = try optionalFigure() ?? 0
            default: out.callsLastMinute = try optionalCount() ?? 0
            }
        }
        // `id` and `total_calls` are required: without them the tolerant path drops this entry and names it.
        guard seen & 0b1_0001 == 0b1_0001 else { throw Bail() }
        return out
    }

    static let providerMethodsKeys: [StaticString] = ["provider_id", "provider_name", "methods"]

    mutating func providerMethods() throws(Bail) -> ProviderMethods {
        try expect(UInt8(ascii: "{"))
        var seen: UInt32 = 0
        var out = ProviderMethods(providerID: "", providerName: nil, methods: [])
        var first = true
        while let key = try nextKey(&first) {
            guard let index = match(key, Self.providerMethodsKeys) else { try skipValue(depth: 3); continue }
            try mark(index, &seen)
            switch index {
            case 0: out.providerID = try sharedName()
            case 1: out.providerName = try optionalSharedName()
            default: out.methods = try array { (r: inout MetricsFastReader) throws(Bail) in try r.method() }
            }
        }
        guard seen & 1 == 1 else { throw Bail() }
        return out
    }

    static let methodKeys: [StaticString] = ["method", "avg_latency_ms", "p50_latency_ms", "p90_latency_ms",
                                             "p95_latency_ms", "p99_latency_ms", "success_rate", "total_calls",
                                             "last_updated"]

    mutating func method() throws(Bail) -> MethodMetrics {
        try expect(UInt8(ascii: "{"))
        var seen: UInt32 = 0
        var out = MethodMetrics(method: "", avgLatencyMs: nil, p50: 0, p90: 0, p95: 0, p99: 0, successRate: nil,
                                totalCalls: 0, lastUpdated: 0)
        var first = true
        while let key = try nextKey(&first) {
            guard let index = match(key, Self.methodKeys) else { try skipValue(depth: 5); continue }
            try mark(index, &seen)
            switch index {
            case 0: out.method = try sharedName()
            case 1: out.avgLatencyMs = try optionalFigure()
            case 2: out.p50 = try optionalFigure() ?? 0
            case 3: out.p90 = try optionalFigure() ?? 0
            case 4: out.p95 = try optionalFigure() ?? 0
            case 5: out.p99 = try optionalFigure() ?? 0
            case 6: out.successRate = try optionalFraction()
            case 7: out.totalCalls = try count()
            default: out.lastUpdated = Int64(try optionalCount() ?? 0)
            }
        }
        guard seen & 0b1000_0001 == 0b1000_0001 else { throw Bail() }
        return out
    }
}

extension MetricsFastReader.Number {
    @inline(__always)
    mutating func addDigit(_ byte: UInt8) {
        digits += 1
        if digits <= 19 { mantissa = mantissa &* 10 &+ UInt64(byte &- 0x30) }
    }
}
