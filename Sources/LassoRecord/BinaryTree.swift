/// The compact binary form of a record (format versions 2 and 3, docs/replay.md "The file format"): the same tree a
/// version-1 file stores as a JSON line, written so that the compressor sees far fewer bytes and far less noise —
///
/// - strings are interned per block: the first occurrence is written out and numbered, later ones are the number
///   (keys, node, chain, provider and method names, enum values …);
/// - request ids and other hex or base64url tokens are stored as their raw bytes (16 bytes instead of 32 hex digits),
///   in version 3 in the chunk's token section, outside the compressed stream;
/// - integers are zigzag varints, written as the difference from the previous integer under the same key when that
///   is shorter (event and record times become a byte or two);
/// - other numbers keep their exact decimal text, so decoding gives the same `Double`s (version 3 stores them as a
///   ratio or a decimal when that is shorter and gives back the same text).
///
/// The encoder and decoder keep the same per-block state and start empty at each block (keyframe), so a block
/// decodes without anything before it. The decoder bounds every count, length, index and depth: a hostile file
/// throws, never traps or allocates without bound.
enum BinaryTree {
    enum Tag: UInt8 {
        case null = 0, `false` = 1, `true` = 2
        /// varint: index into the block's string table.
        case stringRef = 3
        /// varint length + UTF-8; appended to the string table.
        case stringNew = 4
        /// varint n + n bytes: a lowercase hex string of 2n digits.
        case hex = 5
        /// varint n + n bytes (n a multiple of 3): a base64url string (no padding) of 4n/3 characters.
        case base64 = 6
        /// zigzag varint: the previous integer under the same key plus this.
        case intDelta = 7
        /// zigzag varint.
        case int = 8
        /// varint length + the number's JSON text.
        case numberText = 9
        /// varint count + values.
        case array = 10
        /// varint count + (key, value) pairs; a key is a string value.
        case object = 11
        /// varint length + UTF-8, not interned (long or one-off strings).
        case stringLiteral = 12
        /// Version 3: zigzag varint n, varint d, zigzag varint k — the number whose text is the Double n/d moved k
        /// steps (ulps, |k| ≤ 2) up or down, written the way Swift prints a Double (`70.33333333333333` is 211/3).
        case ratio = 13
        /// Version 3: zigzag varint mantissa, then the count of fraction digits (1–18): `46.62` is 4662 and 2.
        case decimal = 14
    }

    /// Strings longer than this are written literally (alert explanations, messages), not interned.
    static let internLimit = 64
    /// The string table stops growing here (a block of a large cluster holds a few thousand names).
    static let maxTableEntries = 1 << 16
    /// Hex and base64url tokens at least this long are stored as raw bytes.
    static let tokenMinimum = 16

    /// Operation keys of a delta (TreeDelta) and a record: an integer under one of them is keyed by the member
    /// around it, so a replaced time `{"v": …}` is a difference from the previous time.
    static let transparentKeys: Set<String> = ["v", "o", "i", "e", "m", "r", "k", "d"]

    /// Tags that start a string (an object key is one of these).
    static func isStringTag(_ tag: Tag) -> Bool {
        switch tag {
        case .stringRef, .stringNew, .hex, .base64, .stringLiteral: return true
        default: return false
        }
    }

    /// The state both sides keep per block: the string table, and per table entry whether it is an operation key
    /// and the last integer stored under it. Integers are keyed by the table index of their member name (-1: none,
    /// no delta), so the decoder's hot path hashes nothing but the object members it builds.
    struct Table {
        var transparent: [Bool] = []
        var lastInt: [Int64?] = []

        mutating func add(_ text: String) {
            transparent.append(BinaryTree.transparentKeys.contains(text))
            lastInt.append(nil)
        }

        /// The integer context of a member named by table entry `index` (-1: not in the table) inside `outer`.
        func context(member index: Int, outer: Int) -> Int {
            index < 0 ? -1 : transparent[index] ? outer : index
        }
    }

