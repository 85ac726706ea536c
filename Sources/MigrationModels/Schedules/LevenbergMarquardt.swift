import Foundation
import Linalg

/// Box-constrained nonlinear least squares, min ½‖r(p)‖² subject to l ≤ p ≤ u, by the
/// Levenberg–Marquardt method (Levenberg 1944; Marquardt 1963) with Moré's (1978) scaling.
///
/// Each iteration: variables at a bound whose gradient points outward are held (active set);
/// the step δ for the others solves the damped problem min ‖J_F δ + r‖² + λ‖D_F δ‖², D the
/// running maximum of the Jacobian's column norms, as the least-squares problem
/// [J_F; √λ·D_F] δ ≈ [−r; 0] by LAPACK (`dgels`, `dgelsd` when that is rank deficient); the trial
/// point is projected on the box. A step is accepted when the actual reduction is at least 1e-4
/// of the predicted one; λ follows Nielsen's (1999) update. Stops when an accepted step changes
/// the cost by ≤ ftol (relative) and the parameters by ≤ xtol (relative), when the projected
/// gradient is ≤ gtol·max(1, cost), or when λ exceeds 1e20 (no further decrease is measurable).
struct BoundedLevenbergMarquardt {
    var ftol = 1e-15
    var xtol = 1e-13
    var gtol = 1e-16
    var maxIterations = 2000

    struct Outcome {
        var parameters: [Double]
        var cost: Double
        var residuals: [Double]
        var jacobian: Matrix
        var iterations: Int
        var converged: Bool
        var active: [Bool]
    }

    /// - Parameters:
    ///   - evaluate: returns r(p) and J(p) (m × n), or nil when p gives non-finite values.
    func minimize(start: [Double], lower: [Double], upper: [Double],
                  evaluate: ([Double]) -> (residuals: [Double], jacobian: Matrix)?) throws -> Outcome? {
        let n = start.count
        var p = (0..<n).map { min(max(start[$0], lower[$0]), upper[$0]) }
        guard var current = evaluate(p) else { return nil }
        var cost = 0.5 * current.residuals.reduce(0) { $0 + $1 * $1 }
        guard cost.isFinite else { return nil }
        let m = current.residuals.count
        var scale = [Double](repeating: 0, count: n)
        var lambda = 1e-3
        var nu = 2.0
        var iterations = 0
        var converged = false
        var active = [Bool](repeating: false, count: n)
        while iterations < maxIterations {
            iterations += 1
            let jac = current.jacobian, r = current.residuals
            var grad = [Double](repeating: 0, count: n)
            for j in 0..<n {
                var s = 0.0, norm = 0.0
                for i in 0..<m { s += jac[i, j] * r[i]; norm += jac[i, j] * jac[i, j] }
                grad[j] = s
                scale[j] = max(scale[j], norm.squareRoot())
            }
            // Active set and projected gradient.
            var projected = 0.0
            for j in 0..<n {
                let atLower = p[j] <= lower[j], atUpper = p[j] >= upper[j]
                active[j] = (atLower && grad[j] > 0) || (atUpper && grad[j] < 0)
                if !active[j] { projected = max(projected, abs(grad[j]) * max(abs(p[j]), 1e-12)) }
            }
            if projected <= gtol * max(1, cost) { converged = true; break }
            let free = (0..<n).filter { !active[$0] }
            var accepted = false
            while !accepted {
                guard lambda < 1e20 else { converged = true; break }
                let q = free.count
                var a = try Matrix(rows: m + q, cols: q)
                var rhs = [Double](repeating: 0, count: m + q)
                for (c, j) in free.enumerated() {
                    for i in 0..<m { a[i, c] = jac[i, j] }
                    a[m + c, c] = lambda.squareRoot() * max(scale[j], 1e-300)
                }
                for i in 0..<m { rhs[i] = -r[i] }
                let delta: [Double]
                do {
                    delta = try a.leastSquares(rhs, method: .qr)
                } catch {
                    delta = (try? a.leastSquares(rhs, method: .svd())) ?? [Double](repeating: 0, count: q)
                }
                var trial = p
                for (c, j) in free.enumerated() { trial[j] = min(max(p[j] + delta[c], lower[j]), upper[j]) }
                // Predicted reduction of the (projected) step s: ½‖r‖² − ½‖r + J s‖².
                var predictedResidual = r
                for j in 0..<n where trial[j] != p[j] {
                    let s = trial[j] - p[j]
                    for i in 0..<m { predictedResidual[i] += jac[i, j] * s }
                }
                let predicted = cost - 0.5 * predictedResidual.reduce(0) { $0 + $1 * $1 }
                guard let next = evaluate(trial) else { lambda *= nu; nu *= 2; continue }
                let newCost = 0.5 * next.residuals.reduce(0) { $0 + $1 * $1 }
                let rho = predicted > 0 ? (cost - newCost) / predicted : -1
                if newCost.isFinite && rho > 1e-4 {
                    let stepSize = (0..<n).reduce(0.0) { max($0, abs(trial[$1] - p[$1]) / max(abs(p[$1]), 1e-8)) }
                    let relativeReduction = (cost - newCost) / max(cost, 1e-300)
                    p = trial
                    current = next
                    cost = newCost
                    lambda *= max(1.0 / 3, 1 - pow(2 * rho - 1, 3))
                    nu = 2
                    accepted = true
                    if relativeReduction <= ftol && stepSize <= xtol { converged = true }
                } else {
                    lambda *= nu
                    nu *= 2
                }
            }
            if converged { break }
        }
        return Outcome(parameters: p, cost: cost, residuals: current.residuals, jacobian: current.jacobian,
                       iterations: iterations, converged: converged, active: active)
    }
}
