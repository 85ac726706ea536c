/// fixest's stepwise notation for several models in one formula.
///
/// In the regressors or in the fixed effects (once each), one of
/// - `sw(a, b, c)`: one model per element — `y ~ x + a`, `y ~ x + b`, `y ~ x + c`;
/// - `sw0(a, b)`: the same, starting with the model without any — `y ~ x`, `y ~ x + a`, `y ~ x + b`;
/// - `csw(a, b, c)`: cumulative — `y ~ x + a`, `y ~ x + a + b`, `y ~ x + a + b + c`;
/// - `csw0(a, b)`: cumulative from the model without any — `y ~ x`, `y ~ x + a`, `y ~ x + a + b`.
///
/// An element may be any run of terms (`sw(a + b, c)`). With a stepwise call on both sides of
/// `|`, the models are every combination, the fixed-effect step varying slowest (fixest's
/// order). A formula without one expands to itself. Matches fixest's `sw`/`sw0`/`csw`/`csw0`
/// ("Multiple estimations", fixest documentation) and pyfixest's.
public enum StepwiseFormula {
    /// The formulas `text` stands for, in order.
    /// - Parameter text: a formula, possibly with one stepwise call before and one after `|`.
    /// - Throws: `FormulaError` for two stepwise calls on one side, an empty or unclosed call, a
    ///   stepwise response, and anything `Formula` rejects in an expanded formula.
    public static func expand(_ text: String) throws -> [String] {
        let chars = Array(text)
        guard let tilde = topLevelIndex(of: "~", in: chars, from: 0) else {
            // Let the parser report the missing `~` with its caret.
            _ = try Formula(text)
            return [text]
        }
        let lhs = String(chars[..<tilde])
        if try findCall(Array(lhs), offset: 0, text: text) != nil {
            throw FormulaError(formula: text, position: 0, message: "a stepwise call (sw, sw0, csw, csw0) cannot be the response")
        }
        let bar = topLevelIndex(of: "|", in: chars, from: tilde + 1)
        let rhsRange = (tilde + 1)..<(bar ?? chars.count)
        let rhs = Array(chars[rhsRange])
        let fe: [Character]? = bar.map { Array(chars[($0 + 1)...]) }
        let rhsVariants = try variants(rhs, offset: rhsRange.lowerBound, text: text)
        let feVariants = try fe.map { try variants($0, offset: bar! + 1, text: text) }
        // Without a stepwise call the formula stands for itself, spelled as given.
        if rhsVariants.count == 1 && (feVariants?.count ?? 1) == 1,
           try findCall(rhs, offset: 0, text: text) == nil, try fe.map({ try findCall($0, offset: 0, text: text) }) ?? nil == nil {
            _ = try Formula(text)
            return [text]
        }
        var out: [String] = []
        for f in feVariants.map({ $0.map { Optional($0) } }) ?? [nil] {
            for r in rhsVariants {
                var s = lhs + "~" + (r.isEmpty ? " 1" : r)
                if let f {
                    // `| sw0(a, b)`'s first model has no fixed effects at all.
                    if !f.isEmpty { s += " |" + f }
                }
                out.append(s)
            }
        }
        for formula in out { _ = try Formula(formula) }
        return out
    }

    /// A stepwise call found in a part of the formula: its kind, the range of the whole call
    /// (in the part) and its elements.
    struct Call {
        let cumulative: Bool
        let includeEmpty: Bool
        let range: Range<Int>
        let elements: [String]
    }

