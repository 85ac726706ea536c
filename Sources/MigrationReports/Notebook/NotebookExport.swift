import Foundation
import MigrationData

/// Exports a `migkit project` run as a Jupyter notebook (nbformat 4.5): a narrative in markdown,
/// the run's charts as SVG outputs, the key tables, and Python cells that load the run's CSVs
/// with pandas and redraw the main chart with matplotlib, so a researcher can continue from there.
///
/// The notebook records a fingerprint of what produced it — the shipped data files, the scenario
/// file and MigrationKit's version — so that a test can tell when the committed notebooks in
/// notebooks-export/ are stale.
public enum NotebookExport {
    /// SHA-free, dependency-free fingerprint: FNV-1a 64 over the named files' bytes (in order)
    /// and `extra` strings. Not cryptographic; it only detects change.
    public static func fingerprint(files: [URL], extra: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) { for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 } }
        for f in files {
            mix(Array(f.lastPathComponent.utf8))
            if let d = FileManager.default.contents(atPath: f.path) { mix(d) }
        }
        for e in extra { mix(Array(e.utf8)) }
        return String(format: "%016llx", h)
    }

    static func markdown(_ text: String) -> [String: Any] {
        ["cell_type": "markdown", "metadata": [String: Any](), "source": lines(text)]
    }

    static func code(_ text: String, outputs: [[String: Any]] = []) -> [String: Any] {
        ["cell_type": "code", "execution_count": NSNull(), "metadata": [String: Any](), "outputs": outputs, "source": lines(text)]
    }

    static func svgOutput(_ svg: String) -> [String: Any] {
        ["output_type": "display_data", "metadata": [String: Any](), "data": ["image/svg+xml": lines(svg), "text/plain": ["<chart>"]]]
    }

    /// nbformat stores multi-line strings as lists of lines, each but the last ending in "\n".
    static func lines(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ch == "\n" { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Builds the notebook JSON for the run in `runDirectory`; `relativeRunPath` is how the
    /// notebook's Python cells reach the run folder from where the notebook is saved.
    public static func build(runDirectory: URL, relativeRunPath: String, fingerprint: String) throws -> Data {
        let (_, charts) = try HTMLReport.build(directory: runDirectory)
        let manifestData = FileManager.default.contents(atPath: runDirectory.appendingPathComponent("manifest.json").path) ?? Data()
        let manifest = (try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any]) ?? [:]
        let scenarios = ((manifest["scenarios"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        let sources = ((manifest["data_sources"] as? [[String: Any]]) ?? []).compactMap { $0["attribution"] as? String }
        var cells: [[String: Any]] = []
        cells.append(markdown("""
        # Forced displacement projections

        This notebook was exported by `migkit notebook` from a `migkit project` run \
        (MigrationKit \(manifest["migrationkit_version"] ?? ""), \(manifest["draws"] ?? "") draws per scenario, seed \(manifest["seed"] ?? ""), \
        from \(manifest["base_year"] ?? "") to \(manifest["horizon"] ?? "")). It shows the run's charts and loads its CSV files with \
        pandas so that you can continue the analysis.

        Scenarios: \(scenarios.joined(separator: ", ")).

        The displaced stock counts refugees, asylum seekers, other people in need of international protection, \
        conflict IDPs and UNRWA refugees by origin. Long-run medians compound the growth of displaced stocks \
        observed since 2001; see FORECASTS.md for how the model performs against naive baselines.
        """))
        cells.append(markdown("## The world under each scenario\n\nMedian of the Monte Carlo draws, with the observed history."))
        cells.append(code("# Chart drawn by MigrationKit (charts/world_scenarios.svg)", outputs: [svgOutput(charts["world_scenarios.svg"] ?? "")]))
        if let fan = charts["fan_2.svg"] ?? charts["fan_1.svg"] {
            cells.append(markdown("## Uncertainty\n\nMedian with 80 % and 90 % intervals for one scenario (all scenarios: charts/fan_*.svg)."))
            cells.append(code("# Chart drawn by MigrationKit", outputs: [svgOutput(fan)]))
        }
        cells.append(markdown("## Load the run's tables\n\nColumns are documented in MigrationKit's README (\"Outputs of `migkit project`\")."))
        cells.append(code("""
        import pandas as pd

        run = "\(relativeRunPath)"
        projections = pd.read_csv(f"{run}/projections.csv")
        coefficients = pd.read_csv(f"{run}/coefficients.csv")
        fit = pd.read_csv(f"{run}/in_sample_fit.csv")
        world = projections[(projections.geography_level == "world") & (projections.category == "displaced_stock")]
        world.pivot(index="year", columns="scenario", values="p50").round(-3).head(10)
        """))
        cells.append(markdown("## Redraw the main chart with matplotlib"))
        cells.append(code("""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(9, 5))
        observed = fit[fit.geography == "World"]
        ax.plot(observed.year, observed.observed / 1e6, color="black", label="Observed")
        for name, g in world.groupby("scenario", sort=False):
            ax.plot(g.year, g.p50 / 1e6, label=name)
            ax.fill_between(g.year, g.p10 / 1e6, g.p90 / 1e6, alpha=0.1)
        ax.set_xlabel("Year")
        ax.set_ylabel("Forcibly displaced people (millions)")
        ax.set_title("World: median and 80 % interval by scenario")
        ax.legend(fontsize=8)
        fig.savefig("world_scenarios_matplotlib.png", dpi=100)
        """))
        cells.append(markdown("## Fitted coefficients"))
        cells.append(code("coefficients"))
        cells.append(markdown("## Data sources and licences\n\n" + sources.map { "- \($0)" }.joined(separator: "\n")))
        let notebook: [String: Any] = [
            "cells": cells,
            "metadata": [
                "kernelspec": ["display_name": "Python 3", "language": "python", "name": "python3"],
                "language_info": ["name": "python"],
                "migrationkit": ["fingerprint": fingerprint, "generated_by": "migkit notebook"],
            ],
            "nbformat": 4,
            "nbformat_minor": 5,
        ]
        // nbformat ≥ 4.5 wants a unique id per cell.
        var withIDs = notebook
        withIDs["cells"] = cells.enumerated().map { k, c -> [String: Any] in var c = c; c["id"] = "cell-\(k + 1)"; return c }
        return try JSONSerialization.data(withJSONObject: withIDs, options: [.prettyPrinted, .sortedKeys])
    }
}