    struct Encoder {
        private var table: [String: Int] = [:]
        private var state = Table()
        /// 2 or 3. Version 3 writes token bytes to `side` (the chunk keeps them out of the compressed stream: random
        /// bytes among the records cost more than their size and break the compressor's matches), stores numbers as
        /// ratios or decimals when that is shorter, and takes a string for a token only if it has a digit or an
        /// uppercase letter (so names such as `ethereum_alchemy` are interned, not stored as base64 bytes).
        let version: UInt8
        /// Version 3: the raw bytes of the tokens written so far, in order (the writer moves them into the chunk).
        var side: [UInt8] = []

        init(version: UInt8 = 2) { self.version = version }

        mutating func encode(_ tree: JSONTree, into out: inout [UInt8]) {
            value(tree, key: -1, into: &out)
        }

        private mutating func value(_ tree: JSONTree, key: Int, into out: inout [UInt8]) {
            switch tree {
            case .null: out.append(Tag.null.rawValue)
            case .bool(let flag): out.append(flag ? Tag.true.rawValue : Tag.false.rawValue)
            case .string(let text): _ = string(text, into: &out)
            case .number(let text):
                if let n = BinaryTree.canonicalInt(text) {
                    let absolute = BinaryTree.zigzag(n)
                    if key >= 0, let previous = state.lastInt[key], case (let delta, false) = n.subtractingReportingOverflow(previous),
                       BinaryTree.varintSize(BinaryTree.zigzag(delta)) < BinaryTree.varintSize(absolute) {
                        out.append(Tag.intDelta.rawValue)
                        BinaryTree.appendVarint(BinaryTree.zigzag(delta), to: &out)
                    } else {
                        out.append(Tag.int.rawValue)
                        BinaryTree.appendVarint(absolute, to: &out)
                    }
                    if key >= 0 { state.lastInt[key] = n }
                } else if version >= 3, BinaryTree.appendCompactNumber(text, to: &out) {
                    // ratio or decimal
                } else {
                    out.append(Tag.numberText.rawValue)
                    BinaryTree.appendVarint(UInt64(text.utf8.count), to: &out)
                    out.append(contentsOf: text.utf8)
                }
            case .array(let items):
                out.append(Tag.array.rawValue)
                BinaryTree.appendVarint(UInt64(items.count), to: &out)
                for item in items { value(item, key: key, into: &out) }
            case .object(let members):
                out.append(Tag.object.rawValue)
                BinaryTree.appendVarint(UInt64(members.count), to: &out)
                // Sorted: the same shape gives the same bytes, which is what the compressor feeds on.
                for name in members.keys.sorted() {
                    let index = string(name, into: &out)
                    value(members[name]!, key: state.context(member: index, outer: key), into: &out)
                }
            }
        }

        /// Writes `text`; returns its table index, -1 when it is not in the table.
        @discardableResult
        private mutating func string(_ text: String, into out: inout [UInt8]) -> Int {
            if let index = table[text] {
                out.append(Tag.stringRef.rawValue)
                BinaryTree.appendVarint(UInt64(index), to: &out)
                return index
            }
            let utf8 = text.utf8
            if utf8.count >= BinaryTree.tokenMinimum, version < 3 || BinaryTree.looksRandom(utf8) {
                if let raw = BinaryTree.hexBytes(utf8) {
                    token(.hex, raw, into: &out)
                    return -1
                }
                if let raw = BinaryTree.base64Bytes(utf8) {
                    token(.base64, raw, into: &out)
                    return -1
                }
            }
            var index = -1
            if utf8.count <= BinaryTree.internLimit, table.count < BinaryTree.maxTableEntries {
                index = table.count
                table[text] = index
                state.add(text)
                out.append(Tag.stringNew.rawValue)
            } else {
                out.append(Tag.stringLiteral.rawValue)
            }
            BinaryTree.appendVarint(UInt64(utf8.count), to: &out)
            out.append(contentsOf: utf8)
            return index
        }

        private mutating func token(_ tag: Tag, _ raw: [UInt8], into out: inout [UInt8]) {
            out.append(tag.rawValue)
            BinaryTree.appendVarint(UInt64(raw.count), to: &out)
            if version >= 3 { side.append(contentsOf: raw) } else { out.append(contentsOf: raw) }
        }
    }

