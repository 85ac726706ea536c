import Foundation
import Testing
import Linalg
@testable import MigrationModels

@Suite("Iterative proportional fitting against ipfn and numpy")
struct IPFTests {
    static func reference(_ name: String) throws -> (ContingencyTable, [TableMargin], [Double], [Double]) {
        let c = try FlowsFixture.shared.object("ipf", name)
        let shape = (c["shape"] as? [Int]) ?? []
        let seed = try ContingencyTable(shape: shape, values: try FlowsFixture.numbers(c, "seed_row_major"))
        let margins = try ((c["margins"] as? [[String: Any]]) ?? []).map {
            TableMargin(axes: ($0["axes"] as? [Int]) ?? [], totals: try FlowsFixture.numbers($0, "totals_row_major"))
        }
        return (seed, margins, try FlowsFixture.numbers(c, "numpy"), try FlowsFixture.numbers(c, "ipfn"))
    }

    @Test("2-D with structural zeros, 3-D to 1-D margins, 3-D to 2-D margins equal ipfn and numpy to 1e-10",
          arguments: ["ipf2d_zeros", "ipf3d_1d", "ipf3d_2d"])
    func againstReferences(name: String) throws {
        let (seed, margins, numpy, ipfn) = try Self.reference(name)
        var options = IPFOptions()
        options.tolerance = 1e-14
        let r = try IterativeProportionalFitting.fit(seed: seed, margins: margins, options: options)
        #expect(r.converged && r.maxRelativeDeviation <= 1e-14)
        #expect(numpy.count == r.fitted.values.count)
        let scale = numpy.map(abs).max() ?? 1
        var worstNumpy = 0.0, worstIpfn = 0.0
        for k in 0..<numpy.count {
            worstNumpy = max(worstNumpy, abs(r.fitted.values[k] - numpy[k]) / scale)
            worstIpfn = max(worstIpfn, abs(r.fitted.values[k] - ipfn[k]) / scale)
        }
        #expect(worstNumpy < 1e-10, "\(name): max |Δ|/max = \(worstNumpy) vs numpy")
        #expect(worstIpfn < 1e-10, "\(name): max |Δ|/max = \(worstIpfn) vs ipfn")
        for (k, v) in seed.values.enumerated() where v == 0 { #expect(r.fitted.values[k] == 0) }
        for m in margins {
            for (a, b) in zip(try r.fitted.margin(m.axes), m.totals) { #expect(abs(a - b) <= 1e-12 * max(1, b)) }
        }
    }

    @Test("Willekens (1999) example of migest's ipf2 gives the published table")
    func willekens() throws {
        let seed = try Matrix([[5, 2], [1, 7]])
        var options = IPFOptions()
        options.tolerance = 1e-15
        let r = try IterativeProportionalFitting.fit(seed: seed, rowTotals: [18, 20], columnTotals: [16, 22], options: options)
        let expected = try FlowsFixture.numbers(try FlowsFixture.shared.object("ipf", "willekens"), "fitted_row_major")
        for i in 0..<2 { for j in 0..<2 { #expect(abs(r.fitted[i, j] - expected[i * 2 + j]) < 1e-12) } }
        // As printed by migest's ipf2 example (2 decimals): 13.25, 4.75 / 2.75, 17.25; the seed's
        // odds ratio 17.5 is kept.
        #expect(abs(r.fitted[0, 0] - 13.25) < 0.005 && abs(r.fitted[0, 1] - 4.75) < 0.005)
        #expect(abs(r.fitted[1, 0] - 2.75) < 0.005 && abs(r.fitted[1, 1] - 17.25) < 0.005)
        #expect(abs(r.fitted[0, 0] * r.fitted[1, 1] / (r.fitted[0, 1] * r.fitted[1, 0]) - 17.5) < 1e-10)
        #expect(r.iterations > 1 && r.maxRelativeDeviation <= 1e-15)
    }

    @Test("Errors: totals that differ, and a positive margin over a row of structural zeros")
    func errors() throws {
        let seed = try Matrix([[0, 0, 0], [1, 2, 3], [4, 5, 6]])
        #expect(throws: FlowEstimationError.self) {
            _ = try IterativeProportionalFitting.fit(seed: seed, rowTotals: [0, 10, 10], columnTotals: [5, 5, 9])
        }
        do {
            _ = try IterativeProportionalFitting.fit(seed: seed, rowTotals: [1, 10, 10], columnTotals: [7, 7, 7])
            Issue.record("expected an unattainable-margin error")
        } catch let e as FlowEstimationError {
            #expect(e == .unattainableMargin(what: "margin over axes [0], cell", index: 0, total: 1))
            #expect(e.description.contains("structural zero"))
        }
        // Row of zeros with a zero total is fine.
        let ok = try IterativeProportionalFitting.fit(seed: seed, rowTotals: [0, 10, 11], columnTotals: [7, 7, 7])
        #expect(ok.converged)
        // Shared axes of two 2-D margins must agree.
        let cube = try ContingencyTable(shape: [2, 2, 2], repeating: 1)
        #expect(throws: FlowEstimationError.self) {
            _ = try IterativeProportionalFitting.fit(seed: cube, margins: [TableMargin(axes: [0, 2], totals: [1, 2, 3, 4]), TableMargin(axes: [1, 2], totals: [2, 2, 3, 3])])
        }
        // A fit that does not exist (zeros force a contradiction) reports non-convergence.
        let diag = try Matrix([[1, 0], [0, 1]])
        var options = IPFOptions()
        options.maxIterations = 50
        #expect(throws: FlowEstimationError.self) {
            _ = try IterativeProportionalFitting.fit(seed: diag, rowTotals: [1, 2], columnTotals: [2, 1], options: options)
        }
        options.allowNonConvergence = true
        let flagged = try IterativeProportionalFitting.fit(seed: diag, rowTotals: [1, 2], columnTotals: [2, 1], options: options)
        #expect(!flagged.converged && flagged.iterations == 50)
    }

    @Test("Quasi-independence keeps the diagonal and meets the margins")
    func quasiIndependence() throws {
        let seed = try Matrix([[1, 2, 3], [2, 1, 1], [1, 3, 1]])
        let rows = [100.0, 60, 40], cols = [80.0, 70, 50]
        let r = try IterativeProportionalFitting.fitQuasiIndependent(seed: seed, rowTotals: rows, columnTotals: cols)
        for i in 0..<3 { #expect(r.fitted[i, i] == min(rows[i], cols[i])) }
        for i in 0..<3 {
            #expect(abs((0..<3).reduce(0) { $0 + r.fitted[i, $1] } - rows[i]) < 1e-8)
            #expect(abs((0..<3).reduce(0) { $0 + r.fitted[$1, i] } - cols[i]) < 1e-8)
        }
        // Off-diagonal cross-product ratios of the seed are kept (quasi-independence).
        let d = [30.0, 20, 10]
        let q = try IterativeProportionalFitting.fitQuasiIndependent(seed: seed, rowTotals: rows, columnTotals: cols, diagonal: d)
        let ratioFit = q.fitted[0, 1] * q.fitted[1, 2] * q.fitted[2, 0] / (q.fitted[0, 2] * q.fitted[2, 1] * q.fitted[1, 0])
        let ratioSeed = seed[0, 1] * seed[1, 2] * seed[2, 0] / (seed[0, 2] * seed[2, 1] * seed[1, 0])
        #expect(abs(ratioFit / ratioSeed - 1) < 1e-8)
    }

    @Test("Block totals (migest ipf2_block example) are met with rows and columns")
    func blocks() throws {
        // migest: rtot, ctot, btot = matrix(c(0,0,50,0, 35,0,25,0, 10,10,0,0, 10,10,0,0), 4, byrow = TRUE),
        // block = block_matrix(x = 1:16, b = c(2,3,4,3)) — blocks of 2, 3, 4, 3 rows/columns;
        // block_matrix fills ids by column, so btot's column-major order maps to (row group, column group).
        let rt = [30.0, 20, 30, 10, 20, 5, 0, 10, 5, 5, 5, 10]
        let ct = [45.0, 10, 10, 5, 5, 10, 50, 5, 10, 0, 0, 0]
        let btotRowMajorR = [[0.0, 0, 50, 0], [35, 0, 25, 0], [10, 10, 0, 0], [10, 10, 0, 0]]
        // migest pairs c(btot) (column-major) with block ids 1..16 (filled by column): block (i, j) gets btot[i, j].
        let bt = try Matrix(btotRowMajorR)
        let groups = [0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]
        let seed = try Matrix(rows: 12, cols: 12, repeating: 1)
        let r = try IterativeProportionalFitting.fitBlocks(seed: seed, rowTotals: rt, columnTotals: ct, rowGroups: groups, columnGroups: groups, blockTotals: bt)
        #expect(r.converged)
        for i in 0..<12 { #expect(abs((0..<12).reduce(0) { $0 + r.fitted[i, $1] } - rt[i]) < 1e-8) }
        for j in 0..<12 { #expect(abs((0..<12).reduce(0) { $0 + r.fitted[$1, j] } - ct[j]) < 1e-8) }
        for bi in 0..<4 {
            for bj in 0..<4 {
                var s = 0.0
                for i in 0..<12 where groups[i] == bi { for j in 0..<12 where groups[j] == bj { s += r.fitted[i, j] } }
                #expect(abs(s - bt[bi, bj]) < 1e-8)
            }
        }
    }

    @Test("Block fits reject row and column totals of the wrong length or that disagree with their groups' block totals")
    func blockMarginChecks() throws {
        let seed = try Matrix(rows: 3, cols: 2, repeating: 1)
        let bt = try Matrix([[4.0, 2], [1, 3]])            // row groups sum to 6, 4; column groups to 5, 5
        let rowGroups = [0, 0, 1], columnGroups = [0, 1]
        func fit(_ rt: [Double]?, _ ct: [Double]?) throws {
            _ = try IterativeProportionalFitting.fitBlocks(seed: seed, rowTotals: rt, columnTotals: ct, rowGroups: rowGroups,
                                                           columnGroups: columnGroups, blockTotals: bt)
        }
        #expect(throws: FlowEstimationError.invalidInput("2 row totals for 3 rows")) { try fit([5, 5], nil) }
        #expect(throws: FlowEstimationError.invalidInput("3 column totals for 2 columns")) { try fit(nil, [5, 5, 0]) }
        #expect(throws: FlowEstimationError.inconsistentMargins(first: "row totals in row group 1", firstTotal: 5,
                                                                second: "block totals of that group", secondTotal: 4)) { try fit([3, 3, 5], nil) }
        #expect(throws: FlowEstimationError.inconsistentMargins(first: "column totals in column group 0", firstTotal: 4,
                                                                second: "block totals of that group", secondTotal: 5)) { try fit(nil, [4, 6]) }
        #expect(throws: FlowEstimationError.invalidValue(what: "row totals", index: 1, value: -1, requirement: "it must be finite and ≥ 0")) { try fit([3, -1, 8], nil) }
        let r = try IterativeProportionalFitting.fitBlocks(seed: seed, rowTotals: [3, 3, 4], columnTotals: [5, 5], rowGroups: rowGroups,
                                                           columnGroups: columnGroups, blockTotals: bt)
        #expect(r.converged)
        for i in 0..<3 { #expect(abs(r.fitted[i, 0] + r.fitted[i, 1] - [3.0, 3, 4][i]) < 1e-8) }
    }
}
