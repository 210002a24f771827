import Foundation

/// The results as Markdown: one table per store size, then each target with
/// the figure at the largest size.
struct Report {
    struct Size {
        var cases: Int
        var rows: [(String, Double, Double?, Int)]
        var plan: String
        var storeBytes: Int
    }

    var sizes: [Size] = []

    mutating func add(size: Int, rows: [(String, Double, Double?, Int)], plan: String, storeBytes: Int) {
        sizes.append(Size(cases: size, rows: rows, plan: plan, storeBytes: storeBytes))
    }

    static func f(_ x: Double) -> String { x >= 100 ? String(format: "%.0f", x) : String(format: "%.2f", x) }

    func value(_ name: String, at size: Int) -> (Double, Double?, Int)? {
        sizes.first { $0.cases == size }?.rows.first { $0.0 == name }.map { ($0.1, $0.2, $0.3) }
    }

    func markdown() -> String {
        var out = "Measured \(ISO8601DateFormatter().string(from: Date())) on \(ProcessInfo.processInfo.activeProcessorCount) cores, release build.\n\n"
        for s in sizes {
            out += "### \(s.cases) cases (store \(s.storeBytes / 1_000_000) MB)\n\n"
            out += "| scenario | casework, median ms | sqlite3, same SQL, ms | ratio | peak memory of its process, MB |\n|---|---:|---:|---:|---:|\n"
            for (name, ms, sql, kb) in s.rows {
                let ratio = sql.flatMap { $0 > 0 ? String(format: "%.1fx", ms / $0) : nil } ?? "–"
                out += "| \(name) | \(Self.f(ms)) | \(sql.map(Self.f) ?? "–") | \(ratio) | \(kb / 1024) |\n"
            }
            out += "\nReview queue plan:\n\n```\n\(s.plan.trimmingCharacters(in: .whitespacesAndNewlines))\n```\n\n"
        }
        guard let big = sizes.map(\.cases).max() else { return out }
        let small = sizes.map(\.cases).min() ?? big
        out += "### Targets at \(big) cases\n\n| target | limit | measured | met |\n|---|---|---|---|\n"
        func line(_ what: String, _ limit: String, _ measured: String, _ ok: Bool) {
            out += "| \(what) | \(limit) | \(measured) | \(ok ? "yes" : "**no**") |\n"
        }
        if let v = value("first-frame", at: big) { line("first frame of the case list", "< 150 ms", "\(Self.f(v.0)) ms", v.0 < 150) }
        if let v = value("review-queue", at: big) {
            line("review queue, first page", "< 10 ms", "\(Self.f(v.0)) ms", v.0 < 10)
            if let sql = v.1 { line("review queue vs sqlite3", "within 2x", String(format: "%.1fx", v.0 / sql), v.0 <= 2 * sql) }
            if big != small, let s = value("review-queue", at: small) {
                line("review queue, \(small) → \(big) cases", "< 2x", String(format: "%.2fx", v.0 / s.0), v.0 < 2 * s.0)
            }
        }
        if let v = value("open-case", at: big) { line("open a case", "< 20 ms", "\(Self.f(v.0)) ms", v.0 < 20) }
        if let v = value("save-record", at: big) { line("save a record with its audit event", "< 20 ms", "\(Self.f(v.0)) ms", v.0 < 20) }
        if let v = value("recompute", at: big) {
            line("full flag recompute", "< 10 s", String(format: "%.1f s", v.0 / 1000), v.0 < 10_000)
            line("peak memory during a recompute", "< 150 MB", "\(v.2 / 1024) MB", v.2 < 150 * 1024)
        }
        if let v = value("recompute-after-policy-change", at: big) {
            line("full flag recompute after a policy change", "< 10 s", String(format: "%.1f s", v.0 / 1000), v.0 < 10_000)
        }
        if let v = value("recompute-after-policy-change-longest-lock", at: big) {
            line("longest write lock in that recompute", "≤ 1 s", "\(Self.f(v.0)) ms", v.0 <= 1000)
        }
        let browsing = ["first-frame", "review-queue", "open-case", "browse"].compactMap { value($0, at: big)?.2 }.max() ?? 0
        line("peak memory while browsing", "< 100 MB", "\(browsing / 1024) MB", browsing < 100 * 1024)
        return out
    }
}
