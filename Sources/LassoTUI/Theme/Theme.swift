import Foundation
import TOMLKit

/// A colour as written in a theme: the terminal default, a palette index (names map to 0–15), or 24-bit RGB.
public enum ThemeColor: Equatable, Sendable, Hashable {
    case terminalDefault
    case palette(Int)
    case rgb(UInt8, UInt8, UInt8)
    /// `#rrggbb/name`: 24-bit colour with the ANSI colour (0–15) to use on 8- and 16-colour terminals, where the
    /// nearest match can land two theme colours on one (Solarized's green and yellow both become yellow).
    case rgbOr(UInt8, UInt8, UInt8, ansi: Int)

    static let names: [String: Int] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "gray": 8, "grey": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    /// `default`, a name above, `colorN` (0–255), `#rrggbb` or `#rrggbb/<name or colorN below 16>`; nil when not a colour.
    public static func parse(_ text: String) -> ThemeColor? {
        let value = text.lowercased().trimmingCharacters(in: .whitespaces)
        if let slash = value.firstIndex(of: "/") {
            guard case .rgb(let r, let g, let b)? = parse(String(value[..<slash])),
                  case .palette(let ansi)? = parse(String(value[value.index(after: slash)...])), ansi < 16 else { return nil }
            return .rgbOr(r, g, b, ansi: ansi)
        }
        if value == "default" { return .terminalDefault }
        if let index = names[value] { return .palette(index) }
        if value.hasPrefix("color"), let index = Int(value.dropFirst(5)), (0...255).contains(index) { return .palette(index) }
        if value.hasPrefix("#"), value.count == 7, let number = UInt32(value.dropFirst(), radix: 16) {
            return .rgb(UInt8(number >> 16), UInt8((number >> 8) & 0xFF), UInt8(number & 0xFF))
        }
        return nil
    }

    /// The curses colour number for a terminal with this colour depth; -1 is the terminal default.
    /// Themes never redefine the palette (init_color would leave the user's terminal recoloured after exit):
    /// 24-bit colours go straight to direct-colour terminals and to the nearest palette entry elsewhere.
    public func cursesColor(_ depth: ColorDepth) -> Int32 {
        switch (self, depth) {
        case (_, .monochrome), (.terminalDefault, _): return -1
        case (.palette(let index), .direct) where index < 8: return Int32(index)   // keeps the user's ANSI palette
        case (.palette(let index), .direct):
            let rgb = Self.rgbOfPalette(index)
            return Int32(rgb.0 << 16 | rgb.1 << 8 | rgb.2)
        case (.palette(let index), _): return Int32(index < depth.paletteSize ? index : Self.nearest(Self.rgbOfPalette(index), in: depth))
        case (.rgbOr(let r, let g, let b, _), .direct), (.rgbOr(let r, let g, let b, _), .palette256):
            return ThemeColor.rgb(r, g, b).cursesColor(depth)
        case (.rgbOr(_, _, _, let ansi), _): return ThemeColor.palette(ansi).cursesColor(depth)
        case (.rgb(let r, let g, let b), .direct): return Int32(Int(r) << 16 | Int(g) << 8 | Int(b))
        case (.rgb(let r, let g, let b), _): return Int32(Self.nearest((Int(r), Int(g), Int(b)), in: depth))
        }
    }

