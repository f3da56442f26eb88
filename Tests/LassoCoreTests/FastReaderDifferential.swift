import Foundation
import LassoCore

/// Differential checking of a byte-level reader against the JSONDecoder path it stands in front of (metrics bodies,
/// events pages): the reader answers exactly what the decoder would, or gives up; `decode` equals the decoder in
/// result or error.
struct FastReaderDifferential<Value: Equatable> {
    let fast: (Data) -> Value?
    let foundation: (Data) throws(LassoDecodeError) -> Value
    let combined: (Data) throws(LassoDecodeError) -> Value
    /// "body" or "page", for the failure messages.
    let noun: String

    struct Tally {
        var fast = 0
        var bailed = 0
        var decoded = 0
        var failed = 0
        var fastAndChanged = 0
        var failures: [String] = []
    }

    /// Decodes `bytes` every way; records a failure when the reader answers differently from the decoder, or when
    /// `decode` differs from the decoder in result or error. `==` treats -0.0 as 0.0; the descriptions do not.
    func check(_ bytes: [UInt8], against seedResult: Value?, into tally: inout Tally) {
        let data = Data(bytes)
        let reference = Result { () throws(LassoDecodeError) in try foundation(data) }
        let decoded = Result { () throws(LassoDecodeError) in try combined(data) }
        func fail(_ why: String) {
            guard tally.failures.count < 5 else { return }
            tally.failures.append("\(why)\n  \(noun): \(String(decoding: bytes.prefix(600), as: UTF8.self))")
        }
        switch reference {
        case .success: tally.decoded += 1
        case .failure: tally.failed += 1
        }
        if let answer = fast(data) {
            tally.fast += 1
            if answer != seedResult { tally.fastAndChanged += 1 }
            switch reference {
            case .success(let expected):
                if answer != expected || "\(answer)" != "\(expected)" {
                    fail("fast reader differs:\n  fast \(answer)\n  foundation \(expected)")
                }
            case .failure(let error):
                fail("fast reader accepted a \(noun) Foundation rejects (\(error))")
            }
        } else {
            tally.bailed += 1
        }
        switch (decoded, reference) {
        case (.success(let a), .success(let b)) where a == b && "\(a)" == "\(b)": break
        case (.failure(let a), .failure(let b)) where a == b: break
        default: fail("decode differs from foundationDecode: \(decoded) vs \(reference)")
        }
    }

    /// Mutants per seed (`LASSOTOP_FUZZ_ITERATIONS` overrides).
    static var iterationsPerSeed: Int { Int(ProcessInfo.processInfo.environment["LASSOTOP_FUZZ_ITERATIONS"] ?? "") ?? 2_500 }

    /// `iterationsPerSeed` mutants of every seed, each checked: a third first get one of `values` (what this shape's
    /// rules look at) in place of a member's value, then the generic mutations of `JSONMutator`.
    func fuzz(seeds: [String], values: [String], rngSeed: UInt64) -> Tally {
        var rng = SeededGenerator(seed: rngSeed)
        var tally = Tally()
        for seed in seeds {
            let bytes = Array(seed.utf8)
            let seedResult = fast(Data(bytes))
            let seedMembers = JSONMutator.members(bytes)
            for _ in 0..<Self.iterationsPerSeed {
                var start = bytes
                var members = seedMembers as [JSONMutator.Member]?
                if Int.random(in: 0..<3, using: &rng) == 0, let member = seedMembers.randomElement(using: &rng) {
                    start.replaceSubrange(member.valueStart..<member.end, with: Array(values.randomElement(using: &rng)!.utf8))
                    members = nil
                    if Bool.random(using: &rng) {
                        check(start, against: seedResult, into: &tally)
                        continue
                    }
                }
                check(JSONMutator.mutate(start, seedMembers: members, using: &rng), against: seedResult, into: &tally)
            }
        }
        print("\(noun) reader fuzz: \(tally.fast + tally.bailed) inputs; fast reader answered \(tally.fast) "
              + "(\(tally.fastAndChanged) of them with a result other than the seed's), gave up on \(tally.bailed); "
              + "Foundation decoded \(tally.decoded), rejected \(tally.failed)")
        return tally
    }
}

