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

    static func code(_ text: String, outputs: [[String: Any]] = [], chart: Bool = false) -> [String: Any] {
        let metadata: [String: Any] = chart ? ["tags": ["chart"]] : [:]
        return ["cell_type": "code", "execution_count": NSNull(), "metadata": metadata, "outputs": outputs, "source": lines(text)]
    }

    /// A chart cell: Python that displays the run's own SVG file (so that running the notebook
    /// redraws it instead of wiping it), with that SVG as its stored output. Tagged `chart`:
    /// scripts/check-notebooks checks that every such cell has an output after execution.
    static func chartCell(_ file: String, svg: String) -> [String: Any] {
        code("# Chart drawn by MigrationKit: \(file) in the run folder\ndisplay(SVG(filename=f\"{run}/\(file)\"))",
             outputs: [svgOutput(svg)], chart: true)
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
        cells.append(markdown("## Setup\n\nThe run folder, relative to this notebook; the charts and tables below are read from it (nothing is written)."))
        cells.append(code("""
        %matplotlib inline
        import pandas as pd
        import matplotlib.pyplot as plt
        from IPython.display import SVG, display

        run = "\(relativeRunPath)"
        """))
        cells.append(markdown("## The world under each scenario\n\nMedian of the Monte Carlo draws with its 90 % interval, and the observed history."))
        cells.append(chartCell("charts/world_scenarios.svg", svg: charts["world_scenarios.svg"] ?? ""))
        if let contrast = charts["contrasts.svg"] {
            cells.append(markdown("## Are the scenarios different?\n\nEach scenario minus the reference on the same draws; where the 90 % band includes zero the run cannot tell them apart (contrasts.csv)."))
            cells.append(chartCell("charts/contrasts.svg", svg: contrast))
        }
        if let fan = charts["fan_2.svg"] ?? charts["fan_1.svg"] {
            let file = charts["fan_2.svg"] != nil ? "charts/fan_2.svg" : "charts/fan_1.svg"
            cells.append(markdown("## Uncertainty\n\nMedian with 80 % and 90 % intervals for one scenario (all scenarios: charts/fan_*.svg, on one shared y axis)."))
            cells.append(chartCell(file, svg: fan))
        }
        if let regions = charts["regions.svg"] {
            cells.append(markdown("## Regions\n\nBy UN region of origin, on shared axes."))
            cells.append(chartCell("charts/regions.svg", svg: regions))
        }
        cells.append(markdown("## Load the run's tables\n\nColumns are documented in MigrationKit's README (\"Outputs of `migkit project`\")."))
        cells.append(code("""
        projections = pd.read_csv(f"{run}/projections.csv")
        coefficients = pd.read_csv(f"{run}/coefficients.csv")
        fit = pd.read_csv(f"{run}/in_sample_fit.csv")
        world = projections[(projections.geography_level == "world") & (projections.category == "displaced_stock")]
        world.pivot(index="year", columns="scenario", values="p50").round(-3).head(10)
        """))
        cells.append(markdown("## Scenario contrasts\n\nEach scenario minus the reference, per geography, category and year (empty in runs made before contrasts were computed)."))
        cells.append(code("""
        import os
        contrasts = pd.read_csv(f"{run}/contrasts.csv") if os.path.exists(f"{run}/contrasts.csv") else pd.DataFrame()
        contrasts[(contrasts.geography_level == "world") & (contrasts.category == "displaced_stock")].head(20) if len(contrasts) else contrasts
        """))
        cells.append(markdown("## Redraw the main chart with matplotlib\n\nShown inline; nothing is saved to disk (call `fig.savefig(...)` to keep a copy)."))
        cells.append(code("""
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
        plt.show()
        """, chart: true))
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
