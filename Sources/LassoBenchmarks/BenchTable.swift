import Foundation

public enum BenchTable {
    public static func render(_ figures: [Figure]) -> String {
        var rows = [["figure", "median", "spread (min–max)", "budget", "result"]]
        for f in figures {
            rows.append([f.name, "\(format(f.median)) \(f.unit)", "\(format(f.min))–\(format(f.max))",
                         f.budget.map { "\(f.direction.rawValue) \(format($0)) \(f.unit)" } ?? "-",
                         f.pass.map { $0 ? "PASS" : "FAIL" } ?? "info"])
        }
        var widths = Array(repeating: 0, count: 5)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var lines = rows.map { row in
            row.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        lines.insert(String(repeating: "-", count: lines[0].count), at: 1)
        for f in figures { if let note = f.note { lines.append("note: \(f.name): \(note)") } }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        if value >= 1_000_000 { return String(format: "%.2fM", value / 1_000_000) }
        if value >= 10_000 { return String(format: "%.0fk", value / 1_000) }
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.4f", value)
    }
}
