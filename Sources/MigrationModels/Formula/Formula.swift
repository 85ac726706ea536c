/// A model formula in the notation of R and fixest:
///
///     flow ~ log(dist) + contig + comlang | origin^year + destination^year
///
/// - left of `~`: the response (a variable or a function of one, e.g. `log(y)`);
/// - right of `~`, before `|`: terms separated by `+`; a term is a variable, a function call
///   (`log`, `log1p`, `exp`, `sqrt`, `abs`), a product of those (`a:b`), a power inside `I()`
///   (`I(x^2)`), or a categorical `factor(x)` / `C(x)` expanded into treatment dummies; `0` or
///   `-1` removes the intercept, `1` keeps it (the default without fixed effects). `factor()`
///   must be a term of its own: it cannot be the response, sit inside a function or `I()`, or
///   be part of a product (`factor(a):x` is refused rather than silently fitted as `x`);
/// - after `|`: absorbed fixed effects separated by `+`, interactions with `^`.
/// Names are letters, digits, `_` and `.`, or any text between backticks. Calls may nest at
/// most 64 deep.
public struct Formula: Sendable, Equatable, CustomStringConvertible {
    public let source: String
    public let response: FormulaExpression
    public let terms: [FormulaExpression]
    /// Whether the model has an intercept (false when `0`/`-1` is given or fixed effects are absorbed).
    public let intercept: Bool
    /// Each fixed effect as the list of variables it interacts (`["origin", "year"]` for origin^year).
    public let fixedEffects: [[String]]

    public var description: String { source }

    /// Parses a formula.
    /// - Throws: `FormulaError` pointing at the offending character.
    public init(_ text: String) throws {
        var parser = FormulaParser(text)
        self = try parser.parse()
    }

    init(source: String, response: FormulaExpression, terms: [FormulaExpression], intercept: Bool, fixedEffects: [[String]]) {
        self.source = source
        self.response = response
        self.terms = terms
        self.intercept = intercept
        self.fixedEffects = fixedEffects
    }

    /// Every variable the formula reads.
    public var variables: [String] {
        var seen: [String] = []
        var seenSet = Set<String>()
        func add(_ n: String) { if seenSet.insert(n).inserted { seen.append(n) } }
        response.variables.forEach(add)
        terms.flatMap(\.variables).forEach(add)
        fixedEffects.flatMap { $0 }.forEach(add)
        return seen
    }
}

/// An expression on the right or left of a formula.
public indirect enum FormulaExpression: Sendable, Equatable, CustomStringConvertible {
    case variable(String)
    case call(String, FormulaExpression)
    case product([FormulaExpression])
    case power(FormulaExpression, Double)
    case factor(String)

    /// The name used for the coefficient, as R prints it: `log(dist)`, `a:b`, `I(x^2)`.
    public var description: String {
        switch self {
        case .variable(let n): return n
        case let .call(f, e): return "\(f)(\(e))"
        case .product(let es): return es.map(\.description).joined(separator: ":")
        case let .power(e, p):
            // Whole powers print without ".0" (I(x^2)); others, and any too large for an Int
            // (I(x^1e300)), print as Swift spells the double.
            let ps = p == p.rounded() && Swift.abs(p) < 1e15 ? String(Int(p)) : String(p)
            return "I(\(e)^\(ps))"
        case .factor(let n): return "factor(\(n))"
        }
    }

    /// Whether a `factor()` occurs anywhere inside the expression (or is the expression).
    var containsFactor: Bool {
        switch self {
        case .variable: return false
        case .factor: return true
        case .call(_, let e), .power(let e, _): return e.containsFactor
        case .product(let es): return es.contains { $0.containsFactor }
        }
    }

    var variables: [String] {
        switch self {
        case .variable(let n), .factor(let n): return [n]
        case .call(_, let e), .power(let e, _): return e.variables
        case .product(let es): return es.flatMap(\.variables)
        }
    }
}

/// A formula that cannot be parsed, with the position (0-based character offset) it refers to.
public struct FormulaError: Error, CustomStringConvertible, Equatable, Sendable {
    public let formula: String
    public let position: Int
    public let message: String

