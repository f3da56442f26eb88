import Foundation

/// Request headers from `--header`, `LASSOTOP_HEADERS` (lines or `;`-separated) and `--headers-file`, so a bearer
/// token need not sit in argv. Values are secrets: `redacted` is what may be shown.
public enum HeaderSource {
    public struct ParseError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func parse(_ line: String) throws(ParseError) -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: ":") else {
            throw ParseError(message: "invalid header (expected 'Name: value'): \(redacted(line))")
        }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ParseError(message: "invalid header name in: \(redacted(line))")
        }
        guard !value.contains("\r"), !value.contains("\n") else { throw ParseError(message: "header value contains a newline") }
        return (name, value)
    }

    /// Lines of `Name: value`; blank lines and `#` comments skipped. `;` also separates entries (for one env var).
    public static func parseList(_ text: String) throws(ParseError) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        for piece in text.split(whereSeparator: { $0 == "\n" || $0 == ";" }) {
            let line = piece.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            result.append(try parse(line))
        }
        return result
    }

    /// Only the header's name survives: for error messages and logs.
    public static func redacted(_ line: String) -> String {
        guard let colon = line.firstIndex(of: ":") else { return "<redacted>" }
        return String(line[..<colon]) + ": <redacted>"
    }

    /// All sources merged: argv, then env, then file.
    public static func collect(arguments: [String], environment: [String: String], file: String?) throws -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for argument in arguments { headers.append(try parse(argument)) }
        if let env = environment["LASSOTOP_HEADERS"] { headers += try parseList(env) }
        if let file {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ParseError(message: "cannot read headers file \(file)")
            }
            headers += try parseList(text)
        }
        return headers
    }
}
