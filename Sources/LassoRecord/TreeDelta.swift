/// Structural deltas between two `JSONTree`s: what a recording stores between keyframes (docs/replay.md, "Deltas").
///
/// A delta is itself JSON, one of:
///   {"v": X}                       replace with X
///   {"o": {key: delta…}, "r": […]} object: change these members, remove the keys in "r"
///   {"e": [keep, remove, [insert…], …]} array edit script: triples applied left to right, the rest kept
///   {"i": [index, delta, …]}       array of the same length: change these elements in place
///   {"m": [n | [n, delta] | {"v": X}, …]} short list of objects with an identity, rebuilt element by element
///   X (not an object)              replace with X — written for members and elements in format 3 (`bare`), read in any
/// The feed (newest events appended, oldest dropped, a late event inserted) and the shifting histories become short
/// edit scripts; a node whose counters moved becomes an in-place element delta.
public enum TreeDelta {
    public struct ApplyError: Error, Equatable, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { "bad delta: \(reason)" }
    }

    /// The delta from `old` to `new`, or nil when they are equal. With `bare` (format 3), a member or element
    /// replaced by a value that is not an object is written as that value alone instead of `{"v": X}` (a delta is
    /// always an object, so it cannot be mistaken): most changes of a metrics refresh are such figures, and the
    /// wrapper cost bytes and an allocation each to read back.
    public static func diff(_ old: JSONTree, _ new: JSONTree, bare: Bool = false) -> JSONTree? {
        if old == new { return nil }
        switch (old, new) {
        case (.object(let a), .object(let b)):
            var changes: [String: JSONTree] = [:]
            for (key, value) in b {
                if let previous = a[key] {
                    if let delta = diff(previous, value, bare: bare) { changes[key] = unwrapped(delta, bare: bare) }
                } else {
                    changes[key] = unwrapped(.object(["v": value]), bare: bare)
                }
            }
            let removed = a.keys.filter { b[$0] == nil }.sorted()
            var op: [String: JSONTree] = ["o": .object(changes)]
            if !removed.isEmpty { op["r"] = .array(removed.map { .string($0) }) }
            return .object(op)
        case (.array(let a), .array(let b)):
            return arrayDelta(a, b, bare: bare)
        default:
            return .object(["v": new])
        }
    }

    /// `{"v": X}` as X alone when `bare` and X is not an object.
    static func unwrapped(_ delta: JSONTree, bare: Bool) -> JSONTree {
        guard bare, case .object(let op) = delta, op.count == 1, let value = op["v"] else { return delta }
        if case .object = value { return delta }
        return value
    }

    /// Window searched for the next match after a mismatch; the feed's late events land within a few dozen places.
    static let searchWindow = 64

    static func arrayDelta(_ a: [JSONTree], _ b: [JSONTree], bare: Bool = false) -> JSONTree {
        // Short lists of objects with an identity (providers, methods, per-node figures) are re-sorted as their
        // figures move: match elements by identity so a moved element costs an index, not a copy.
        if let keyed = keyedDelta(a, b, bare: bare) { return keyed }
        // Edit script by greedy matching: cheap (linear plus bounded searches at mismatches) and always correct;
        // it is only a size optimisation when it is not minimal.
        var script: [JSONTree] = []
        var inserted = 0
        var i = 0
        var j = 0
        var keep = 0
        var remove = 0
        var insert: [JSONTree] = []
        func emit() {
            if remove > 0 || !insert.isEmpty {
                script.append(.int(Int64(keep)))
                script.append(.int(Int64(remove)))
                script.append(.array(insert))
                keep = 0
                remove = 0
                insert = []
            }
        }
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                if remove > 0 || !insert.isEmpty { emit() }
                keep += 1
                i += 1
                j += 1
                continue
            }
            var skipOld: Int?
            var skipNew: Int?
            let limit = searchWindow
            for step in 1...limit {
                if skipOld == nil, i + step < a.count, a[i + step] == b[j] { skipOld = step }
                if skipNew == nil, j + step < b.count, b[j + step] == a[i] { skipNew = step }
                if skipOld != nil || skipNew != nil { break }
                if i + step >= a.count && j + step >= b.count { break }
            }
            if let skipOld, skipNew == nil || skipOld <= skipNew! {
                remove += skipOld
                i += skipOld
            } else if let skipNew {
                insert.append(contentsOf: b[j..<(j + skipNew)])
                inserted += skipNew
                j += skipNew
            } else {
                remove += 1
                insert.append(b[j])
                inserted += 1
                i += 1
                j += 1
            }
        }
        if i < a.count { remove += a.count - i }
        if j < b.count {
            insert.append(contentsOf: b[j...])
            inserted += b.count - j
        }
        emit()

        if a.count == b.count {
            var inPlace: [JSONTree] = []
            var changed = 0
            for index in a.indices where a[index] != b[index] {
                changed += 1
                if changed > inserted { break }
                inPlace.append(.int(Int64(index)))
                inPlace.append(unwrapped(diff(a[index], b[index], bare: bare) ?? .object(["v": b[index]]), bare: bare))
            }
            if changed <= inserted { return .object(["i": .array(inPlace)]) }
        }
        if inserted >= b.count { return .object(["v": .array(b)]) }
        return .object(["e": .array(script)])
    }

    /// Members tried, in order, as an element's identity; otherwise any string member present and unique in both.
    static let identityKeys = ["id", "name", "node", "method", "chain", "rule", "provider"]
    static let keyedLimit = 64

    /// {"m": [entry…]}: the new array element by element — `n` is old element n unchanged, `[n, delta]` old element n
    /// changed, `{"v": X}` a new element. Nil when the lists have no identity or their order did not change.
    static func keyedDelta(_ a: [JSONTree], _ b: [JSONTree], bare: Bool = false) -> JSONTree? {
        guard !a.isEmpty, !b.isEmpty, a.count <= keyedLimit, b.count <= keyedLimit else { return nil }
        var objectsA: [[String: JSONTree]] = []
        var objectsB: [[String: JSONTree]] = []
        for item in a { guard case .object(let o) = item else { return nil }; objectsA.append(o) }
        for item in b { guard case .object(let o) = item else { return nil }; objectsB.append(o) }
        func identities(_ key: String, _ list: [[String: JSONTree]]) -> [String]? {
            var seen = Set<String>()
            var out: [String] = []
            for object in list {
                guard case .string(let value)? = object[key], seen.insert(value).inserted else { return nil }
                out.append(value)
            }
            return out
        }
        var chosen: (a: [String], b: [String])?
        let others = objectsA[0].keys.filter { !identityKeys.contains($0) }.sorted()
        for key in identityKeys + others {
            if let ia = identities(key, objectsA), let ib = identities(key, objectsB) {
                chosen = (ia, ib)
                break
            }
        }
        guard let (idsA, idsB) = chosen, idsA != idsB else { return nil }
        let oldIndex = Dictionary(uniqueKeysWithValues: idsA.enumerated().map { ($1, $0) })
        var entries: [JSONTree] = []
        for (position, id) in idsB.enumerated() {
            if let n = oldIndex[id] {
                if let delta = diff(a[n], b[position], bare: bare) {
                    entries.append(.array([.int(Int64(n)), delta]))
                } else {
                    entries.append(.int(Int64(n)))
                }
            } else {
                entries.append(.object(["v": b[position]]))
            }
        }
        return .object(["m": .array(entries)])
    }

    /// Applies `delta` to `tree` in place. Every index and count is checked: a hostile delta throws, never traps.
    public static func apply(_ delta: JSONTree, to tree: inout JSONTree, depth: Int = 0) throws(ApplyError) {
        guard depth < JSONTree.maxDepth else { throw ApplyError(reason: "nested too deep") }
        guard case .object(let op) = delta else {
            tree = delta   // a bare replacement (format 3)
            return
        }
        guard op.count <= 2 else { throw ApplyError(reason: "not an operation") }
        // The operation's one or two members read by iterating, not by a hashed look-up per possible key (this
        // runs for every changed value of every record a seek decodes).
        var kind = ""
        var operand = JSONTree.null
        var removed: JSONTree?
        for (key, value) in op {
            if key == "r" {
                removed = value
            } else {
                guard kind.isEmpty else { throw ApplyError(reason: "unknown operation") }
                kind = key
                operand = value
            }
        }
        guard removed == nil || kind == "o" else { throw ApplyError(reason: "unknown operation") }
        if kind == "v" {
            tree = operand
            return
        }
        if kind == "o" {
            guard case .object(let members) = operand, case .object(var target) = tree else {
                throw ApplyError(reason: "object delta on a non-object")
            }
            tree = .null   // drop the second reference so the members mutate in place
            if let removed {
                guard case .array(let keys) = removed else { throw ApplyError(reason: "bad removal list") }
                for key in keys {
                    guard case .string(let name) = key else { throw ApplyError(reason: "bad removal key") }
                    target[name] = nil
                }
            }
            for (key, memberDelta) in members {
                guard case .object(let inner) = memberDelta else {
                    target[key] = memberDelta   // a bare replacement or new member (format 3)
                    continue
                }
                if inner.count == 1, let only = inner.first, only.key == "v" {
                    target[key] = only.value
                    continue
                }
                guard let index = target.index(forKey: key) else { throw ApplyError(reason: "delta for a missing member") }
                // In place (the values' modify accessor): one look-up, no copy of the member.
                try apply(memberDelta, to: &target.values[index], depth: depth + 1)
            }
            tree = .object(target)
            return
        }
        guard case .array(var items) = tree else { throw ApplyError(reason: "array delta on a non-array") }
        if kind == "e" {
            guard case .array(let steps) = operand, steps.count % 3 == 0 else { throw ApplyError(reason: "bad edit script") }
            // Checked first, then applied in place from the last step back (earlier positions stay valid): the
            // feed's usual script drops a few events at the front and appends a few, which moves the elements
            // instead of copying (and retaining) all of them into a new array.
            var edits: [(start: Int, remove: Int, insert: [JSONTree])] = []
            edits.reserveCapacity(steps.count / 3)
            var position = 0
            var step = 0
            while step < steps.count {
                guard let keep = steps[step].int64Value, let remove = steps[step + 1].int64Value,
                      case .array(let insert) = steps[step + 2], keep >= 0, remove >= 0,
                      keep <= Int64(items.count - position), remove <= Int64(items.count - position) - keep else {
                    throw ApplyError(reason: "edit script out of range")
                }
                let start = position + Int(keep)
                edits.append((start, Int(remove), insert))
                position = start + Int(remove)
                step += 3
            }
            tree = .null   // drop the second reference so the array mutates in place
            for edit in edits.reversed() {
                items.replaceSubrange(edit.start..<(edit.start + edit.remove), with: edit.insert)
            }
            tree = .array(items)
            return
        }
        if kind == "m" {
            guard case .array(let list) = operand else { throw ApplyError(reason: "bad element map") }
            var result: [JSONTree] = []
            result.reserveCapacity(list.count)
            for entry in list {
                switch entry {
                case .number:
                    guard let n = entry.int64Value, n >= 0, n < Int64(items.count) else { throw ApplyError(reason: "element index out of range") }
                    result.append(items[Int(n)])
                case .array(let pair):
                    guard pair.count == 2, let n = pair[0].int64Value, n >= 0, n < Int64(items.count) else {
                        throw ApplyError(reason: "element index out of range")
                    }
                    var element = items[Int(n)]
                    try apply(pair[1], to: &element, depth: depth + 1)
                    result.append(element)
                case .object(let wrapper):
                    guard wrapper.count == 1, let value = wrapper["v"] else { throw ApplyError(reason: "bad new element") }
                    result.append(value)
                default:
                    throw ApplyError(reason: "bad element map entry")
                }
            }
            tree = .array(result)
            return
        }
        if kind == "i" {
            guard case .array(let pairs) = operand, pairs.count % 2 == 0 else { throw ApplyError(reason: "bad element list") }
            tree = .null
            var k = 0
            while k < pairs.count {
                guard let index = pairs[k].int64Value, index >= 0, index < Int64(items.count) else {
                    throw ApplyError(reason: "element index out of range")
                }
                try apply(pairs[k + 1], to: &items[Int(index)], depth: depth + 1)
                k += 2
            }
            tree = .array(items)
            return
        }
        throw ApplyError(reason: "unknown operation")
    }
}
