/// Summary measures of an observed migration age profile (migest `index_age`; Rogers 1975,
/// Bell et al. 2002, Bell & Muhidin 2009, Bernard, Bell & Charles-Edwards 2014), computed as
/// migest 2.0.5's code does, which differs in places from the measures' names:
///
/// With mᵢ = 100·intensityᵢ (percent), nᵢ = mᵢ/Σm, dᵢ = nᵢ − nᵢ₋₁ (d₀ = 0), in the order given, and
/// the study ages those with `minimumAge` < age < `maximumAge` (strictly):
/// - `grossMigraproduction` GMR = Σ intensity;
/// - `peakIntensity` = max m over the study ages (in percent, as migest);
/// - `peakAge` = the age of the largest n over all ages;
/// - `peakBreadth` = Σ m and `peakShare` = 100·Σ n over the positions peakAge − breadth …
///   peakAge + breadth, read as 1-based row positions (R's `m[(peak_age - breadth):(peak_age + breadth)]`):
///   for single years from age 0 this is ages peakAge − breadth − 1 … peakAge + breadth − 1;
/// - `maximumUpwardChangeAge` and `maximumDownwardChangeAge` = the ages where d reaches its
///   largest and smallest value over the study ages (migest's `murc` and `mdrc` are these ages,
///   not the rates of change), and `asymmetry` = their ratio (migest's).
/// Ties take the first age (migest would return several rows).
public struct MigrationAgeProfileIndex: Sendable, Equatable {
    public let grossMigraproduction: Double
    public let peakIntensity: Double
    public let peakAge: Double
    public let peakBreadth: Double
    public let peakShare: Double
    public let maximumUpwardChangeAge: Double
    public let maximumDownwardChangeAge: Double
    public let asymmetry: Double
}

extension MigrationIndices {
    /// The age-profile measures of migest's `index_age` (see `MigrationAgeProfileIndex`).
    /// - Parameters:
    ///   - ages: the ages, in the order of the profile (whole years, e.g. 0 … 100).
    ///   - intensities: the migration intensities at those ages (≥ 0, not all 0).
    ///   - minimumAge: the study ages start above it (migest's `age_min`, 5).
    ///   - maximumAge: and end below it (`age_max`, 65).
    ///   - breadth: the half-width of the peak window, in rows (`breadth`, 5).
    /// - Throws: `FlowEstimationError.invalidInput` for lengths that differ, no study age, no
    ///   migration, or a peak window that leaves the rows (R would fail or mix positions).
    public static func age(ages: [Double], intensities: [Double], minimumAge: Double = 5, maximumAge: Double = 65,
                           breadth: Int = 5) throws -> MigrationAgeProfileIndex {
        guard ages.count == intensities.count, !ages.isEmpty else {
            throw FlowEstimationError.invalidInput("\(ages.count) ages for \(intensities.count) intensities")
        }
        for (k, v) in (ages + intensities).enumerated() where !v.isFinite {
            throw FlowEstimationError.invalidValue(what: k < ages.count ? "ages" : "intensities", index: k % ages.count, value: v, requirement: "values must be finite")
        }
        for (k, v) in intensities.enumerated() where v < 0 {
            throw FlowEstimationError.invalidValue(what: "intensities", index: k, value: v, requirement: "intensities must be ≥ 0")
        }
        guard breadth >= 0 else { throw FlowEstimationError.invalidInput("the breadth must be ≥ 0") }
        let m = intensities.map { 100 * $0 }
        let total = m.reduce(0, +)
        guard total > 0 else { throw FlowEstimationError.invalidInput("every intensity is 0: the measures are undefined") }
        let share = m.map { $0 / total }
        let d = [0] + (1..<share.count).map { share[$0] - share[$0 - 1] }
        let study = ages.indices.filter { ages[$0] > minimumAge && ages[$0] < maximumAge }
        guard !study.isEmpty else { throw FlowEstimationError.invalidInput("no age lies strictly between \(minimumAge) and \(maximumAge)") }
        let peakIntensity = study.map { m[$0] }.max()!
        let largestShare = share.max()!
        let peakAge = ages[share.firstIndex(of: largestShare)!]
        // R positions (1-based) peak_age − breadth … peak_age + breadth.
        guard peakAge == peakAge.rounded() else { throw FlowEstimationError.invalidInput("the peak age \(peakAge) is not a whole number: migest reads it as a row position") }
        let first = Int(peakAge) - breadth, last = Int(peakAge) + breadth
        guard first >= 1, last <= m.count else {
            throw FlowEstimationError.invalidInput("the peak window, rows \(first) … \(last) (1-based, as migest reads it), leaves the \(m.count) rows of the profile")
        }
        let window = (first - 1)...(last - 1)
        let maxD = study.map { d[$0] }.max()!, minD = study.map { d[$0] }.min()!
        let murc = ages[d.firstIndex(of: maxD)!], mdrc = ages[d.firstIndex(of: minD)!]
        return MigrationAgeProfileIndex(grossMigraproduction: total / 100, peakIntensity: peakIntensity, peakAge: peakAge,
                                        peakBreadth: window.reduce(0) { $0 + m[$1] }, peakShare: 100 * window.reduce(0) { $0 + share[$1] },
                                        maximumUpwardChangeAge: murc, maximumDownwardChangeAge: mdrc, asymmetry: murc / mdrc)
    }
}
