import Foundation
import LassoCore

/// A node to watch: display name + base URL. Lasso's responses do not name the node, so the name comes from
/// `NAME=URL`, or defaults to `host:port`.
public struct NodeTarget: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// The base URL without credentials: this is what is shown and exported.
    public var url: String
    /// `Basic …` from `http://user:pass@host`; sent as the Authorization header, never shown.
    public var authorization: String?

    public init(name: String, url: String, authorization: String? = nil) {
        self.name = name
        self.url = url
        self.authorization = authorization
    }

    public var description: String { "\(name)=\(url)" }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let message: String
        public var description: String { message }
    }

    /// `URL` or `NAME=URL`.
    public static func parse(_ spec: String) throws(ParseError) -> NodeTarget {
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        var name: String?
        var urlText = trimmed
        if let eq = trimmed.firstIndex(of: "="), !trimmed[..<eq].contains("/") {
            name = String(trimmed[..<eq]).trimmingCharacters(in: .whitespaces)
            urlText = String(trimmed[trimmed.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        }
        // Usage errors quote the argument: without its password and without raw control characters.
        let shown = TerminalText.sanitize(withoutPassword(spec))
        guard var components = URLComponents(string: urlText), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw ParseError(message: "invalid node '\(shown)': expected [NAME=]http(s)://host:port")
        }
        if let name, name.isEmpty { throw ParseError(message: "invalid node '\(shown)': empty name before '='") }
        // The API paths are appended to the base URL: a query or fragment would end up in front of them.
        if components.query != nil || components.fragment != nil {
            throw ParseError(message: "invalid node '\(shown)': a node URL takes no query (?) or fragment (#)")
        }
        // URLComponents takes any number as the port; the HTTP client traps on one that is not a TCP port.
        if let port = components.port, !(1...65_535).contains(port) {
            throw ParseError(message: "invalid node '\(shown)': port must be between 1 and 65535")
        }
        var authorization: String?
        if components.user != nil || components.password != nil {
            let user = components.user ?? ""
            let password = components.password ?? ""
            authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
            components.user = nil
            components.password = nil
        }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        var base = components.string ?? urlText
        while base.hasSuffix("/") { base.removeLast() }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return NodeTarget(name: name ?? "\(hostPart):\(port)", url: base, authorization: authorization)
    }

    /// `scheme://user:pass@host` → `scheme://user:<redacted>@host`, for messages that quote a node argument.
    public static func withoutPassword(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        // Every `scheme://` in the text: a mistyped argument may hold more than one URL.
        while let scheme = rest.range(of: "://") {
            out += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                out += rest[...colon] + "<redacted>"
                rest = rest[at...]
            }
        }
        return out + rest
    }

    /// One `[NAME=]URL` per line; blank lines and `#` comments ignored. Errors name the line.
    public static func parseFile(contents: String, path: String = "nodes file") throws(ParseError) -> [NodeTarget] {
        var targets: [NodeTarget] = []
        for (index, rawLine) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            do {
                targets.append(try parse(text))
            } catch {
                throw ParseError(message: "\(path):\(index + 1): \(error.message)")
            }
        }
        return targets
    }

    /// Names must be unique: a second node with the same name gets `#2`, `#3`.
    public static func uniqued(_ targets: [NodeTarget]) -> [NodeTarget] {
        var seenURLs = Set<String>()
        var counts: [String: Int] = [:]
        var result: [NodeTarget] = []
        var taken = Set<String>()
        for target in targets where seenURLs.insert(target.url).inserted {
            var renamed = target
            // `a`, `a`, `a#2`: the second `a` becomes `a#2`, so the third moves on to `a#3` (from its base `a`);
            // two nodes sharing a name crashed the monitor.
            if taken.contains(renamed.name) {
                var base = Substring(target.name)
                if let hash = base.lastIndex(of: "#"), base[base.index(after: hash)...].allSatisfy(\.isNumber),
                   base.index(after: hash) < base.endIndex { base = base[..<hash] }
                repeat {
                    let count = (counts[String(base)] ?? 1) + 1
                    counts[String(base)] = count
                    renamed.name = "\(base)#\(count)"
                } while taken.contains(renamed.name)
            }
            taken.insert(renamed.name)
            result.append(renamed)
        }
        return result
    }
}