    /// The message, the formula, and a caret under the offending character. A formula longer
    /// than 160 characters is shown as an excerpt around the position (`…` marks the cuts).
    public var description: String {
        let chars = Array(formula)
        guard chars.count > 160 else {
            let caret = String(repeating: " ", count: max(0, position)) + "^"
            return "formula error at character \(position + 1): \(message)\n  \(formula)\n  \(caret)"
        }
        let start = max(0, min(position - 60, chars.count - 120)), end = min(chars.count, start + 120)
        let prefix = start > 0 ? "…" : "", suffix = end < chars.count ? "…" : ""
        let excerpt = prefix + String(chars[start..<end]) + suffix
        let caret = String(repeating: " ", count: max(0, position - start + prefix.count)) + "^"
        return "formula error at character \(position + 1): \(message)\n  \(excerpt)\n  \(caret)"
    }
}

/// Recursive-descent parser for `Formula`.
struct FormulaParser {
    enum Token: Equatable { case name(String), number(Double), symbol(Character), end }
    let text: String
    let chars: [Character]
    var tokens: [(Token, Int)] = []
    var index = 0
    /// Current nesting of function calls, `I()` and `factor()` (bounded by `maximumDepth`, so a
    /// hostile formula cannot exhaust the stack of this recursive-descent parser).
    var depth = 0
    static let maximumDepth = 64

    init(_ text: String) {
        self.text = text
        self.chars = Array(text)
    }

    func error(_ position: Int, _ message: String) -> FormulaError {
        FormulaError(formula: text, position: position, message: message)
    }