    /// xterm's default palette: 16 ANSI colours, the 6×6×6 cube, then 24 greys.
    static func rgbOfPalette(_ index: Int) -> (Int, Int, Int) {
        let ansi: [(Int, Int, Int)] = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
                                       (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
                                       (255, 0, 255), (0, 255, 255), (255, 255, 255)]
        if index < 16 { return ansi[max(0, index)] }
        if index < 232 {
            let i = index - 16
            let level = { (v: Int) in v == 0 ? 0 : 55 + v * 40 }
            return (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        let grey = 8 + (min(index, 255) - 232) * 10
        return (grey, grey, grey)
    }

    static func nearest(_ rgb: (Int, Int, Int), in depth: ColorDepth) -> Int {
        var best = 0
        var bestDistance = Int.max
        for index in 0..<depth.paletteSize {
            let p = rgbOfPalette(index)
            let distance = (p.0 - rgb.0) * (p.0 - rgb.0) * 3 + (p.1 - rgb.1) * (p.1 - rgb.1) * 4 + (p.2 - rgb.2) * (p.2 - rgb.2) * 2
            if distance < bestDistance {
                bestDistance = distance
                best = index
            }
        }
        return best
    }
}


/// What the terminal can show, best first.
public enum ColorDepth: String, Sendable, CaseIterable {
    case direct, palette256, ansi16, ansi8, monochrome

    var paletteSize: Int {
        switch self {
        case .direct, .palette256: return 256
        case .ansi16: return 16
        case .ansi8: return 8
        case .monochrome: return 0
        }
    }

    /// From ncurses' COLORS (and has_colors); NO_COLOR / --no-color force monochrome before this is asked.
    public static func from(colors: Int, hasColors: Bool) -> ColorDepth {
        guard hasColors, colors >= 8 else { return .monochrome }
        if colors >= 0x1000000 { return .direct }
        if colors >= 256 { return .palette256 }
        if colors >= 16 { return .ansi16 }
        return .ansi8
    }
}

public struct RoleStyle: Equatable, Sendable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var attributes: TextAttributes
    public init(foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

public struct Theme: Equatable, Sendable {
    public var name: String
    public var styles: [StyleRole: RoleStyle]

    public init(name: String, styles: [StyleRole: RoleStyle]) {
        self.name = name
        self.styles = styles
    }

    /// A role's style; roles the file leaves out look like plain text.
    public func style(_ role: StyleRole) -> RoleStyle {
        styles[role] ?? styles[.text] ?? RoleStyle()
    }
}

public struct ThemeError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var message: String
    public var description: String {
        "theme \(file)" + (line.map { ", line \($0)" } ?? "") + ": " + message
    }
}

/// Parses theme TOML: `role = "fg [on bg] [bold] [dim] [underline] [reverse]"` or `role = { fg = …, bg = …, bold = true }`,
/// roles as dotted keys (`status.healthy`) or in tables (`[status]` then `healthy = …`), plus an optional `name`.
public enum ThemeParser {
    public static func parse(_ text: String, file: String) throws -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ThemeError(file: file, line: error.source.begin.line, message: error.description)
        }
        var name = (file as NSString).lastPathComponent
        if name.hasSuffix(".toml") { name = String(name.dropLast(5)) }
        var styles: [StyleRole: RoleStyle] = [:]
        var entries: [(String, any TOMLValueConvertible)] = []
        flatten(table, prefix: "", into: &entries)
        for (key, value) in entries {
            if key == "name" {
                guard let text = value.string else { throw ThemeError(file: file, line: line(of: key, in: text), message: "name must be a string") }
                name = text
                continue
            }
            guard let role = StyleRole(rawValue: key) else {
                let known = StyleRole.allCases.map(\.rawValue).joined(separator: ", ")
                throw ThemeError(file: file, line: line(of: key, in: text), message: "unknown role '\(key)' (known: \(known))")
            }
            do {
                styles[role] = try style(value)
            } catch let reason as StyleReason {
                throw ThemeError(file: file, line: line(of: key, in: text), message: "\(key): \(reason.text)")
            }
        }
        return Theme(name: name, styles: styles)
    }

    struct StyleReason: Error { var text: String }

    static func flatten(_ table: TOMLTable, prefix: String, into entries: inout [(String, any TOMLValueConvertible)]) {
        for key in table.keys.sorted() {
            guard let value = table[key] else { continue }
            let full = prefix.isEmpty ? key : prefix + "." + key
            // An inline table with fg/bg is a style, any other table is a group of roles.
            if let nested = value.table, !(nested.keys.contains("fg") || nested.keys.contains("bg")) {
                flatten(nested, prefix: full, into: &entries)
            } else {
                entries.append((full, value))
            }
        }
    }

    static func style(_ value: any TOMLValueConvertible) throws -> RoleStyle {
        if let text = value.string { return try style(text) }
        if let table = value.table {
            var result = RoleStyle()
            for key in table.keys {
                let item = table[key]
                switch key {
                case "fg", "bg":
                    guard let text = item?.string, let color = ThemeColor.parse(text) else {
                        throw StyleReason(text: "\(key) must be a colour name, colorN, #rrggbb or default")
                    }
                    if key == "fg" { result.foreground = color } else { result.background = color }
                case "bold", "dim", "underline", "reverse":
                    guard let flag = item?.bool else { throw StyleReason(text: "\(key) must be true or false") }
                    if flag { result.attributes.insert(attribute(key)!) }
                default:
                    throw StyleReason(text: "unknown field '\(key)' (fg, bg, bold, dim, underline, reverse)")
                }
            }
            return result
        }
        throw StyleReason(text: "expected a string like \"green on default bold\" or { fg = \"green\" }")
    }

    static func attribute(_ word: String) -> TextAttributes? {
        switch word {
        case "bold": return .bold
        case "dim": return .dim
        case "underline": return .underline
        case "reverse": return .reverse
        default: return nil
        }
    }

    static func style(_ text: String) throws -> RoleStyle {
        var result = RoleStyle()
        let words = text.lowercased().split(separator: " ").map(String.init)
        var index = 0
        var sawForeground = false
        while index < words.count {
            let word = words[index]
            if let attribute = attribute(word) {
                result.attributes.insert(attribute)
            } else if word == "on" {
                guard index + 1 < words.count, let color = ThemeColor.parse(words[index + 1]) else {
                    throw StyleReason(text: "'on' must be followed by a colour")
                }
                result.background = color
                index += 1
            } else if let color = ThemeColor.parse(word), !sawForeground {
                result.foreground = color
                sawForeground = true
            } else {
                throw StyleReason(text: "'\(word)' is not a colour (names, colorN, #rrggbb, default) or attribute (bold, dim, underline, reverse)")
            }
            index += 1
        }
        return result
    }

    /// TOMLKit reports positions for syntax errors only; for a bad value, find the line that set the key.
    static func line(of key: String, in text: String) -> Int? {
        var section = ""
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "")
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let written = line[..<equals].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "")
                .replacingOccurrences(of: " ", with: "")
            let full = section.isEmpty ? written : section + "." + written
            if full == key { return number + 1 }
        }
        return nil
    }
}
