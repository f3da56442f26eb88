import Foundation

/// `GET /api/chains` (docs/lasso-compat.md §1.3). `chain_id` is a string here, an int in /api/metrics; both are accepted.
public struct ChainsResponse: Codable, Equatable, Sendable {
    public var chains: [ChainInfo]

    public init(chains: [ChainInfo]) { self.chains = chains }

    public static func decode(_ body: Data) throws(LassoDecodeError) -> ChainsResponse {
        try LassoJSON.decode(ChainsResponse.self, from: body, endpoint: "/api/chains")
    }
}

public struct ChainInfo: Codable, Equatable, Sendable {
    public var chainID: String
    public var name: String
    public var chainName: String
    public var supported: Bool

    public init(chainID: String, name: String, chainName: String, supported: Bool = true) {
        self.chainID = chainID
        self.name = name
        self.chainName = chainName
        self.supported = supported
    }

    enum CodingKeys: String, CodingKey {
        case name, supported
        case chainID = "chain_id"
        case chainName = "chain_name"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? c.decode(String.self, forKey: .chainID) {
            chainID = text
        } else {
            chainID = String(try c.decode(Int.self, forKey: .chainID))
        }
        chainName = try c.decode(String.self, forKey: .chainName)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? chainName
        supported = try c.decodeIfPresent(Bool.self, forKey: .supported) ?? true
    }
}
