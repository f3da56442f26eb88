import Foundation
/// Makes a string from the network safe to print on a terminal: removes C0/C1 controls and DEL, whole escape
/// sequences (CSI, OSC, DCS, SOS, PM, APC — so an OSC 52 clipboard write or a title change cannot pass), and bidi
/// overrides/isolates that could reorder what the operator reads. Tabs and newlines become spaces.
public enum TerminalText {
    public static func sanitize(_ text: String) -> String {
        // Fast path: plain printable ASCII needs no work.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let value = scalars[i].value
            i += 1
            switch value {
            case 0x1B:   // ESC: drop the whole sequence
                guard i < scalars.count else { break }
                let introducer = scalars[i].value
                i += 1
                switch introducer {
                case 0x5B: i = skipCSI(scalars, from: i)
                case 0x5D, 0x50, 0x58, 0x5E, 0x5F: i = skipString(scalars, from: i)   // OSC, DCS, SOS, PM, APC
                default: break   // two-character escape: both dropped
                }
            case 0x9B: i = skipCSI(scalars, from: i)
            case 0x9D, 0x90, 0x98, 0x9E, 0x9F: i = skipString(scalars, from: i)
            case 0x09, 0x0A, 0x0D: out.append(" ")
            case 0x00...0x1F, 0x7F, 0x80...0x9F: continue
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: continue   // bidi controls
            default: out.append(scalars[i - 1])
            }
        }
        return String(out)
    }

    /// CSI parameters and intermediates run until a final byte 0x40–0x7E.
    private static func skipCSI(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < scalars.count {
            let v = scalars[i].value
            i += 1
            if (0x40...0x7E).contains(v) { break }
            if v < 0x20 || v > 0x7E { return i - 1 }   // malformed: resume at the odd character (it gets filtered)
        }
        return i
    }

    /// OSC/DCS-style strings run until BEL, ST (ESC \) or C1 ST.
    private static func skipString(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < scalars.count {
            let v = scalars[i].value
            i += 1
            if v == 0x07 || v == 0x9C { return i }
            if v == 0x1B { return i < scalars.count && scalars[i].value == 0x5C ? i + 1 : i }
        }
        return i
    }

    /// JSON that is safe to print on a terminal: JSONEncoder escapes C0 controls but writes DEL and the C1 controls
    /// (U+0080–U+009F, e.g. U+009B, a one-character CSI for some terminals) raw. Outside strings JSON is ASCII, so every
    /// such character sits in a string and becomes a `\u00XX` escape that decodes to the same text.
    /// The bytes are read through one buffer pointer: `Data`'s own iterator made the first check (two scans that
    /// nearly always find nothing) a tenth of a hub's work at 200 nodes (docs/performance.md, "Ninth round").
    public static func escapingControlsInJSON(_ json: Data) -> Data {
        json.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Data in
            guard bytes.contains(where: { $0 == 0x7F || $0 == 0xC2 }) else { return json }
            var out = Data(capacity: bytes.count + 16)
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte == 0x7F {
                    out.append(contentsOf: #"\u007f"#.utf8)
                } else if byte == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) {
                    out.append(contentsOf: ("\\u00" + String(bytes[i + 1], radix: 16)).utf8)
                    i += 2
                    continue
                } else {
                    out.append(byte)
                }
                i += 1
            }
            return out
        }
    }

    /// Sanitized and cut to at most `limit` characters (with an ellipsis), for one-line output.
    public static func line(_ text: String, limit: Int = 200) -> String {
        let clean = sanitize(text)
        return clean.count <= limit ? clean : String(clean.prefix(limit - 1)) + "…"
    }
}
