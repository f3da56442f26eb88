import Foundation

/// A node to watch: display name + base URL. Lasso's responses do not name the node, so the name comes from
/// `NAME=URL`, or defaults to `host:port`.
public struct NodeTarget: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var url: String

    public init(name: String, url: String) {
        self.name = name
        self.url = url
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
        guard let components = URLComponents(string: urlText), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw ParseError(message: "invalid node '\(spec)': expected [NAME=]http(s)://host:port")
        }
        if let name, name.isEmpty { throw ParseError(message: "invalid node '\(spec)': empty name before '='") }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        var base = urlText
        while base.hasSuffix("/") { base.removeLast() }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return NodeTarget(name: name ?? "\(hostPart):\(port)", url: base)
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
        for target in targets where seenURLs.insert(target.url).inserted {
            let count = (counts[target.name] ?? 0) + 1
            counts[target.name] = count
            result.append(count == 1 ? target : NodeTarget(name: "\(target.name)#\(count)", url: target.url))
        }
        return result
    }
}
