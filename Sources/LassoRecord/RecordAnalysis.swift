/// Where a recording's bytes go (the bench's breakdown, docs/replay.md "Measured"): every record is split by the
/// snapshot member it changes, and each part is encoded and compressed as a stream of its own, block by block as
/// the writer does. The parts' compressed sizes, scaled to the file's payload, say what each part costs.
public enum RecordAnalysis {
    public struct Part: Sendable, Equatable {
        public var name: String
        /// Share of the file's compressed payload, in bytes.
        public var bytes: Int
        /// How many records changed this part.
        public var records: Int
    }

    /// Parts by descending cost: `keyframes` (whole snapshots at block starts), `times` (record envelope and
    /// `generated_at_ms`) and one per snapshot member (`feed`, `chains`, `nodes` …), each encoded in the file's
    /// own version (its token bytes counted with it). Version 2 and 3 files only.
    public static func parts(of reader: RecordReader) throws -> [Part] {
        guard reader.version >= 2 else { return [] }
        let version = reader.version
        final class Stream {
            var encoder: BinaryTree.Encoder
            let version: UInt8
            let compressor: LzmaEncoder
            var compressed: [UInt8] = []
            var total = 0
            var records = 0
            init(version: UInt8) throws {
                self.version = version
                encoder = BinaryTree.Encoder(version: version)
                compressor = try LzmaEncoder()
            }
            func add(_ tree: JSONTree) throws {
                var bytes: [UInt8] = []
                encoder.encode(tree, into: &bytes)
                total += encoder.side.count
                encoder.side.removeAll(keepingCapacity: true)
                try compressor.compress(bytes, flush: false, into: &compressed)
                records += 1
            }
            func endBlock() throws {
                try compressor.compress([], flush: true, into: &compressed)
                total += compressed.count
                compressed = []
                try compressor.reset()
                encoder = BinaryTree.Encoder(version: version)
            }
        }
        var streams: [String: Stream] = [:]
        func stream(_ name: String) throws -> Stream {
            if let existing = streams[name] { return existing }
            let created = try Stream(version: version)
            streams[name] = created
            return created
        }
        var payload = 0
        for (blockIndex, start) in reader.blocks.enumerated() {
            let end = blockIndex + 1 < reader.blocks.count ? reader.blocks[blockIndex + 1] : reader.frames.count
            let decoder = try BlockDecoder(version: reader.version)
            for index in start..<end {
                let frame = reader.frames[index]
                payload += frame.length
                for (t, fields) in try reader.records(frame, decoder: decoder, readableUntil: nil) {
                    if let key = fields["k"] {
                        try stream("keyframes").add(.object(["t": .int(t), "k": key]))
                    } else if case .object(let op)? = fields["d"], case .object(let members)? = op["o"] {
                        try stream("times").add(.object(["t": .int(t), "generated_at_ms": members["generated_at_ms"] ?? .null]))
                        for (name, delta) in members where name != "generated_at_ms" { try stream(name).add(delta) }
                    } else if let delta = fields["d"] {
                        try stream("other").add(delta)
                    }
                }
            }
            for part in streams.values { try part.endBlock() }
        }
        let sum = max(1, streams.values.map(\.total).reduce(0, +))
        return streams.map { Part(name: $0.key, bytes: Int((Double($0.value.total) / Double(sum) * Double(payload)).rounded()),
                                  records: $0.value.records) }
            .sorted { $0.bytes > $1.bytes }
    }
}

extension RecordAnalysis {
    /// Writes every snapshot of `reader` again through `writer`, at its recorded time (the bench compares formats
    /// and keyframe intervals on the same recorded data this way). Returns the number of snapshots written; stops
    /// at the first damage.
    public static func reencode(_ reader: RecordReader, into writer: RecordWriter) throws -> Int {
        var written = 0
        for (blockIndex, start) in reader.blocks.enumerated() {
            let end = blockIndex + 1 < reader.blocks.count ? reader.blocks[blockIndex + 1] : reader.frames.count
            let decoder = try BlockDecoder(version: reader.version)
            var tree: JSONTree?
            for index in start..<end {
                for (t, fields) in try reader.records(reader.frames[index], decoder: decoder, readableUntil: nil) {
                    if let key = fields["k"] {
                        tree = key
                    } else if let delta = fields["d"], tree != nil {
                        try TreeDelta.apply(delta, to: &tree!)
                    } else {
                        throw RecordError.empty
                    }
                    try writer.append(tree: tree!, atMs: t)
                    written += 1
                }
            }
        }
        try writer.close()
        return written
    }
}
