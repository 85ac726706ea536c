import Foundation

/// The climate channel of the `lifecycle` stock model: new disaster displacement hazard by hazard,
/// the disaster-IDP stock it feeds, and warming responses from the literature — never from a
/// regression that cannot tell its coefficient from zero.
///
/// Per draw d, country c, hazard h and year t (P the scenario's population, ΔT(t) the draw's
/// global warming above its jump-off-year level):
///
///     N_h(c,t) = cluster · Poisson-like(rate_{c,h}⁽ᵈ⁾ · P(c,t) · (1 + r_h⁽ᵈ⁾)^ΔT(t) · G / cluster)
///     S_h(c,t) = S_h(c,t−1)·e^{−1/d_h} + N_h(c,t)·d_h·(1 − e^{−1/d_h})       (disaster IDPs)
///
/// rate: `HazardDisplacementModel` (GIDD 2008–base, pooled within hazard and UN region; a rate
/// drawn from its posterior per draw); r_h: a draw from `ClimateResponseTable` (the literature's
/// range, triangular; 0 for earthquakes and volcanoes, so geophysical displacement does not
/// depend on the pathway); G ~ Gamma(θ_h) the year's weather; durations d_h from
/// `DisasterIDPStock`, scaled so that the stock implied by the jump-off year's expected inflow
/// equals IDMC's end-2024 disaster IDP stock (9.85 M), whose country figures are the jump-off.
/// The Poisson count is drawn by its normal approximation with one standard normal shared by the
/// scenario and its counterfactual (paired draws).
///
/// Conflict: the probability of a new crisis (`CrisisOnsetModel`) is multiplied by
/// (1 + r_conflict)^ΔT, r_conflict drawn from the literature row `conflict` (Mach et al. 2019;
/// Burke, Hsiang & Miguel 2015 as the upper bound; the range includes zero), unless the scenario
/// sets `conflict_warming = false`. `conflictEmpirical` is the country-level PPML estimate of
/// the temperature coefficient on new conflict displacement, reported beside it, never used.
///
/// Climate-attributable displacement: every draw is also run with warming held at the jump-off
/// year's level (ΔT = 0) and everything else the same (same random numbers); the difference is
/// what warming after the jump-off adds.
public struct ClimateChannel: Sendable {
    public let hazards: HazardDisplacementModel
    public let responses: ClimateResponseTable
    public let disasterStock: DisasterIDPStock
    /// country → hazard → disaster IDPs at the jump-off (IDMC end-2024 figures split over hazards
    /// by inflow × duration; none before 2024's figures exist, as in backtests).
    public let jumpOffStock: [String: [ClimateHazard: Double]]
    /// The empirical temperature coefficient on new conflict displacement (PPML, per °C of the
    /// country anomaly) and its standard error: reported beside the literature value.
    public let conflictEmpirical: (estimate: Double, standardError: Double)?

    public static let hazardsInOrder = ClimateHazard.disasters

    /// The disaster-IDP stock at the jump-off, summed over countries and hazards in a fixed order.
    public var jumpOffTotal: Double {
        jumpOffStock.keys.sorted().reduce(0.0) { acc, c in Self.hazardsInOrder.reduce(acc) { $0 + (jumpOffStock[c]?[$1] ?? 0) } }
    }

    /// Fits the channel on the data up to `baseYear`; nil when the inputs lack its data.
    public static func fit(_ inputs: ProjectionInputs, baseYear: Int, conflict: ConflictDisplacementModel? = nil) throws -> ClimateChannel? {
        guard let obs = inputs.hazardObservations, let responses = inputs.climateResponses else { return nil }
        let model = HazardDisplacementModel.fit(obs, years: 2008...min(baseYear, 2023))
        // Expected inflow in the jump-off year by hazard (world and by country), at that year's population.
        var world: [ClimateHazard: Double] = [:], byCountry: [String: [ClimateHazard: Double]] = [:]
        for c in inputs.population.estimates.countries {
            guard let p = inputs.population.value(c, baseYear, .medium) else { continue }
            for h in hazardsInOrder {
                let n = model.expected(h, country: c, population: p * 1000)
                world[h, default: 0] += n
                byCountry[c, default: [:]][h] = n
            }
        }
        let stock = try DisasterIDPStock.calibrate(inflow: world)
        // IDMC's stock figures are for the end of 2024: a jump-off only from 2024 on.
        let jump = baseYear >= 2024 ? stock.jumpOff(observed: inputs.observedDisasterStocks, inflow: byCountry) : [:]
        let empirical = conflict?.inflow.coefficients.first { $0.term == "temperature_anomaly" }.map { ($0.estimate, $0.standardError) }
        return ClimateChannel(hazards: model, responses: responses, disasterStock: stock, jumpOffStock: jump,
                              conflictEmpirical: empirical)
    }
}