    struct DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "bad record at byte \(offset) of its chunk: \(reason)" }
    }

    struct Decoder {
        private var table: [String] = []
        private var state = Table()
        let version: UInt8
        /// Version 3: the current chunk's token bytes, read in order (`sideIndex`); set by the block decoder per chunk.
        var side: [UInt8] = []
        var sideIndex = 0

        init(version: UInt8 = 2) { self.version = version }

        /// Decodes the value at `index`, advancing it.
        mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(DecodeError) -> JSONTree {
            try value(bytes, &index, key: -1, depth: 0)
        }

        private mutating func value(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, key: Int, depth: Int)
            throws(DecodeError) -> JSONTree {
            guard depth < JSONTree.maxDepth else { throw DecodeError(offset: index, reason: "nested too deep") }
            guard index < bytes.count else { throw DecodeError(offset: index, reason: "unexpected end") }
            let tagByte = bytes[index]
            guard let tag = Tag(rawValue: tagByte) else { throw DecodeError(offset: index, reason: "unknown tag \(tagByte)") }
            index += 1
            switch tag {
            case .null: return .null
            case .false: return .bool(false)
            case .true: return .bool(true)
            case .stringRef, .stringNew, .hex, .base64, .stringLiteral:
                return .string(try string(tag, bytes, &index).text)
            case .int, .intDelta:
                let raw = try BinaryTree.readVarint(bytes, &index)
                var n = BinaryTree.unzigzag(raw)
                if tag == .intDelta {
                    guard key >= 0, let previous = state.lastInt[key] else {
                        throw DecodeError(offset: index, reason: "integer delta without a base")
                    }
                    let (sum, overflow) = previous.addingReportingOverflow(n)
                    guard !overflow else { throw DecodeError(offset: index, reason: "integer out of range") }
                    n = sum
                }
                if key >= 0 { state.lastInt[key] = n }
                return .int(n)
            case .numberText:
                let text = try BinaryTree.readBytes(bytes, &index)
                guard BinaryTree.isJSONNumber(text) else { throw DecodeError(offset: index, reason: "bad number") }
                return .number(String(decoding: text, as: UTF8.self))
            case .ratio, .decimal:
                guard version >= 3 else { throw DecodeError(offset: index, reason: "unknown tag \(tagByte)") }
                return .number(try tag == .ratio ? BinaryTree.readRatio(bytes, &index) : BinaryTree.readDecimal(bytes, &index))
            case .array:
                let count = try BinaryTree.readCount(bytes, &index)
                var items: [JSONTree] = []
                items.reserveCapacity(count)
                for _ in 0..<count { items.append(try value(bytes, &index, key: key, depth: depth + 1)) }
                return .array(items)
            case .object:
                let count = try BinaryTree.readCount(bytes, &index)
                var members: [String: JSONTree] = [:]
                members.reserveCapacity(count)
                for _ in 0..<count {
                    guard index < bytes.count, let keyTag = Tag(rawValue: bytes[index]), BinaryTree.isStringTag(keyTag) else {
                        throw DecodeError(offset: index, reason: "expected a key")
                    }
                    index += 1
                    let name = try string(keyTag, bytes, &index)
                    let member = try value(bytes, &index, key: state.context(member: name.index, outer: key), depth: depth + 1)
                    guard members.updateValue(member, forKey: name.text) == nil else { throw DecodeError(offset: index, reason: "duplicate key") }
                }
                return .object(members)
            }
        }

        /// The string and its table index (-1: not in the table).
        private mutating func string(_ tag: Tag, _ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int)
            throws(DecodeError) -> (text: String, index: Int) {
            switch tag {
            case .stringRef:
                let n = try BinaryTree.readVarint(bytes, &index)
                guard n < UInt64(table.count) else { throw DecodeError(offset: index, reason: "string reference out of range") }
                return (table[Int(n)], Int(n))
            case .hex, .base64:
                if version >= 3 {
                    // The token's bytes are in the chunk's token section, in order.
                    let n = try BinaryTree.readVarint(bytes, &index)
                    guard n <= UInt64(side.count - sideIndex) else { throw DecodeError(offset: index, reason: "token past the chunk's token bytes") }
                    guard tag == .hex || n % 3 == 0 else { throw DecodeError(offset: index, reason: "bad token length") }
                    let start = sideIndex
                    sideIndex += Int(n)
                    return side.withUnsafeBufferPointer { buffer in
                        let raw = UnsafeBufferPointer(rebasing: buffer[start..<(start + Int(n))])
                        return (tag == .hex ? BinaryTree.hexText(raw) : BinaryTree.base64Text(raw), -1)
                    }
                }
                let raw = try BinaryTree.readBytes(bytes, &index)
                guard tag == .hex || raw.count % 3 == 0 else { throw DecodeError(offset: index, reason: "bad token length") }
                return (tag == .hex ? BinaryTree.hexText(raw) : BinaryTree.base64Text(raw), -1)
            default:
                let raw = try BinaryTree.readBytes(bytes, &index)
                guard let text = String(validating: raw, as: UTF8.self) else { throw DecodeError(offset: index, reason: "invalid UTF-8") }
                guard tag == .stringNew else { return (text, -1) }
                guard table.count < BinaryTree.maxTableEntries else { throw DecodeError(offset: index, reason: "string table full") }
                table.append(text)
                state.add(text)
                return (text, table.count - 1)
            }
        }
    }

    // MARK: integers

    static func zigzag(_ n: Int64) -> UInt64 { UInt64(bitPattern: (n << 1) ^ (n >> 63)) }
    static func unzigzag(_ n: UInt64) -> Int64 { Int64(bitPattern: (n >> 1) ^ (0 &- (n & 1))) }

    static func varintSize(_ n: UInt64) -> Int { n == 0 ? 1 : (64 - n.leadingZeroBitCount + 6) / 7 }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var n = value
        while n >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: n) | 0x80)
            n >>= 7
        }
        out.append(UInt8(n))
    }

    static func readVarint(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.count else { throw DecodeError(offset: index, reason: "unexpected end") }
            let byte = bytes[index]
            index += 1
            guard shift < 64, shift < 63 || byte <= 1 else { throw DecodeError(offset: index, reason: "varint too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// A count of elements, each at least one byte: never more than the bytes left.
    static func readCount(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) throws(DecodeError) -> Int {
        let n = try readVarint(bytes, &index)
        guard n <= UInt64(bytes.count - index) else { throw DecodeError(offset: index, reason: "count larger than the record") }
        return Int(n)
    }

    static func readBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) throws(DecodeError) -> UnsafeBufferPointer<UInt8> {
        let n = try readCount(bytes, &index)
        let slice = UnsafeBufferPointer(rebasing: bytes[index..<(index + n)])
        index += n
        return slice
    }

    /// The value of a JSON integer written the way `String(Int64)` writes it (no sign on zero, no leading zeros),
    /// so decoding writes back the same text; nil for anything else.
    static func canonicalInt(_ text: String) -> Int64? {
        let utf8 = text.utf8
        guard let first = utf8.first, utf8.count <= 19 else { return nil }
        let digits = first == 0x2D ? utf8.dropFirst() : utf8[...]
        guard let lead = digits.first, digits.count <= 18, lead != 0x30 || digits.count == 1,
              !(first == 0x2D && lead == 0x30) else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return first == 0x2D ? -value : value
    }

    /// JSON number grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?
    static func isJSONNumber(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !text.isEmpty, text.count <= 64 else { return false }
        var i = 0
        func digits(_ i: inout Int) -> Int {
            let start = i
            while i < text.count, text[i] >= 0x30, text[i] <= 0x39 { i += 1 }
            return i - start
        }
        if text[i] == 0x2D { i += 1 }
        guard i < text.count else { return false }
        if text[i] == 0x30 { i += 1 } else if digits(&i) == 0 { return false }
        if i < text.count, text[i] == 0x2E {
            i += 1
            guard digits(&i) > 0 else { return false }
        }
        if i < text.count, text[i] == 0x65 || text[i] == 0x45 {
            i += 1
            if i < text.count, text[i] == 0x2B || text[i] == 0x2D { i += 1 }
            guard digits(&i) > 0 else { return false }
        }
        return i == text.count
    }

    // MARK: compact numbers (version 3)

    /// Fraction digits up to which a plain decimal is stored as mantissa and scale; longer ones are usually
    /// computed figures (`70.33333333333333`), which a ratio stores better.
    static let decimalDigitsPreferred = 6
    /// Largest denominator tried for a ratio, and the largest |k|.
    static let maxDenominator: UInt64 = 1 << 24
    static let maxUlpSteps: Int64 = 2

    /// Appends `text` as a decimal or a ratio when either gives exactly the same text back and is shorter than the
    /// text itself; false (nothing appended) otherwise.
    static func appendCompactNumber(_ text: String, to out: inout [UInt8]) -> Bool {
        let plainLength = 1 + varintSize(UInt64(text.utf8.count)) + text.utf8.count
        if let (mantissa, scale) = decimalParts(text), scale <= decimalDigitsPreferred {
            let size = 1 + varintSize(zigzag(mantissa)) + 1
            if size < plainLength {
                out.append(Tag.decimal.rawValue)
                appendVarint(zigzag(mantissa), to: &out)
                out.append(UInt8(scale))
                return true
            }
        }
        if let (n, d, k) = ratioParts(text) {
            let size = 1 + varintSize(zigzag(n)) + varintSize(d) + varintSize(zigzag(k))
            if size < plainLength {
                out.append(Tag.ratio.rawValue)
                appendVarint(zigzag(n), to: &out)
                appendVarint(d, to: &out)
                appendVarint(zigzag(k), to: &out)
                return true
            }
        }
        return false
    }

    /// `-?(0|[1-9]d*).d+` with at most 18 digits in all → (mantissa, fraction digits), when writing them back gives
    /// the same text (not for `-0.0`).
    static func decimalParts(_ text: String) -> (Int64, Int)? {
        let utf8 = Array(text.utf8)
        guard utf8.count <= 20, let dot = utf8.firstIndex(of: 0x2E) else { return nil }
        let negative = utf8.first == 0x2D
        let integerDigits = utf8[(negative ? 1 : 0)..<dot]
        let fraction = utf8[(dot + 1)...]
        guard !integerDigits.isEmpty, !fraction.isEmpty, integerDigits.count + fraction.count <= 18,
              integerDigits.first != 0x30 || integerDigits.count == 1 else { return nil }
        var mantissa: Int64 = 0
        for byte in integerDigits + fraction {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            mantissa = mantissa * 10 + Int64(byte - 0x30)
        }
        if negative { mantissa = -mantissa }
        let parts = (mantissa, fraction.count)
        return decimalText(parts.0, scale: parts.1) == text ? parts : nil
    }

    /// Digits written backwards into a stack buffer: this runs for most figures of a block being decoded.
    static func decimalText(_ mantissa: Int64, scale: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            var position = buffer.count
            var magnitude = mantissa.magnitude
            var written = 0
            while magnitude > 0 || written <= scale {
                if written == scale {
                    position -= 1
                    buffer[position] = 0x2E
                }
                position -= 1
                buffer[position] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
                written += 1
            }
            if mantissa < 0 {
                position -= 1
                buffer[position] = 0x2D
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[position...]), as: UTF8.self)
        }
    }

    static func readDecimal(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) throws(DecodeError) -> String {
        let mantissa = unzigzag(try readVarint(bytes, &index))
        guard index < bytes.count else { throw DecodeError(offset: index, reason: "unexpected end") }
        let scale = Int(bytes[index])
        index += 1
        guard scale >= 1, scale <= 18, mantissa.magnitude < 1_000_000_000_000_000_000 else {
            throw DecodeError(offset: index, reason: "bad decimal")
        }
        return decimalText(mantissa, scale: scale)
    }

    /// The Double n/d moved k ulps, written as Swift prints it; nil when it is not finite or out of range.
    static func ratioText(_ n: Int64, _ d: UInt64, _ k: Int64) -> String? {
        guard d >= 1, d <= 1 << 53, n.magnitude <= 1 << 53, k.magnitude <= UInt64(maxUlpSteps) else { return nil }
        var value = Double(n) / Double(d)
        for _ in 0..<k.magnitude { value = k > 0 ? value.nextUp : value.nextDown }
        guard value.isFinite else { return nil }
        return value.description
    }

    /// The smallest-denominator (n, d, k) whose `ratioText` is `text`, from the continued fraction of its value;
    /// nil when none with d ≤ maxDenominator does.
    static func ratioParts(_ text: String) -> (Int64, UInt64, Int64)? {
        guard let value = Double(text), value.isFinite, value != 0, value.magnitude < 1e15 else { return nil }
        var x = value.magnitude
        var (h0, h1): (Double, Double) = (0, 1)
        var (k0, k1): (Double, Double) = (1, 0)
        for _ in 0..<40 {
            let a = x.rounded(.down)
            (h0, h1) = (h1, a * h1 + h0)
            (k0, k1) = (k1, a * k1 + k0)
            guard k1 <= Double(maxDenominator), h1 <= 9e15 else { return nil }
            let n = Int64(h1) * (value < 0 ? -1 : 1)
            let d = UInt64(k1)
            if let k = ulpSteps(from: Double(n) / Double(d), to: value) {
                // Same Double; the text check makes sure the decoder's printing gives these exact characters.
                return ratioText(n, d, k) == text ? (n, d, k) : nil
            }
            let fraction = x - a
            guard fraction > 0 else { return nil }
            x = 1 / fraction
        }
        return nil
    }

    /// k with `from` moved k ulps == `to`, |k| ≤ maxUlpSteps.
    static func ulpSteps(from: Double, to: Double) -> Int64? {
        var up = from
        var down = from
        for k in 0...maxUlpSteps {
            if up == to { return k }
            if down == to { return -k }
            up = up.nextUp
            down = down.nextDown
        }
        return nil
    }

    static func readRatio(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) throws(DecodeError) -> String {
        let n = unzigzag(try readVarint(bytes, &index))
        let d = try readVarint(bytes, &index)
        let k = unzigzag(try readVarint(bytes, &index))
        guard let text = ratioText(n, d, k) else { throw DecodeError(offset: index, reason: "bad ratio") }
        return text
    }

    // MARK: tokens

    /// A token (request id) rather than a name: it has a digit or an uppercase letter. A random 16-character
    /// base64url or hex string has one all but always; `ethereum_alchemy` has none.
    static func looksRandom(_ utf8: String.UTF8View) -> Bool {
        utf8.contains { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)
    static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static let base64Values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, byte) in base64Alphabet.enumerated() { table[Int(byte)] = Int8(value) }
        return table
    }()

    /// Lowercase hex of even length → its bytes (lowercase only, so the text comes back the same).
    static func hexBytes(_ utf8: String.UTF8View) -> [UInt8]? {
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var high: UInt8?
        for byte in utf8 {
            let nibble: UInt8
            switch byte {
            case 0x30...0x39: nibble = byte - 0x30
            case 0x61...0x66: nibble = byte - 0x61 + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }

    static func hexText(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count * 2)
        for byte in raw {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// base64url without padding, a multiple of 4 characters (every 4 characters are exactly 3 bytes, so the text
    /// comes back the same) → its bytes.
    static func base64Bytes(_ utf8: String.UTF8View) -> [UInt8]? {
        guard utf8.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 4 * 3)
        var group: UInt32 = 0
        var n = 0
        for byte in utf8 {
            let value = base64Values[Int(byte)]
            guard value >= 0 else { return nil }
            group = group << 6 | UInt32(value)
            n += 1
            if n == 4 {
                out.append(UInt8(truncatingIfNeeded: group >> 16))
                out.append(UInt8(truncatingIfNeeded: group >> 8))
                out.append(UInt8(truncatingIfNeeded: group))
                group = 0
                n = 0
            }
        }
        return out
    }

    static func base64Text(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count / 3 * 4)
        var i = 0
        while i + 2 < raw.count {
            let group = UInt32(raw[i]) << 16 | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2])
            for shift in [18, 12, 6, 0] { out.append(base64Alphabet[Int((group >> UInt32(shift)) & 0x3F)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
