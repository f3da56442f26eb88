import Foundation
import LassoCore

/// The `/` filter of a table pane, in the feed filter's syntax (docs/feed.md): space-separated terms that must all
/// hold; `column:text` matches one column (its id, its title without spaces, or one of its CSV field names), a bare
/// word matches any column, the word `error` keeps rows drawn as errors, and a leading `!` negates a term.
/// Matching is a case-insensitive substring of what the cell shows or what the CSV would hold.
struct TableFilter: Sendable {
    struct Term: Sendable {
        var field: String?
        var value: String
        var negated: Bool
        var isError: Bool { field == nil && value == "error" }
    }

    var terms: [Term]
    var isEmpty: Bool { terms.isEmpty }

    init(_ text: String) {
        terms = text.split(whereSeparator: \.isWhitespace).compactMap { word in
            var body = word.lowercased()
            var negated = false
            if body.hasPrefix("!") {
                negated = true
                body.removeFirst()
            }
            guard !body.isEmpty else { return nil }
            if let colon = body.firstIndex(of: ":") {
                let field = String(body[..<colon]), value = String(body[body.index(after: colon)...])
                if field == "result", value == "error" || value == "err" { return Term(field: nil, value: "error", negated: negated) }
                guard !value.isEmpty else { return nil }
                if !field.isEmpty { return Term(field: field, value: value, negated: negated) }
            }
            return Term(field: nil, value: body, negated: negated)
        }
    }

    static let errorRoles: Set<StyleRole> = [.feedError, .statusOffline, .alertCritical]

    func matches<Row>(_ row: Row, _ definition: TableDefinition<Row>, _ env: CellEnv) -> Bool {
        guard !terms.isEmpty else { return true }
        // The searchable text of each column, built once per row.
        let columns = definition.columns.map { column -> (names: [String], texts: [String], error: Bool) in
            var names = [column.id.lowercased()] + column.export.map { $0.name.lowercased() }
            var texts = column.export.map { $0.value(row, env) }
            var error = false
            if let title = column.title { names.append(title.lowercased().replacingOccurrences(of: " ", with: "")) }
            if let cell = column.cell?(row, env) {
                texts.append(cell.text)
                if let role = cell.role, Self.errorRoles.contains(role), !cell.text.isEmpty { error = true }
            }
            return (names, texts, error)
        }
        let rowIsError = Self.errorRoles.contains(definition.rowRole(row, env)) || columns.contains { $0.error }
        for term in terms {
            let holds: Bool
            if term.isError {
                holds = rowIsError
            } else {
                let candidates = term.field.map { field in columns.filter { $0.names.contains(field) } } ?? columns
                holds = candidates.contains { $0.texts.contains { $0.range(of: term.value, options: .caseInsensitive) != nil } }
            }
            if holds == term.negated { return false }
        }
        return true
    }

    func apply<Row>(_ rows: [Row], _ definition: TableDefinition<Row>, _ env: CellEnv) -> [Row] {
        isEmpty ? rows : rows.filter { matches($0, definition, env) }
    }
}
