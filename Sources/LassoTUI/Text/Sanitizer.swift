import LassoCore

/// Draw-time cleaning of every string that came from the network (provider names, node errors, methods …).
/// The escape-sequence parsing lives in LassoCore (`TerminalText`) so `snapshot` output and the TUI agree; the view
/// adds the rules that only matter on a cell grid: no zero-width format characters that could hide text, and no
/// private-use or unassigned code points whose width terminals disagree on.
public enum Sanitizer {
    public static func clean(_ text: String) -> String {
        // Printable ASCII and the simple scalars (`CellWidth.simpleWidth`) are kept by both passes below.
        if CellWidth.simpleWidth(of: text) != nil { return text }
        return cleanScalars(text)
    }

    /// `clean` for any text, scalar by scalar.
    static func cleanScalars(_ text: String) -> String {
        let stripped = TerminalText.sanitize(text)
        if stripped.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return stripped }
        var out = String.UnicodeScalarView()
        for scalar in stripped.unicodeScalars {
            switch scalar.value {
            case 0x200B, 0x2060...0x2064, 0xFEFF, 0x00AD:   // invisible characters that could hide or join text
                continue
            case 0xE000...0xF8FF, 0xF0000...0x10FFFF:         // private use: width differs per font
                out.append("?")
            default:
                // Below U+0300 nothing is unassigned: skip the category lookup (most scalars of a mixed string).
                if scalar.value < 0x300 {
                    out.append(scalar)
                } else if scalar.properties.generalCategory == .unassigned {
                    out.append("?")
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }
}
