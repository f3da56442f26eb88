import Foundation

/// Resolves a name to its addresses (A and AAAA), like libcluster's DNS poll of `app.internal`. Injectable for tests.
public protocol AddressResolver: Sendable {
    func resolve(host: String) async throws -> [String]
}

/// getaddrinfo on a background thread (it blocks).
public struct SystemResolver: AddressResolver {
    public init() {}

    public func resolve(host: String) async throws -> [String] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try Self.lookup(host) })
            }
        }
    }

    struct LookupError: Error, CustomStringConvertible {
        let description: String
    }

    static func lookup(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw LookupError(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let address = String(cString: buffer)
                if !addresses.contains(address) { addresses.append(address) }
            }
            cursor = info.pointee.ai_next
        }
        return addresses.sorted()
    }
}

/// `--discover HOST:PORT`: every address of HOST becomes a node `http://ADDR:PORT` named `ADDR:PORT`.
public struct DiscoverySpec: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var scheme: String

    public init(host: String, port: Int, scheme: String = "http") {
        self.host = host
        self.port = port
        self.scheme = scheme
    }

    public static func parse(_ text: String) throws -> DiscoverySpec {
        var rest = text
        var scheme = "http"
        if let range = rest.range(of: "://") {
            scheme = String(rest[..<range.lowerBound])
            rest = String(rest[range.upperBound...])
        }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), port > 0, port < 65536,
              colon > rest.startIndex else {
            throw NodeTarget.ParseError(message: "invalid --discover '\(text)': expected HOST:PORT")
        }
        return DiscoverySpec(host: String(rest[..<colon]), port: port, scheme: scheme)
    }

    public func targets(for addresses: [String]) -> [NodeTarget] {
        addresses.map { address in
            let hostPart = address.contains(":") ? "[\(address)]" : address
            return NodeTarget(name: "\(hostPart):\(port)", url: "\(scheme)://\(hostPart):\(port)")
        }
    }
}
