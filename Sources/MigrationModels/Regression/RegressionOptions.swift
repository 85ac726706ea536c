/// Settings shared by the linear and generalized linear fits.
public struct RegressionOptions: Sendable {
    /// Confidence level of the reported intervals.
    public var confidenceLevel: Double = 0.95
    /// Drop observations in singleton fixed-effect groups (iteratively), and count them.
    public var dropSingletons: Bool = true
    /// Relative pivot tolerance of the rank decision (see `weightedLeastSquares`).
    public var collinearityTolerance: Double = 1e-7
    /// Fixed-effect solver settings.
    public var fixedEffectSolver = FixedEffectSolverOptions()
    /// Recover the fixed-effect coefficients after the fit.
    public var estimateFixedEffects: Bool = false
    /// IRLS: maximum iterations.
    public var maxIterations: Int = 100
    /// IRLS: stop when |deviance − previous| / max(|deviance|, 0.1) < tolerance (as R's glm.fit
    /// and ppmlhdfe).
    public var tolerance: Double = 1e-10
    /// IRLS: return a result flagged `converged = false` instead of throwing.
    public var allowNonConvergence: Bool = false
    /// Poisson: detect and drop separated observations (fixed-effect groups with all-zero
    /// outcomes, and regressor separation by the iterated rectifier).
    public var detectSeparation: Bool = true
    public init() {}
}