    /// The texts the part stands for (the part itself when it has no stepwise call).
    static func variants(_ part: [Character], offset: Int, text: String) throws -> [String] {
        guard let call = try findCall(part, offset: offset, text: text) else { return [tidy(String(part))] }
        let rest = Array(part[call.range.upperBound...])
        if try findCall(rest, offset: offset + call.range.upperBound, text: text) != nil {
            throw FormulaError(formula: text, position: offset + call.range.upperBound,
                               message: "only one stepwise call (sw, sw0, csw, csw0) is allowed on each side of '|'")
        }
        let before = String(part[..<call.range.lowerBound]), after = String(rest)
        var steps: [[String]] = []
        if call.includeEmpty { steps.append([]) }
        for (k, e) in call.elements.enumerated() {
            steps.append(call.cumulative ? Array(call.elements[...k]) : [e])
        }
        return steps.map { elements in
            // Join the elements where the call stood, then drop the `+` left dangling by an empty step.
            let inserted = elements.joined(separator: " + ")
            return tidy(before + inserted + after)
        }
    }

    /// Removes empty terms: `x +  + z` → `x + z`, a leading or trailing `+`.
    static func tidy(_ s: String) -> String {
        let terms = splitTopLevel(Array(s), on: "+").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        return terms.isEmpty ? "" : " " + terms.joined(separator: " + ")
    }

    /// The first stepwise call at any depth outside backticks, or nil.
    static func findCall(_ part: [Character], offset: Int, text: String) throws -> Call? {
        let names: [(String, Bool, Bool)] = [("csw0", true, true), ("csw", true, false), ("sw0", false, true), ("sw", false, false)]
        var i = 0
        var inBacktick = false
        while i < part.count {
            let c = part[i]
            if c == "`" { inBacktick.toggle(); i += 1; continue }
            if inBacktick { i += 1; continue }
            let startsName = i == 0 || !(part[i - 1].isLetter || part[i - 1].isNumber || part[i - 1] == "_" || part[i - 1] == ".")
            if startsName {
                for (name, cumulative, empty) in names {
                    let n = Array(name)
                    guard i + n.count <= part.count, Array(part[i..<(i + n.count)]) == n else { continue }
                    var j = i + n.count
                    while j < part.count, part[j] == " " { j += 1 }
                    guard j < part.count, part[j] == "(" else { continue }
                    guard let close = matchingParenthesis(part, open: j) else {
                        throw FormulaError(formula: text, position: offset + j, message: "'\(name)(' is not closed")
                    }
                    let inner = Array(part[(j + 1)..<close])
                    let elements = splitTopLevel(inner, on: ",").map { $0.trimmingSpaces }
                    if let k = elements.firstIndex(where: \.isEmpty) {
                        throw FormulaError(formula: text, position: offset + j + 1,
                                           message: "'\(name)()' has an empty element (number \(k + 1)); give one or more terms per element, e.g. \(name)(x1, x2)")
                    }
                    return Call(cumulative: cumulative, includeEmpty: empty, range: i..<(close + 1), elements: elements)
                }
            }
            i += 1
        }
        return nil
    }

    static func matchingParenthesis(_ part: [Character], open: Int) -> Int? {
        var depth = 0
        var inBacktick = false
        for k in open..<part.count {
            let c = part[k]
            if c == "`" { inBacktick.toggle(); continue }
            if inBacktick { continue }
            if c == "(" { depth += 1 } else if c == ")" {
                depth -= 1
                if depth == 0 { return k }
            }
        }
        return nil
    }

    /// Splits at `separator` outside parentheses and backticks.
    static func splitTopLevel(_ part: [Character], on separator: Character) -> [String] {
        var out: [String] = [], current: [Character] = []
        var depth = 0
        var inBacktick = false
        for c in part {
            if c == "`" { inBacktick.toggle() }
            if !inBacktick {
                if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
                if c == separator && depth == 0 { out.append(String(current)); current = []; continue }
            }
            current.append(c)
        }
        out.append(String(current))
        return out
    }

    /// The first `target` outside parentheses and backticks at or after `from`.
    static func topLevelIndex(of target: Character, in chars: [Character], from: Int) -> Int? {
        var depth = 0
        var inBacktick = false
        var k = from
        while k < chars.count {
            let c = chars[k]
            if c == "`" { inBacktick.toggle() } else if !inBacktick {
                if c == "(" { depth += 1 } else if c == ")" { depth -= 1 } else if c == target && depth == 0 { return k }
            }
            k += 1
        }
        return nil
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
