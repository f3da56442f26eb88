/// Terminal cell width of text, wcwidth-style: East Asian Wide/Fullwidth and emoji-presentation characters take
/// two cells, combining marks and format characters none. Columns are padded by this width, never by
/// `String.count` or bytes (htop#421-style misalignment otherwise).
public enum CellWidth {
    /// Width of one Unicode scalar: 0, 1 or 2.
    public static func of(scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 { return 0 }
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return 0 }   // Hangul medial/final jamo
        if isWide(v) { return 2 }
        return 1
    }

    /// Width of one grapheme cluster (a Swift `Character`): the base scalar's width, widened to 2 by an emoji
    /// presentation selector (U+FE0F) or a ZWJ emoji sequence.
    public static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii >= 0x20 && ascii != 0x7F ? 1 : 0 }   // also "\r\n": 0
        var scalars = character.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return 0 }
        if let simple = simpleWidth(first.value), scalars.next() == nil { return simple }
        var width = of(scalar: first)
        if width == 2 { return 2 }
        for scalar in character.unicodeScalars.dropFirst() {
            if scalar.value == 0xFE0F && first.properties.isEmoji { return 2 }
            if scalar.value == 0x200D { return max(width, 2) }
            if width == 0 { width = of(scalar: scalar) }
        }
        return width
    }

    /// Display width of a whole string.
    public static func of(_ text: String) -> Int {
        if let width = printableASCIIWidth(text) { return width }
        if let width = simpleWidth(of: text) { return width }
        return graphemeWidth(of: text)
    }

    /// `of(_:)` one grapheme cluster at a time.
    static func graphemeWidth(of text: String) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// Cut `text` to at most `width` cells, ending in `…` (or `~` in ASCII mode) when something was cut.
    public static func truncate(_ text: String, to width: Int, ascii: Bool = false) -> String {
        guard width > 0 else { return "" }
        if let all = printableASCIIWidth(text) {
            // One cell per byte: cut by bytes, no grapheme walk.
            if all <= width { return text }
            return String(decoding: text.utf8.prefix(width - 1), as: UTF8.self) + (ascii ? "~" : "…")
        }
        if let all = simpleWidth(of: text) {
            // One grapheme per scalar: cut by scalars, no grapheme walk.
            if all <= width { return text }
            var out = String.UnicodeScalarView()
            var used = 0
            for scalar in text.unicodeScalars {
                let w = simpleWidth(scalar.value) ?? 1
                if used + w > width - 1 { break }
                out.append(scalar)
                used += w
            }
            return String(out) + (ascii ? "~" : "…")
        }
        return truncateGraphemes(text, to: width, ascii: ascii)
    }

    /// `truncate` one grapheme cluster at a time.
    static func truncateGraphemes(_ text: String, to width: Int, ascii: Bool = false) -> String {
        guard width > 0 else { return "" }
        if graphemeWidth(of: text) <= width { return text }
        let ellipsis: Character = ascii ? "~" : "…"
        var out = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > width - 1 { break }
            out.append(character)
            used += w
        }
        out.append(ellipsis)
        return out
    }

    /// Truncate, then pad with spaces to exactly `width` cells (on the left when `alignRight`).
    public static func fit(_ text: String, to width: Int, alignRight: Bool = false, ascii: Bool = false) -> String {
        let cut = truncate(text, to: width, ascii: ascii)
        let pad = String(repeating: " ", count: max(0, width - of(cut)))
        return alignRight ? pad + cut : cut + pad
    }

    /// The width of text made only of printable ASCII (one cell per byte), or nil: most cells are like that, and
    /// the byte check is far cheaper than walking grapheme clusters.
    @inline(__always)
    static func printableASCIIWidth(_ text: String) -> Int? {
        var count = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte >= 0x7F { return nil }
            count += 1
        }
        return count
    }

    /// The width of a "simple" scalar, or nil. Simple scalars are printable ASCII, Latin-1 and Latin Extended
    /// letters and symbols (U+00A0–U+02FF but the soft hyphen) and the assigned, non-mark, non-format scalars of
    /// U+2010–U+2BFF (dashes, `…`, arrows, box drawing, blocks, shapes, symbols): each is a grapheme cluster of its
    /// own next to any other simple scalar, and `Sanitizer.clean` keeps it unchanged. That covers every cell the
    /// TUI draws itself (borders, sparklines, `·`, `—`, `→`), so most text skips the grapheme walk and the Unicode
    /// category lookup. `SimpleTextTests` checks the table against the slow path for every scalar it covers.
    @inline(__always)
    static func simpleWidth(_ v: UInt32) -> Int? {
        if v < 0x7F { return v >= 0x20 ? 1 : nil }
        if v < 0x300 { return v >= 0xA0 && v != 0xAD ? 1 : nil }
        if v >= simpleWindowStart && v < simpleWindowEnd {
            let w = simpleWindow[Int(v - simpleWindowStart)]
            return w == 0 ? nil : Int(w)
        }
        return nil
    }

    /// The width of text made only of simple scalars (`simpleWidth(_:)`), or nil.
    static func simpleWidth(of text: String) -> Int? {
        text.utf8.withContiguousStorageIfAvailable(simpleWidth(utf8:)) ?? simpleWidthByScalars(of: text)
    }

    /// `simpleWidth(of:)` over the UTF-8 bytes (valid UTF-8, as every Swift string is): simple scalars are all
    /// below U+10000, so one to three bytes each.
    static func simpleWidth(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var total = 0
        var i = 0
        let count = bytes.count
        while i < count {
            let lead = bytes[i]
            if lead < 0x80 {
                if lead < 0x20 || lead == 0x7F { return nil }
                total += 1
                i += 1
                continue
            }
            let value: UInt32
            if lead < 0xE0 {
                guard i + 1 < count else { return nil }
                value = UInt32(lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                i += 2
            } else if lead < 0xF0 {
                guard i + 2 < count else { return nil }
                value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                i += 3
            } else {
                return nil
            }
            guard let w = simpleWidth(value) else { return nil }
            total += w
        }
        return total
    }

    /// `simpleWidth(of:)` scalar by scalar.
    static func simpleWidthByScalars(of text: String) -> Int? {
        var total = 0
        for scalar in text.unicodeScalars {
            guard let w = simpleWidth(scalar.value) else { return nil }
            total += w
        }
        return total
    }

    static let simpleWindowStart: UInt32 = 0x2010
    static let simpleWindowEnd: UInt32 = 0x2C00
    /// Width (1 or 2) of each scalar of U+2010..<U+2C00, 0 when it is not simple: unassigned, a mark, a format,
    /// separator or other control character. Built once from the general categories (~3 k lookups).
    static let simpleWindow: [UInt8] = (simpleWindowStart..<simpleWindowEnd).map { v in
        guard let scalar = Unicode.Scalar(v) else { return 0 }
        switch scalar.properties.generalCategory {
        case .unassigned, .nonspacingMark, .spacingMark, .enclosingMark, .format, .control, .surrogate, .privateUse,
             .lineSeparator, .paragraphSeparator:
            return 0
        default:
            return UInt8(of(scalar: scalar))
        }
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks plus emoji-presentation pictographs (Unicode 15 ranges).
    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
             0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD,
             0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0,
             0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
             0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
             0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF,
             0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F260...0x1F265,
             0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA,
             0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440, 0x1F442...0x1F4FC,
             0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A, 0x1F595...0x1F596, 0x1F5A4,
             0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC, 0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7,
             0x1F6DC...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7EB, 0x1F7F0,
             0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FAFF,
             0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
