import Foundation
import Testing
@testable import Linalg

/// Reads Tests/Fixtures/linalg/reference.json, written by make_reference.py (numpy/scipy).
struct ReferenceFixture: @unchecked Sendable {
    let cases: [String: Any]

    static let shared: ReferenceFixture = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/linalg/reference.json")
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = object["cases"] as? [String: Any] else {
            return ReferenceFixture(cases: [:])
        }
        return ReferenceFixture(cases: cases)
    }()

    func `case`(_ name: String) throws -> Case {
        guard let c = cases[name] as? [String: Any] else { throw FixtureError.missing(name) }
        return Case(name: name, fields: c)
    }

    struct Case {
        let name: String
        let fields: [String: Any]

        func matrix(_ key: String) throws -> Matrix {
            guard let m = fields[key] as? [String: Any] else { throw FixtureError.missing("\(name).\(key)") }
            return try ReferenceFixture.decodeMatrix(m, "\(name).\(key)")
        }
        func vector(_ key: String) throws -> [Double] {
            guard let v = fields[key] as? [Any] else { throw FixtureError.missing("\(name).\(key)") }
            return v.compactMap { ($0 as? NSNumber)?.doubleValue }
        }
        func ints(_ key: String) throws -> [Int] {
            guard let v = fields[key] as? [Any] else { throw FixtureError.missing("\(name).\(key)") }
            return v.compactMap { ($0 as? NSNumber)?.intValue }
        }
        func scalar(_ key: String) throws -> Double {
            guard let v = fields[key] as? NSNumber else { throw FixtureError.missing("\(name).\(key)") }
            return v.doubleValue
        }
        func int(_ key: String) throws -> Int {
            guard let v = fields[key] as? NSNumber else { throw FixtureError.missing("\(name).\(key)") }
            return v.intValue
        }
        func complexVector(_ key: String) throws -> [Complex<Double>] {
            guard let v = fields[key] as? [[Any]] else { throw FixtureError.missing("\(name).\(key)") }
            return v.map { Complex(($0[0] as? NSNumber)?.doubleValue ?? .nan, ($0[1] as? NSNumber)?.doubleValue ?? .nan) }
        }
        func complexMatrix(_ key: String) throws -> ComplexMatrix {
            guard let m = fields[key] as? [String: Any], let re = m["real"] as? [String: Any], let im = m["imag"] as? [String: Any] else {
                throw FixtureError.missing("\(name).\(key)")
            }
            return ComplexMatrix(real: try ReferenceFixture.decodeMatrix(re, key), imaginary: try ReferenceFixture.decodeMatrix(im, key))
        }
        func sub(_ key: String) throws -> Case {
            guard let c = fields[key] as? [String: Any] else { throw FixtureError.missing("\(name).\(key)") }
            return Case(name: "\(name).\(key)", fields: c)
        }
    }

    static func decodeMatrix(_ m: [String: Any], _ what: String) throws -> Matrix {
        guard let r = (m["rows"] as? NSNumber)?.intValue, let c = (m["cols"] as? NSNumber)?.intValue,
              let d = m["data"] as? [Any] else { throw FixtureError.malformed(what) }
        return try Matrix(rows: r, cols: c, columnMajor: d.compactMap { ($0 as? NSNumber)?.doubleValue })
    }
}

enum FixtureError: Error, CustomStringConvertible {
    case missing(String), malformed(String)
    var description: String {
        switch self {
        case .missing(let k): return "reference.json has no '\(k)' — regenerate with python3 Tests/Fixtures/linalg/make_reference.py"
        case .malformed(let k): return "reference.json: '\(k)' is malformed"
        }
    }
}

// MARK: - Comparison helpers (relative to the reference's scale)

/// max|a−b| / max(1e-300, max|b|): a norm-wise relative error, robust for entries near zero.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    var diff = 0.0, scale = 0.0
    for k in 0..<a.count {
        diff = max(diff, abs(a[k] - b[k]))
        scale = max(scale, abs(b[k]))
    }
    if diff.isNaN { return .infinity }
    return diff / max(scale, 1e-300)
}

func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
    guard a.rows == b.rows, a.cols == b.cols else { return .infinity }
    return relativeError(a.elements, b.elements)
}

func relativeError(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(abs(b), 1e-300)
}

/// Flips the sign of each column of `a` so that it best matches `b` (vectors unique up to sign).
func alignColumnSigns(_ a: Matrix, to b: Matrix) -> Matrix {
    var out = a
    for j in 0..<min(a.cols, b.cols) {
        var d = 0.0
        for i in 0..<a.rows { d += a[i, j] * b[i, j] }
        if d < 0 { for i in 0..<a.rows { out[i, j] = -a[i, j] } }
    }
    return out
}

/// Flips the sign of each row of `a` to best match `b`.
func alignRowSigns(_ a: Matrix, to b: Matrix) -> Matrix {
    alignColumnSigns(a.transposed(), to: b.transposed()).transposed()
}

let tight = 1e-12