    mutating func tokenize() throws {
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" { i += 1; continue }
            if c == "`" {
                var j = i + 1
                var name = ""
                while j < chars.count && chars[j] != "`" { name.append(chars[j]); j += 1 }
                guard j < chars.count else { throw error(i, "unterminated backtick name — close it with `") }
                guard !name.isEmpty else { throw error(i, "empty name between backticks") }
                tokens.append((.name(name), i))
                i = j + 1
                continue
            }
            if c.isLetter || c == "_" || c == "." && i + 1 < chars.count && !chars[i + 1].isNumber {
                var j = i
                var name = ""
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == ".") {
                    name.append(chars[j]); j += 1
                }
                tokens.append((.name(name), i))
                i = j
                continue
            }
            if c.isNumber || c == "." {
                var j = i
                var s = ""
                while j < chars.count && (chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "E") { s.append(chars[j]); j += 1 }
                guard let v = Double(s) else { throw error(i, "'\(s)' is not a number") }
                tokens.append((.number(v), i))
                i = j
                continue
            }
            if "~+-:^|()*".contains(c) {
                tokens.append((.symbol(c), i))
                i += 1
                continue
            }
            throw error(i, "unexpected character '\(c)' — a formula uses names, numbers and ~ + - : ^ | ( )")
        }
        tokens.append((.end, chars.count))
    }

    var current: (Token, Int) { tokens[min(index, tokens.count - 1)] }

    mutating func expect(_ c: Character, _ what: String) throws {
        guard case .symbol(c) = current.0 else { throw error(current.1, "expected '\(c)' \(what)") }
        index += 1
    }

    mutating func parse() throws -> Formula {
        try tokenize()
        if case .end = current.0 { throw error(0, "the formula is empty — write it as response ~ terms, e.g. flow ~ log(dist)") }
        let responsePosition = current.1
        let response = try parseProduct()
        if response.containsFactor {
            throw error(responsePosition, "factor() cannot be the response — the response must be numeric; put factor() on the right of '~'")
        }
        guard case .symbol("~") = current.0 else {
            throw error(current.1, "expected '~' after the response — write response ~ terms")
        }
        index += 1
        var terms: [FormulaExpression] = []
        var seenTerms = Set<String>()   // duplicate check in O(1) per term (a formula may have thousands)
        var intercept = true
        var sign: Character = "+"
        var first = true
        loop: while true {
            if !first {
                switch current.0 {
                case .symbol("+"): sign = "+"; index += 1
                case .symbol("-"): sign = "-"; index += 1
                case .symbol("|"), .end: break loop
                default: throw error(current.1, "expected '+', '|' or the end of the formula")
                }
            } else if case .symbol("-") = current.0 {
                sign = "-"; index += 1
            }
            first = false
            if case .number(let v) = current.0 {
                let pos = current.1
                index += 1
                if v == 0 { intercept = false } else if v == 1 { intercept = sign == "+" } else {
                    throw error(pos, "a bare number may only be 0 or 1 (intercept)")
                }
                continue
            }
            if case .end = current.0 { throw error(current.1, "a term is missing after '\(sign)'") }
            let pos = current.1
            let term = try parseProduct()
            if sign == "-" { throw error(pos, "removing terms with '-' is only supported for the intercept (-1)") }
            var isPlainFactor = false
            if case .factor = term { isPlainFactor = true }
            if term.containsFactor && !isPlainFactor {
                throw error(pos, "factor() must be a term of its own, not inside a function, I() or a product such as factor(a):x — write factor(a) + x, or absorb it as a fixed effect after '|'")
            }
            if !seenTerms.insert(term.description).inserted { throw error(pos, "term '\(term)' appears twice") }
            terms.append(term)
        }
        var fixedEffects: [[String]] = []
        if case .symbol("|") = current.0 {
            index += 1
            while true {
                var parts: [String] = []
                repeat {
                    guard case .name(let n) = current.0 else { throw error(current.1, "expected a fixed-effect variable name") }
                    parts.append(n)
                    index += 1
                    if case .symbol("^") = current.0 { index += 1; continue }
                    break
                } while true
                fixedEffects.append(parts)
                if case .symbol("+") = current.0 { index += 1; continue }
                break
            }
            if fixedEffects.isEmpty { throw error(current.1, "no fixed effects after '|'") }
            intercept = false
        }
        guard case .end = current.0 else { throw error(current.1, "unexpected text after the formula") }
        return Formula(source: text, response: response, terms: terms, intercept: intercept, fixedEffects: fixedEffects)
    }

    mutating func parseProduct() throws -> FormulaExpression {
        var parts = [try parseAtom()]
        while case .symbol(":") = current.0 {
            index += 1
            parts.append(try parseAtom())
        }
        return parts.count == 1 ? parts[0] : .product(parts)
    }

    static let functions: Set<String> = ["log", "log1p", "exp", "sqrt", "abs"]

    mutating func parseAtom() throws -> FormulaExpression {
        let (tok, pos) = current
        guard case .name(let name) = tok else {
            if case .symbol(let c) = tok { throw error(pos, "expected a variable name, found '\(c)'") }
            if case .end = tok { throw error(pos, "the formula ends where a variable name is expected") }
            throw error(pos, "expected a variable name")
        }
        index += 1
        guard case .symbol("(") = current.0 else { return .variable(name) }
        index += 1
        depth += 1
        defer { depth -= 1 }
        guard depth <= FormulaParser.maximumDepth else {
            throw error(pos, "functions are nested more than \(FormulaParser.maximumDepth) deep — simplify the term")
        }
        let result: FormulaExpression
        switch name {
        case "I":
            let inner = try parseAtom()
            guard case .symbol("^") = current.0 else { throw error(current.1, "I() supports a power, e.g. I(x^2)") }
            index += 1
            guard case .number(let p) = current.0 else { throw error(current.1, "expected a number after '^'") }
            index += 1
            result = .power(inner, p)
        case "factor", "C", "i":
            guard case .name(let v) = current.0 else { throw error(current.1, "\(name)() takes one variable name") }
            index += 1
            result = .factor(v)
        default:
            guard FormulaParser.functions.contains(name) else {
                throw error(pos, "unknown function '\(name)' — available: \(FormulaParser.functions.sorted().joined(separator: ", ")), I(), factor()")
            }
            result = .call(name, try parseProduct())
        }
        try expect(")", "to close '\(name)('")
        return result
    }
}
