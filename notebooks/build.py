#!/usr/bin/env python
"""Write the worked notebooks from the source cells in this file and execute them, saving outputs in place.

    python notebooks/build.py               # write + execute all notebooks (outputs and figures saved)
    python notebooks/build.py 02 04         # only the notebooks whose name starts with 02 or 04
    python notebooks/build.py --no-execute  # write them without outputs
    python notebooks/build.py --check       # execute in memory; fail if a saved notebook differs

The notebooks are generated, not edited by hand: change the cells below and rebuild, so that a diff of this file
reviews the notebook text and code, and every saved output is what this code printed on a fresh kernel. Every
random step is seeded and cell ids and metadata are fixed, so a rebuild on the same environment reproduces the
files byte for byte (``--check`` verifies it). The test suite re-executes the notebooks with nbmake
(``python -m pytest --nbmake notebooks/``).
"""
from __future__ import annotations

import argparse
import sys
import textwrap
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
TIMEOUT_S = 600  # per cell


def md(text: str) -> tuple[str, str]:
    return ("markdown", textwrap.dedent(text).strip("\n"))


def code(text: str) -> tuple[str, str]:
    return ("code", textwrap.dedent(text).strip("\n"))


# Shared first code cell: imports, display options and two small formatting helpers used in printed sentences.
SETUP = code(r'''
    %matplotlib inline
    import numpy as np
    import pandas as pd
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    import irt_elo

    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 24)
    pd.set_option("display.max_colwidth", 48)
    pd.set_option("display.precision", 3)
    plt.rcParams["figure.dpi"] = 80


    def ci(x, lo, hi, nd=1):
        """'x [lo, hi]' with nd decimals (nan-safe)."""
        f = lambda v: "n/a" if v is None or not np.isfinite(v) else f"{v:.{nd}f}"
        return f"{f(x)} [{f(lo)}, {f(hi)}]"


    def say(text):
        """Show a sentence built from computed values as formatted text."""
        display(Markdown(text))


    print(f"irt-elo {irt_elo.__version__}, numpy {np.__version__}, pandas {pd.__version__}")
''')

EPOCH_CITATION = (
    "Epoch AI, \"AI Benchmarking Hub\" and \"Epoch Capabilities Index\", published online at epoch.ai "
    "(https://epoch.ai/benchmarks), licence **CC BY 4.0**. Rows whose `source` names an external leaderboard or "
    "paper keep their upstream licence (cite the upstream when you rely on them).")


# ====================================================================================================================
# 01 quickstart
# ====================================================================================================================

NB01 = [
    md(f'''
    # 01 · Quickstart: Epoch's Capabilities Index from Epoch's own data

    This notebook fits the **Epoch Capabilities Index (ECI)** with `irt-elo`, reads the ranked table and the
    benchmark parameters, draws capability against release date, puts the same fit on an Elo scale, adds bootstrap
    intervals, and shows how to read your own score table. Each step ends with the command-line equivalent.

    **Data.** Epoch's ECI input `eci_benchmarks.csv` *as published on 2026-08-11* (one score per model and
    benchmark, already rescaled so that random guessing scores 0 and a perfect run 1), with the `eci_scores.csv`
    and `edi_scores.csv` Epoch published the same day. They ship with irt-elo under
    `data/benchmarks/epoch_eci_2026-08-11/`. Source: {EPOCH_CITATION}

    **Runtime.** Well under a minute on two CPU cores. The bootstrap below uses 200 draws (Epoch uses 500) with a
    fixed seed, so every number printed here is reproducible.
    '''),
    SETUP,
    md('''
    ## 1. Load the bundled data

    `load_epoch_eci()` returns a `ScoreTable`: a long table of scores (`.scores`), per-model metadata (`.models`:
    release date, organisation, accessibility, Epoch's published ECI) and per-benchmark metadata (`.benchmarks`).
    Most cells of the model × benchmark matrix are empty: each model was evaluated on a handful of the benchmarks.
    '''),
    code(r'''
    from irt_elo.datasets import load_epoch_eci

    table = load_epoch_eci()
    print(table)
    per_model = table.benchmarks_per_model()
    print(f"benchmarks per model: median {per_model.median():.0f}, range {per_model.min()}-{per_model.max()}")
    table.scores.head()
    '''),
    code(r'''
    table.models[["release_date", "organization", "accessibility", "group", "eci_published"]].head()
    '''),
    md('''
    ## 2. Fit the `eci` preset

    The model is a two-parameter logistic (2PL) item-response curve on aggregate scores:

    $$\\text{score}_{mb} = \\sigma\\big(\\alpha_b\\,(C_m - D_b)\\big),$$

    with a capability $C_m$ per model, a difficulty $D_b$ and a slope $\\alpha_b$ per benchmark. The `eci` preset
    is Epoch's published recipe: least squares on the probability scale, a small ridge, Winogrande as the anchor
    benchmark ($D = 0$, $\\alpha = 1$), scores clipped to $[10^{-3}, 1 - 10^{-3}]$, models with at least 4
    benchmarks released from 2023 on, and the public scale that puts Claude 3.5 Sonnet at 130 and GPT-5 at 150.
    `Fitter` follows the scikit-learn / lifelines shape: options in the constructor, `.fit()` returns the fitter,
    fitted results end in `_`.
    '''),
    code(r'''
    from irt_elo import Fitter

    print(irt_elo.get_preset("eci").description, "\n")
    fitter = Fitter.from_preset("eci").fit(table)
    print(fitter)
    print("scale:", fitter.scale_.description, f"-> ECI = {fitter.scale_.intercept:.2f} + "
          f"{fitter.scale_.per_logit:.2f} x C")
    print("identification:", fitter.identification_)
    print(f"solver: converged={fitter.result_.success} after {fitter.result_.nfev} evaluations")
    '''),
    md('''
    ## 3. The ranked ECI table

    `fitter.summary` ranks the models; the metadata columns come from the data. Because the input is Epoch's own
    file, the published ECI sits in the same table, so the reproduction can be checked on the spot.
    '''),
    code(r'''
    ranked = fitter.summary
    ranked["diff_vs_published"] = ranked["capability"] - ranked["eci_published"]
    cols = ["rank", "model", "capability", "eci_published", "diff_vs_published", "n_benchmarks", "release_date",
            "organization", "group"]
    display(ranked[cols].head(15))

    d = ranked["diff_vs_published"].abs()
    strong = ranked["capability"] >= 130
    say(f"Largest difference from Epoch's published ECI: **{d.max():.3f}** points over all {len(ranked)} models, "
        f"**{d[strong].max():.3f}** over the {int(strong.sum())} models at ECI 130 or above "
        f"(published values are rounded to 0.01). Notebook 02 explains where the larger differences of weak models "
        f"come from.")
    '''),
    md('''
    ## 4. Benchmarks: difficulty (EDI) and slope

    Each benchmark gets a difficulty on the same scale (Epoch calls it the EDI) and a slope per ECI point. A model
    whose ECI equals a benchmark's EDI is predicted to score 50% (of the range above chance); the slope says how
    quickly the predicted score rises around that point. Shallow benchmarks separate models over a wide range of
    capability, steep ones only near their difficulty.
    '''),
    code(r'''
    from irt_elo.datasets import load_epoch_edi

    bench = fitter.benchmarks_.set_index("benchmark")
    published_edi = load_epoch_edi()
    bench["edi_published"] = published_edi["edi"]
    show = ["difficulty", "edi_published", "slope", "n_models", "is_anchor"]
    print("hardest benchmarks:")
    display(bench.sort_values("difficulty", ascending=False)[show].head(8))
    print("easiest benchmarks:")
    display(bench.sort_values("difficulty")[show].head(5))
    say(f"Largest difference from the published EDI: **{(bench['difficulty'] - bench['edi_published']).abs().max():.3f}**"
        f" points; largest slope difference: **{(bench['slope'] - published_edi['slope']).abs().max():.5f}** per "
        f"ECI point.")
    '''),
    md('''
    The fitted curves predict a score for every model on every benchmark, including the many it was never run on.
    Observed scores (where they exist) sit next to the predictions below.
    '''),
    code(r'''
    models = ["GPT-5.5", "Claude Opus 4.8", "DeepSeek-V4-Pro", "Kimi K3"]
    benchmarks = ["GPQA diamond", "SWE-Bench verified", "FrontierMath-2025-02-28-Private", "HLE"]
    predicted = fitter.predict(models, benchmarks).T
    observed = table.to_wide().loc[models, benchmarks].T
    pd.concat({"predicted": predicted, "observed": observed}, axis=1).swaplevel(axis=1)[models].round(2)
    '''),
    md('''
    ## 5. Capability against release date

    `fitter.plot()` draws every fitted model by release date, open-weights and closed-weights models in separate
    colours (Okabe-Ito palette, safe for the common colour-vision deficiencies), and names the top three of each.
    '''),
    code(r'''
    fig = fitter.plot()
    '''),
    md('''
    ## 6. The same fit on an Elo scale

    Every scale in irt-elo is a straight-line map of the same fitted logit-scale capabilities, so changing the
    scale needs no refit: `fitter.frames(scale=...)` re-expresses the result. On the Elo scale one logit is
    $400/\\ln 10 \\approx 173.7$ points, i.e. 200 points multiply the odds by 3.16, as in chess and LMArena
    (`Elo(irt_elo.ELO_3X_PER_LOGIT, ...)` gives exactly 3x per 200 points, CAISI's wording). Here GPT-5 is put at
    1500. The "logit" is the fit's internal unit, in which the anchor benchmark Winogrande has slope 1; on another
    benchmark the odds change by that benchmark's own slope times the capability difference.
    '''),
    code(r'''
    from irt_elo import Elo

    elo_models, _ = fitter.frames(scale=Elo(anchor=("GPT-5", 1500)))
    both = fitter.models_[["model", "capability"]].rename(columns={"capability": "ECI"})
    both["Elo"] = elo_models["capability"].to_numpy()
    display(both.sort_values("ECI", ascending=False).head(8).reset_index(drop=True))
    per_point = irt_elo.ELO_PER_LOGIT / fitter.scale_.per_logit
    say(f"One ECI point is {1 / fitter.scale_.per_logit:.4f} logits, i.e. **{per_point:.2f} Elo points** "
        f"(400/ln 10 = {irt_elo.ELO_PER_LOGIT:.1f} Elo points per logit).")
    '''),
    md('''
    To fit on the Elo scale from the start, pass the scale to the fitter:
    `Fitter.from_preset("eci", scale=Elo(anchor=("GPT-5", 1500))).fit(table)` gives the same numbers.

    ## 7. Bootstrap intervals

    Epoch's intervals come from a stratified bootstrap: each draw resamples every model's benchmark scores with
    replacement, refits (warm-started from the fit above), re-anchors and re-scales, and the 90% interval is the
    5th–95th percentile of the draws. The two scale anchors (Claude 3.5 Sonnet and GPT-5) therefore have no
    interval. We use **200 draws** to keep the notebook fast; Epoch uses 500 (`n_boot=500`, and `n_jobs=-1` runs
    the draws on all cores; results do not depend on `n_jobs`).
    '''),
    code(r'''
    boot = fitter.bootstrap(n_boot=200, seed=12345, n_jobs=1)
    print(boot)
    top = fitter.summary.head(10)
    top = top[["rank", "model", "capability", "ci_low", "ci_high", "eci_published_low", "eci_published_high",
               "n_benchmarks"]]
    display(top)
    width = (fitter.summary["ci_high"] - fitter.summary["ci_low"]).head(10)
    pub_width = (fitter.summary["eci_published_high"] - fitter.summary["eci_published_low"]).head(10)
    say(f"For these ten models our 90% intervals are {width.min():.1f}-{width.max():.1f} ECI points wide; "
        f"Epoch's published ones {pub_width.min():.1f}-{pub_width.max():.1f}. Notebook 02 compares all models.")
    '''),
    md('''
    ## 8. Your own data

    `irt_elo.read_table(path)` reads a CSV in either layout:

    * **long**: one row per model and benchmark, columns `model`, `benchmark`, `score`, optionally `release_date`,
      `organization`, `open_weights` or `accessibility`, `source`, `domain`, `n_items`;
    * **wide**: a `model` column and one column per benchmark (empty cells = not evaluated).

    Scores are fractions by default; `score_scale="percent"` reads 0–100 (a value above the scale is an error
    that names the row and column). Repeated (model, benchmark) rows keep the best score (`aggregate="max"`, Epoch's
    rule). Here we write two small CSVs — eight benchmarks with many recent models, in percent — to a temporary
    folder and read them back, then fit the `default` preset (2PL, weak ridge, capabilities standardised to mean 0
    and SD 1; the `eci` preset needs Epoch's anchor benchmark and anchor models, which your data may not have).
    '''),
    code(r'''
    import tempfile
    from pathlib import Path

    from irt_elo import read_table

    recent = table.filter(since="2025-01-01")
    eight = list(recent.models_per_benchmark().nlargest(8).index)
    small = recent.filter(benchmarks=eight, min_benchmarks=4)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "my_data"  # tables are labelled by folder and file name
        folder.mkdir()
        long_csv, wide_csv = folder / "my_scores.csv", folder / "my_scores_wide.csv"
        long = small.scores[["model", "benchmark", "score"]].assign(score=lambda d: (100 * d["score"]).round(1))
        meta = small.models[["release_date", "open_weights"]]
        long.merge(meta, left_on="model", right_index=True).to_csv(long_csv, index=False)
        (100 * small.to_wide()).round(1).rename_axis("model").reset_index().to_csv(wide_csv, index=False)
        print(long_csv.name, "starts with:\n" + "".join(long_csv.open().readlines()[:3]))
        mine = read_table(long_csv, score_scale="percent")
        mine_wide = read_table(wide_csv, score_scale="percent")
    print(mine)
    print(mine_wide)
    '''),
    code(r'''
    own = Fitter.from_preset("default").fit(mine)
    own_wide = Fitter.from_preset("default").fit(mine_wide)
    same = np.allclose(own.capability_.sort_index(), own_wide.capability_.sort_index())
    rho = own.capability_.corr(fitter.capability_.reindex(own.capability_.index), method="spearman")
    display(own.summary[["rank", "model", "capability", "n_benchmarks", "release_date", "open_weights"]].head(8))
    say(f"The long and wide files give {'the same' if same else 'different'} capabilities. On these "
        f"{mine.n_models} models and {mine.n_benchmarks} benchmarks the rank correlation with the full ECI fit is "
        f"**{rho:.3f}** (Spearman).")
    '''),
    md('''
    ## 9. The same from the command line

    Every step above has a CLI equivalent (`irt-elo COMMAND --help` shows each command's options and a worked
    example):

    ```bash
    irt-elo fit                                        # ranked ECI table: eci preset on the bundled 2026-08-11 data
    irt-elo fit -o eci.csv --benchmarks-out edi.csv    # save models and benchmarks (EDI, slopes)
    irt-elo fit --bootstrap 200 --seed 12345           # add 90% bootstrap intervals (ci_low, ci_high)
    irt-elo fit --scale elo --anchor GPT-5=1500        # the same fit on an Elo scale
    irt-elo plot capabilities -o eci.png               # capability against release date
    irt-elo fit my_scores.csv --percent                # your own long or wide table, scores in percent
    ```

    Next: notebook 02 checks this fit against everything Epoch published, 03 measures the open-vs-closed gap and
    04 sets Epoch's ECI against CAISI's IRT-Elo.
    '''),
]


# ====================================================================================================================
# 02 reproducing ECI
# ====================================================================================================================

NB02 = [
    md(f'''
    # 02 · Reproducing Epoch's ECI

    How close does `irt-elo` come to what Epoch published, and where it differs, why? Three checks on three data
    releases:

    1. **ECI release of 2026-08-11** — Epoch's exact fit input (`eci_benchmarks.csv`) against its published
       `eci_scores.csv` (capabilities with 90% bootstrap intervals) and `edi_scores.csv` (benchmark difficulties
       and slopes);
    2. **Benchmarking Hub download of April 2026** (`benchmark_data.zip`: raw per-benchmark scores in each
       benchmark's own column and scale) against the ECI published in that same zip;
    3. **"A Rosetta Stone for AI Benchmarks"** (Ho et al. 2025, arXiv:2512.00193; data of
       github.com/epoch-research/benchmark-stitching, November 2025) — the paper's cross-validation of the sigmoid
       against a clipped-linear link.

    All three ship with irt-elo (`data/benchmarks/`). Source: {EPOCH_CITATION} The Rosetta data are Epoch AI's
    (CC BY 4.0), published with the paper's MIT-licensed code.

    **Runtime.** Well under a minute on two CPU cores: the bootstrap uses 200 draws (Epoch: 500) and the
    cross-validation 10 folds (as in the paper; the four candidates take a few seconds), all seeded.
    '''),
    SETUP,
    md('''
    ## 1. Our fit against the published `eci_scores.csv`

    The `eci` preset re-implements Epoch's published recipe (see notebook 01). Both fits use the same input
    scores, so any difference comes from the fitting itself.
    '''),
    code(r'''
    from irt_elo import Fitter
    from irt_elo.datasets import load_epoch_eci, load_epoch_eci_scores, load_epoch_edi

    table = load_epoch_eci()
    fitter = Fitter.from_preset("eci").fit(table)
    published = load_epoch_eci_scores().set_index("model")

    cmp = pd.DataFrame({"ours": fitter.capability_,
                        "published": published["capability"].reindex(fitter.capability_.index),
                        "group": fitter.models_.set_index("model")["group"]})
    cmp["diff"] = cmp["ours"] - cmp["published"]
    band = pd.cut(cmp["ours"], [-np.inf, 100, 120, 130, np.inf], right=False,
                  labels=["below 100", "100 to 120", "120 to 130", "130 and above"])
    by_band = cmp.groupby(band, observed=True)["diff"].agg(
        models="size", max_abs_diff=lambda d: d.abs().max(), mean_abs_diff=lambda d: d.abs().mean(),
        mean_diff="mean", share_ours_lower=lambda d: (d < 0).mean())
    display(by_band)

    edi = load_epoch_edi()
    r = np.corrcoef(cmp["ours"], cmp["published"])[0, 1]
    say(f"All {len(cmp)} models: r = {r:.7f}, mean |diff| {cmp['diff'].abs().mean():.3f}, "
        f"max |diff| {cmp['diff'].abs().max():.3f} ECI points. Benchmarks: max |EDI diff| "
        f"{(fitter.difficulty_ - edi['edi']).abs().max():.3f} points, max |slope diff| "
        f"{(fitter.slope_ - edi['slope']).abs().max():.5f} per ECI point. Models at ECI 130 and above agree to "
        f"{by_band.loc['130 and above', 'max_abs_diff']:.3f} points (the published file is rounded to 0.01); every "
        f"difference above 0.05 belongs to a model below ECI {cmp.loc[cmp['diff'].abs() > 0.05, 'ours'].max():.0f}.")
    '''),
    md('''
    ### Why weak models differ more: flat directions of the loss

    A model's capability is pinned down by how much the loss changes when it moves. For least squares that is the
    curvature $\\sum_b (\\partial p_{mb} / \\partial C_m)^2 = \\sum_b \\big(\\alpha_b\\, p_{mb} (1 - p_{mb})\\big)^2$
    over the model's benchmarks: large when its predicted scores sit on the steep middle of steep benchmarks,
    tiny when they sit on the flat lower tail of the sigmoid (scores near zero) or on shallow benchmarks. Below we
    compute it for every model from the fit, together with the Hessian standard error (`irt_elo.standard_errors`,
    the observed information of the penalised loss), and set both against the difference from Epoch's file.
    '''),
    code(r'''
    cells = fitter.residuals()  # one row per observed score: score, predicted, residual
    p, slope = cells["predicted"], cells["benchmark"].map(fitter.slope_)
    cells["curvature"] = (slope * p * (1 - p)) ** 2
    per_model = cells.groupby("model").agg(n_benchmarks=("score", "size"), best_score=("score", "max"),
                                           mean_predicted=("predicted", "mean"), curvature=("curvature", "sum"))
    cmp = cmp.join(per_model)
    cmp["hessian_se"] = irt_elo.standard_errors(fitter).capability
    worst = cmp.reindex(cmp["diff"].abs().sort_values(ascending=False).index)
    display(worst.head(8).drop(columns="group"))
    display(cmp.loc[["GPT-5.5", "Claude Opus 4.8", "Kimi K3"]].drop(columns="group"))
    rho_curv = cmp["diff"].abs().corr(cmp["curvature"], method="spearman")
    rho_se = cmp["diff"].abs().corr(cmp["hessian_se"], method="spearman")
    say(f"Across all models the size of the difference falls with the curvature (Spearman {rho_curv:.2f}) and "
        f"rises with the Hessian standard error ({rho_se:.2f}). The eight models with the largest differences have "
        f"curvatures {worst['curvature'].head(8).min():.1e} to {worst['curvature'].head(8).max():.1e}, against "
        f"{cmp.loc['GPT-5.5', 'curvature']:.1e} for GPT-5.5.")
    '''),
    md('''
    The same thing measured directly on the loss: move one model's capability by the difference between the two
    fits and see how much the penalised least-squares loss changes (`irt_elo.core.solve.loss_functions` gives the loss of
    the fitted problem).
    '''),
    code(r'''
    from irt_elo.core.solve import loss_functions

    _, loss = loss_functions(fitter.problem_)
    x0 = fitter.x_
    base = loss(x0)
    names = list(fitter.table_.model_names)
    rows = []
    for model in [worst.index[0], worst.index[1], "GPT-5.5", "Claude Opus 4.8"]:
        for move in (float(cmp.loc[model, "diff"]), 0.2):
            x = x0.copy()
            x[names.index(model)] -= move / fitter.scale_.per_logit  # raw units: ECI points / points per logit
            rows.append({"model": model, "ECI": cmp.loc[model, "ours"], "moved_by_ECI": -move,
                         "loss_increase": loss(x) - base, "relative": (loss(x) - base) / base})
    moves = pd.DataFrame(rows)
    display(moves)
    w0 = worst.index[0]
    say(f"Moving **{w0}** all the way to Epoch's value raises the loss by "
        f"{moves.loc[0, 'loss_increase']:.1e} ({moves.loc[0, 'relative']:.0e} of the loss {base:.3f}); moving "
        f"GPT-5.5 by 0.2 ECI costs {moves.loc[5, 'loss_increase']:.1e}, "
        f"{moves.loc[5, 'loss_increase'] / moves.loc[1, 'loss_increase']:.0f} times more than the same move of "
        f"{w0}.")
    '''),
    md('''
    So the two fits agree wherever the data pin capabilities down, and part ways only along directions in which
    the loss is nearly flat: there, where a solver stops depends on its tolerances and its path (Epoch: scipy's
    trust-region least squares; irt-elo: Newton steps with analytic derivatives), and the data cannot prefer one
    end point. The figure shows both views.
    '''),
    code(r'''
    from irt_elo.plots import PALETTE

    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
    for g, colour in (("closed", PALETTE["closed"]), ("open", PALETTE["open"])):
        s = cmp[cmp["group"] == g]
        a.scatter(s["published"], s["diff"], s=14, color=colour, label=f"{g} weights")
    s = cmp[cmp["group"].isna()]
    a.scatter(s["published"], s["diff"], s=14, color=PALETTE["other"], label="unknown")
    a.axhline(0, color="black", lw=0.8)
    a.set(xlabel="published ECI (2026-08-11)", ylabel="our ECI - published ECI",
          title="Differences are confined to weak models")
    a.legend(frameon=False, fontsize=8)
    b.scatter(cmp["curvature"], cmp["diff"].abs().clip(lower=1e-4), s=14, color=PALETTE["grey"])
    for k, m in enumerate(worst.index[:3]):
        b.annotate(m, (cmp.loc[m, "curvature"], abs(cmp.loc[m, "diff"])), fontsize=7, xytext=(6, -4 - 9 * k),
                   textcoords="offset points", arrowprops={"arrowstyle": "-", "lw": 0.5})
    b.set(xscale="log", yscale="log", xlabel="curvature of the loss along the model's capability",
          ylabel="|difference| (floored at 1e-4)", title="...and to flat directions of the loss")
    for ax in (a, b):
        ax.grid(alpha=0.3)
    fig.suptitle("eci preset vs Epoch's published ECI, same input (epoch_eci_2026-08-11)", fontsize=10)
    plt.show()
    '''),
    code(r'''
    floor = table.scores["score"] <= fitter.clip  # scores at the clip floor (0 after chance rescaling)
    at_floor = table.scores.loc[floor, "model"].value_counts()
    k = 12
    n_floor_worst = int(at_floor.reindex(worst.index[:k]).fillna(0).sum())
    lower = cmp.loc[cmp["ours"] < 120, "diff"]
    shared = ("what they share is not the clip but" if n_floor_worst == 0 else "besides those, they share")
    n_low = int((lower < 0).sum())
    say(f"{int(floor.sum())} of the {table.n_obs} scores sit at the clip floor ({fitter.clip:g}); the {k} models "
        f"with the largest differences have {n_floor_worst} of them: {shared} predicted scores on the flat lower "
        f"tail (mean predicted score {worst['mean_predicted'].head(k).mean():.2f}) and shallow benchmarks. "
        f"{'All' if n_low == len(lower) else f'{n_low} of the'} {len(lower)} models below ECI 120 come out lower "
        f"here than in Epoch's file (mean {lower.mean():+.3f}); at and above ECI 130, "
        f"{(cmp.loc[cmp['ours'] >= 130, 'diff'] < 0).mean():.0%} of the differences are negative.")
    '''),
    md('''
    ## 2. Bootstrap intervals against the published 90% intervals

    Epoch's intervals come from 500 stratified bootstrap draws (seed 12345). We draw **200** here to keep the
    notebook quick — enough for the comparison, though the interval endpoints (5th and 95th percentiles) are noisier
    than with 500. The two anchor models have no interval in either file.
    '''),
    code(r'''
    boot = fitter.bootstrap(n_boot=200, seed=12345, n_jobs=1)
    ours_ci = boot.ci()[["ci_low", "ci_high"]]
    pub_ci = published[["ci_low", "ci_high"]].rename(columns=lambda c: c + "_published")
    cis = ours_ci.join(pub_ci).dropna()
    ends = pd.concat([cis["ci_low"] - cis["ci_low_published"], cis["ci_high"] - cis["ci_high_published"]])
    w_ours = cis["ci_high"] - cis["ci_low"]
    w_pub = cis["ci_high_published"] - cis["ci_low_published"]
    r_w = np.corrcoef(w_ours, w_pub)[0, 1]
    say(f"{len(cis)} models with an interval in both: median |endpoint difference| **{ends.abs().median():.2f}** ECI "
        f"points (90th percentile {ends.abs().quantile(0.9):.2f}); correlation of interval widths **{r_w:.3f}**; "
        f"median width {w_ours.median():.2f} (ours) vs {w_pub.median():.2f} (published). The project's acceptance "
        f"check, run with Epoch's 500 draws, asks for at most 0.5 and at least 0.9.")

    fig, ax = plt.subplots(figsize=(5.5, 4.8), layout="constrained")
    ax.scatter(w_pub, w_ours, s=12, color=PALETTE["closed"])
    top = float(max(w_pub.max(), w_ours.max()))
    ax.plot([0, top], [0, top], color="black", lw=0.8, ls="--")
    ax.set(xlabel="published 90% interval width (500 draws)", ylabel="our 90% interval width (200 draws)",
           title=f"Interval widths, epoch_eci_2026-08-11 (r = {r_w:.3f})")
    ax.grid(alpha=0.3)
    '''),
    md('''
    ## 3. The April 2026 Benchmarking Hub download

    Epoch's public `benchmark_data.zip` holds *raw* scores: one CSV per benchmark in its own column and unit
    ("86%", fractions, a 0–10 grade), plus `epoch_capabilities_index.csv` with the ECI Epoch published at the time.
    `load_epoch_hub()` (or `irt_elo.data.readers.epoch_hub.read_epoch_hub(path)` on the zip or the unpacked folder)
    turns each score into a fraction, removes the chance floor with the per-benchmark rule of the shipped, editable
    table `hub_benchmark_baselines.csv` — $p = (\\text{raw} - \\text{baseline}) / (\\text{ceiling} - \\text{baseline})$,
    clipped to $[0, 1]$ — and takes each model group's best version. `group_by="eci"` recovers Epoch's own model
    groups (published values only decide group membership; they never enter the fit).
    '''),
    code(r'''
    from irt_elo.datasets import bundled_path, load_epoch_hub
    from irt_elo.plots import plot_eci_comparison
    from irt_elo.data.readers.epoch_hub import (compare_eci, compare_edi, load_baselines, read_hub_scaling,
                                           summarize_eci_comparison)

    hub = load_epoch_hub(group_by="eci")
    hub_fit = Fitter.from_preset("eci").fit(hub)
    print(hub)
    print(hub_fit)
    hub_cmp = compare_eci(hub_fit)
    hub_summary = summarize_eci_comparison(hub_cmp)
    display(hub_summary)
    fig = plot_eci_comparison(hub_cmp)
    fig.axes[0].set_title("eci preset on the April 2026 hub download vs the ECI published in it\n"
                          + fig.axes[0].get_title(), fontsize=10)
    plt.show()
    say(f"Mean |diff| **{hub_summary.loc['all', 'mean_abs_diff']:.3f}** ECI points over the "
        f"{int(hub_summary.loc['all', 'n'])} published model groups (r = {hub_summary.loc['all', 'r']:.6f}), against "
        f"{cmp['diff'].abs().mean():.3f} when we fit Epoch's own processed input of 2026-08-11 (section 1).")
    '''),
    md('''
    Unlike the 2026-08-11 input, which is Epoch's own processed table, the hub download is processed by irt-elo.
    Where a difference can come from, each measured below:

    * **Models Epoch did not score.** Our table keeps every model version that the index file names and that meets
      the data rules; a few of them have no published ECI. They enter our fit and shift the rest slightly (and with
      them the two-anchor scale). Refitting without them isolates their effect.
    * **The scale constants** (`additional_eci_data/eci_scaling.csv`: ECI = a + b·C) follow from the anchors'
      fitted capabilities, so anything that moves the fit also moves a and b.
    * **Our reading of the raw files.** Score columns, units, chance baselines and ceilings are our rules (the
      shipped table), not Epoch's code. Its `matches_epoch_2026_08_11` column counts how many of Epoch's own
      processed scores (in the August release) each rule reproduces; below, it stands next to the benchmarks whose
      difficulty (EDI) differs most.
    '''),
    code(r'''
    fitted_groups = set(hub_cmp["fitted_model"].dropna())
    unscored = [m for m in hub_fit.table_.model_names if m not in fitted_groups]
    keep = [m for m in hub_fit.table_.model_names if m in fitted_groups]
    hub_fit2 = Fitter.from_preset("eci").fit(hub_fit.table_.filter(models=keep))
    hub_summary2 = summarize_eci_comparison(compare_eci(hub_fit2))
    scaling = read_hub_scaling(bundled_path("epoch_hub_2026-04"))
    print("fitted models without a published ECI:", ", ".join(unscored))
    stats = ["n", "r", "mean_abs_diff", "median_abs_diff", "max_abs_diff", "worst"]
    display(pd.concat({"all models fitted": hub_summary.loc[["all", "frontier"], stats],
                       "without them": hub_summary2.loc[["all", "frontier"], stats]}))
    display(pd.DataFrame({"a": [scaling["a"], hub_fit.scale_.intercept, hub_fit2.scale_.intercept],
                          "b": [scaling["b"], hub_fit.scale_.per_logit, hub_fit2.scale_.per_logit]},
                         index=["published (eci_scaling.csv)", "ours, all models", "ours, without them"]).round(3))
    '''),
    code(r'''
    edi = compare_edi(hub_fit2)
    rules = load_baselines().reset_index().set_index("benchmark")
    big = edi.reindex(edi["diff"].abs().sort_values(ascending=False).index).head(5)
    big = big[["edi_published", "edi", "diff", "n_models"]].join(
        rules[["source_file", "random_baseline", "score_ceiling", "matches_epoch_2026_08_11", "note"]])
    display(big)
    rest = compare_eci(hub_fit2)
    rest = rest[rest["in_fit"]].reindex(rest["abs_diff"].sort_values(ascending=False).index)
    display(rest[["model", "release_date", "accessibility", "eci_published", "eci", "diff", "n_benchmarks"]].head(5))
    fr = hub_summary2.loc["frontier"]
    complete = big["matches_epoch_2026_08_11"].map(lambda s: len(set(str(s).split(" of "))) == 1)
    say(f"Without the {len(unscored)} unscored models the median |diff| is {hub_summary2.loc['all', 'median_abs_diff']:.3f} "
        f"and the {int(fr['n'])} frontier models (a new published-ECI record at release) agree to within "
        f"{fr['max_abs_diff']:.2f} points; the scale becomes {hub_fit2.scale_.intercept:.2f} + "
        f"{hub_fit2.scale_.per_logit:.2f}·C against the published {scaling['a']:.2f} + {scaling['b']:.2f}·C. "
        f"The largest remaining model difference is {rest.iloc[0]['model']} ({rest.iloc[0]['diff']:+.2f}, "
        f"{int(rest.iloc[0]['n_benchmarks'])} benchmarks); we have not traced it to a cause. For "
        f"{int(complete.sum())} of the {len(big)} benchmarks with the largest EDI differences our rule reproduces "
        f"every processed score Epoch published in August, so the rescaling rule does not explain those differences "
        f"(we have not traced them further).")
    '''),
    md('''
    ## 4. The Rosetta Stone paper: sigmoid or clipped-linear link?

    The paper fits the same 2PL to Epoch's data of November 2025 with its own pipeline (scores as fractions *without*
    random-baseline subtraction, model versions with more than 3 benchmarks released from 2022-11-01, no ridge),
    and reports in its Appendix E.4 that, in 10-fold cross-validation over observed scores, the sigmoid link and a
    clipped-linear link `clip(α(C − D), 0, 1)` are nearly tied: **CV R² 0.864 vs 0.868**. `load_rosetta()` applies
    the paper's pipeline and the `rosetta` preset its fit; `cross_validate` holds out observed cells fold by fold
    (every model and benchmark keeps cells in every training fold) and refits each candidate on the rest. Besides
    the two links we add a 1PL (all slopes 1) and a fractional-Bernoulli likelihood for context.
    '''),
    code(r'''
    from irt_elo.datasets import load_rosetta
    from irt_elo.analysis.diagnostics import cross_validate, cv_candidates
    from irt_elo.plots import plot_cv

    PAPER_CV_R2 = {"sigmoid": 0.864, "clipped-linear": 0.868}  # Ho et al. (2025), Appendix E.4; METHODS.md §1

    rosetta = load_rosetta()
    rosetta_fit = Fitter.from_preset("rosetta").fit(rosetta)
    print(rosetta)
    n_raw = rosetta_fit.problem_.layout.n_params
    print(f"{n_raw} raw parameters, less the common shift that the Winogrande anchor removes: {n_raw - 1} "
          f"(the paper: 253)")
    cv = cross_validate(rosetta, cv_candidates(Fitter.from_preset("rosetta"), rosetta), n_folds=10, random_state=0)
    display(cv.table[["candidate", "cv_r2", "cv_rmse", "in_sample_r2", "n_params", "n_test", "folds_converged"]])
    fig = plot_cv(cv)
    fig.axes[0].set_title("Rosetta Stone paper data (Nov 2025), rosetta preset: " + fig.axes[0].get_title(), fontsize=10)
    plt.show()
    '''),
    code(r'''
    r2 = cv.table.set_index("candidate")["cv_r2"]
    sig, lin = r2["2PL sigmoid, least squares"], r2["2PL clipped-linear, least squares"]
    one = r2["1PL sigmoid, least squares"]
    say(f"10-fold CV R²: sigmoid **{sig:.3f}** (paper {PAPER_CV_R2['sigmoid']}), clipped-linear **{lin:.3f}** "
        f"(paper {PAPER_CV_R2['clipped-linear']}). The gap between the links is {lin - sig:+.3f} here and "
        f"{PAPER_CV_R2['clipped-linear'] - PAPER_CV_R2['sigmoid']:+.3f} in the paper: "
        f"{'the same ordering, and' if lin > sig else 'a different ordering, but'} both are small next to the "
        f"{sig - one:.3f} the sigmoid loses when every slope is forced to 1 (1PL). Fold assignments differ from the paper's, so the third decimal is not comparable.")
    '''),
]


# ====================================================================================================================
# 03 open vs closed
# ====================================================================================================================

NB03 = [
    md(f'''
    # 03 · Open vs closed weights over time: frontiers, gaps, trends

    How far do open-weights models trail the best closed models, in ECI points and in months? Epoch AI has
    answered twice, with two procedures:

    * **30 Oct 2025** (https://epoch.ai/data-insights/open-weights-vs-closed-weights-models): open models lag by
      **3.5 months** (90% CI 1.1–5.3) and **7 ECI points** (90% CI 0–14), Jan 2023 – Oct 2025, averaged over the
      capability range where both frontiers exist;
    * **29 May 2026** (https://epoch.ai/data-insights/open-closed-eci-gap): since Jan 2026 the lag averages
      **4 months** and **8 ECI points** (a secondary source quotes a 90% CI of 7–11 points), day by day.

    This notebook recomputes both with `irt_elo.analysis.gap`, shows how much the definition of "caught up" matters, and
    fits trend lines and a breakpoint to the frontier.

    **Data.** (1) Epoch's published `eci_scores.csv` of **2026-08-11** (ECI with 90% bootstrap intervals); (2) our
    refit of Epoch's input of the same day with 200 bootstrap draws, which also gives *paired* draws (the catch-up
    test can then compare two models within each draw); (3) Epoch's `eci_scores.csv` of **2025-12-19** (the closest bundled
    release to the October 2025 analysis; it exists only as fitted scores); (4) the Rosetta Stone paper's data
    (Nov 2025) for the paper's breakpoint. Source: {EPOCH_CITATION}

    **Groups.** "Open" is Epoch's *Open weights* accessibility group (unrestricted, restricted-use and
    non-commercial licences); "closed" is *Closed weights* (API access, hosted, unreleased). Models of unknown
    accessibility are in neither group.

    **Runtime.** Under a minute on two CPU cores (200 bootstrap draws for the refit, 100 for the Rosetta fit,
    500 seeded parametric draws where only published intervals exist).
    '''),
    SETUP,
    md('''
    ## 1. Capabilities with intervals, and the two frontiers

    A `Capabilities` table holds one row per model — capability, interval, release date, group — and is the input
    of every gap and trend function. It is built from a fit (with its bootstrap draws) or read from a published
    table. The **frontier** of a group is its running best: the models that beat every earlier model of the group.
    '''),
    code(r'''
    from irt_elo import Fitter
    from irt_elo.datasets import load_epoch_eci, load_epoch_eci_scores
    from irt_elo.analysis.capabilities import Capabilities, frontier

    table = load_epoch_eci()
    fitter = Fitter.from_preset("eci").fit(table)
    boot = fitter.bootstrap(n_boot=200, seed=12345, n_jobs=1)
    ours = Capabilities.from_fitter(fitter, boot, source="eci refit of epoch_eci_2026-08-11, 200 draws")
    pub26 = Capabilities.from_scores(load_epoch_eci_scores("2026-08-11"), source="epoch_eci_2026-08-11")
    pub25 = Capabilities.from_scores(load_epoch_eci_scores("2025-12-19"), source="epoch_eci_2025-12-19")
    for caps in (ours, pub26, pub25):
        g = caps.groups()
        print(f"{caps.source}: {len(caps.frame)} models ({g.get('closed', 0)} closed, {g.get('open', 0)} open), "
              f"{'paired bootstrap draws' if caps.draws is not None else 'published 90% intervals only'}")

    cols = ["model", "release_date", "capability", "ci_low", "ci_high", "organization", "improvement"]
    print("\nclosed frontier, latest records (our refit):")
    display(frontier(ours, "closed")[cols].tail(6))
    print("open frontier, latest records (our refit):")
    display(frontier(ours, "open")[cols].tail(6))
    '''),
    code(r'''
    from irt_elo.plots import plot_frontiers

    fig = plot_frontiers(ours)
    '''),
    md('''
    ## 2. Epoch's May-2026 procedure on the 2026-08-11 data

    For each day from 2026-01-01 to 2026-05-28, take the best open model released by then and find the **latest
    date on which the closed frontier was not significantly better** than it; the horizontal gap is the time since
    that date, the vertical gap the closed frontier minus the open best that day. Both are averaged over the days.
    Significance follows Epoch: a z-test on CI-derived sigmas,
    $\\sigma = (\\text{ci}_\\text{high} - \\text{ci}_\\text{low}) / (2 \\cdot 1.645)$, models independent, on the published
    file and on our refit alike; `uncertainty="draws"` uses our refit's paired bootstrap draws instead. The interval
    re-runs the whole procedure on each draw.

    Epoch computed its figure on its data of late May 2026, which is not public; the 2026-08-11 release is the
    closest bundled one and holds models released after the window, which the procedure ignores.
    '''),
    code(r'''
    from irt_elo.analysis.gap import PUBLISHED, criterion_table, gap

    r26_pub = gap(pub26, "epoch-2026")
    r26_ours = gap(ours, "epoch-2026")
    r26_paired = gap(ours, "epoch-2026", uncertainty="draws")


    def row(label, r):
        return {"analysis": label, "criterion": r.criterion,
                "gap_months": ci(r.gap_months, r.gap_months_low, r.gap_months_high),
                "gap_points": ci(r.gap_points, r.gap_points_low, r.gap_points_high),
                "uncertainty": r.uncertainty}


    P26 = PUBLISHED["epoch-2026"]
    rows26 = [{"analysis": "Epoch, published (29 May 2026)", "criterion": "two-sided",
               "gap_months": f"{P26['gap_months']:g}",
               "gap_points": ci(P26["gap_points"], P26["gap_points_low"], P26["gap_points_high"], 0),
               "uncertainty": P26["note"]},
              row("published 2026-08-11 scores", r26_pub), row("our refit of the 2026-08-11 input", r26_ours),
              row("our refit, paired bootstrap draws", r26_paired)]
    display(pd.DataFrame(rows26).set_index("analysis"))
    print(r26_ours.interval)
    '''),
    code(r'''
    inside = P26["gap_points_low"] <= r26_ours.gap_points <= P26["gap_points_high"]
    say(f"Vertical gap: **{r26_ours.gap_points:.1f} ECI points** on our refit ({r26_pub.gap_points:.1f} on the "
        f"published scores), {'inside' if inside else 'outside'} the quoted 90% interval "
        f"{P26['gap_points_low']:g}–{P26['gap_points_high']:g} around Epoch's {P26['gap_points']:g}. Horizontal gap: "
        f"**{r26_pub.gap_months:.1f} months** on the published scores and **{r26_ours.gap_months:.1f}** on our "
        f"refit, both with Epoch's CI-derived sigmas, against Epoch's {P26['gap_months']:g}; "
        f"**{r26_paired.gap_months:.1f}** with our paired draws.")
    if r26_paired.gap_months > r26_ours.gap_months:
        say("Paired draws keep the correlation that a shared fit induces between two models, so smaller differences "
            "count as significant: the closed frontier stays 'significantly better' for longer and the lag grows.")
    '''),
    md('''
    ## 3. Epoch's October-2025 procedure on the December-2025 scores

    On a grid of 100 capability levels spanning the range both frontiers cover (2023-01-01 to 2025-10-30), the
    horizontal gap at a level is the time from the closed frontier's first model at or above it to the open
    frontier's first model that caught up with that closed model; the vertical gap is the daily frontier difference.
    Epoch's "90% CI" for this analysis (1.1–5.3 months, 0–14 points) is the **5th–95th percentile spread of the
    per-level (per-day) gaps**, reported here as `spread`; our sampling interval is reported separately.
    '''),
    code(r'''
    P25 = PUBLISHED["epoch-2025"]
    r25 = {c: gap(pub25, "epoch-2025", criterion=c) for c in ("two-sided", "point")}
    rows25 = [{"analysis": "Epoch, published (30 Oct 2025)", "criterion": "not significant",
               "gap_months": f"{P25['gap_months']:g}", "spread_months": f"{P25['gap_months_low']:g}–{P25['gap_months_high']:g}",
               "gap_points": f"{P25['gap_points']:g}", "spread_points": f"{P25['gap_points_low']:g}–{P25['gap_points_high']:g}"}]
    for c, r in r25.items():
        rows25.append({"analysis": "2025-12-19 scores", "criterion": c,
                       "gap_months": ci(r.gap_months, r.gap_months_low, r.gap_months_high),
                       "spread_months": f"{r.spread_months_low:.1f}–{r.spread_months_high:.1f}",
                       "gap_points": ci(r.gap_points, r.gap_points_low, r.gap_points_high),
                       "spread_points": f"{r.spread_points_low:.1f}–{r.spread_points_high:.1f}"})
    display(pd.DataFrame(rows25).set_index("analysis"))
    rp, rt = r25["point"], r25["two-sided"]
    say(f"With the point-estimate criterion the December-2025 scores give **{rp.gap_months:.1f} months** "
        f"(spread {rp.spread_months_low:.1f}–{rp.spread_months_high:.1f}) and **{rp.gap_points:.1f} points**, "
        f"against Epoch's {P25['gap_months']:g} months (1.1–5.3) and {P25['gap_points']:g} points; with the two-sided "
        f"test as implemented here the horizontal gap is {rt.gap_months:.1f} months. The data are the "
        f"December release, not the October one Epoch used, so this checks the procedure rather than reproducing "
        f"the figure exactly.")
    '''),
    md('''
    ## 4. What "caught up" means moves the headline

    The same data and the same procedure, three definitions of when the trailing model has caught up:
    **two-sided** (not significantly different at 5%, Epoch/IAPS), **one-sided** (not significantly worse at 5%)
    and **point** (the point estimate actually reached, CAISI's reading). Intervals as above. The vertical gap
    does not depend on the criterion.
    '''),
    code(r'''
    crit = pd.concat({
        "published 2026-08-11, epoch-2026": criterion_table(pub26, "epoch-2026"),
        "our refit 2026-08-11, epoch-2026": criterion_table(ours, "epoch-2026"),
        "published 2025-12-19, epoch-2025": criterion_table(pub25, "epoch-2025"),
    }).droplevel(1).set_index("criterion", append=True)
    display(crit.round(2))
    c26 = crit.loc["published 2026-08-11, epoch-2026", "gap_months"]
    span = c26["point"] - c26["two-sided"]
    headlines = 8.0 - PUBLISHED["epoch-2026"]["gap_months"]  # CAISI's ~8 months minus Epoch's ~4 (METHODS.md)
    say(f"On the published 2026-08-11 scores the average lag is **{c26['two-sided']:.1f} months** (two-sided), "
        f"**{c26['one-sided']:.1f}** (one-sided) and **{c26['point']:.1f}** (point estimate): the definition of "
        f"'caught up' alone spans **{span:.1f} months**, against the {headlines:g} months between Epoch's and "
        f"CAISI's headlines (notebook 04 separates this from the other differences).")
    '''),
    md('''
    ## 5. The gap over time

    The top panel shows both frontiers with their 90% bands and the May-2026 window; the middle panel the daily
    vertical gap, the bottom panel the daily horizontal gap, each with its average (dashed) and a per-day band
    from the draws.
    '''),
    code(r'''
    from irt_elo.plots import plot_gap, plot_gap_over_time

    fig = plot_gap(r26_ours, ours)
    '''),
    md('''
    For the October-2025 procedure the months panel shows the horizontal gap at each capability level.
    '''),
    code(r'''
    fig = plot_gap_over_time(r25["point"])
    '''),
    md('''
    ## 6. Trends and a breakpoint

    `irt_elo.analysis.trends` fits least-squares lines to the frontier (running-best) models against release date: one line
    (`frontier_trend`), a two-piece line with the break at the frontier release that minimises the squared error
    (`breakpoint_scan`), or two pieces split at a chosen date (`slope_ratio`). Intervals repeat the fit on each
    capability draw (frontier recomputed, break re-scanned). Slopes are in ECI points per year; `raw` divides by the
    scale's points per logit. When a draw moves the break close to either end of the record, one piece rests on
    three frontier models, so the intervals of the two-piece slopes can be very wide.
    '''),
    code(r'''
    from irt_elo.analysis.trends import breakpoint_scan, frontier_trend, slope_ratio

    lines = {"all models": frontier_trend(ours), "closed": frontier_trend(ours, "closed"),
             "open": frontier_trend(ours, "open")}
    display(pd.DataFrame([{"frontier": k, "slope_ECI_per_year": ci(t.slope, t.slope_low, t.slope_high),
                           "raw_per_year": f"{t.raw(t.slope):.3f}", "frontier_models": t.details["n_frontier_models"],
                           "window": f"{t.window[0]:%Y-%m-%d}..{t.window[1]:%Y-%m-%d}"}
                          for k, t in lines.items()]).set_index("frontier"))
    bp = breakpoint_scan(ours)
    say(f"Breakpoint scan on our refit: break at **{bp.break_date:%Y-%m-%d}** ({bp.break_model}), slope "
        f"{ci(bp.slope_before, bp.slope_before_low, bp.slope_before_high)} → "
        f"{ci(bp.slope_after, bp.slope_after_low, bp.slope_after_high)} ECI points per year, ratio "
        f"**{ci(bp.ratio, bp.ratio_low, bp.ratio_high, 2)}** (90% intervals over the 200 draws; breaks in "
        f"{bp.details['break_date_low']}..{bp.details['break_date_high']}).")
    '''),
    code(r'''
    from irt_elo.plots import plot_trend

    fig = plot_trend(bp)
    '''),
    md('''
    **Two published checks.** IAPS's third-party analysis of the December-2025 scores reports frontier ECI growth of
    about 9.5 points per year before April 2024 and about 18.3 after; the Rosetta Stone paper (Ho et al. 2025) finds a
    break on 2024-05-13 with 0.364 → 0.614 raw units per year (ratio 1.69) on its own data. We split the
    December-2025 frontier at 2024-04-01, and run the breakpoint scan on the paper's data fitted with the `rosetta`
    preset (logit scale, so slopes are raw units; 100 bootstrap draws for the intervals). Neither source states
    every detail of its frontier selection, so these are checks of direction and size, not exact reproductions.
    '''),
    code(r'''
    from irt_elo.datasets import load_rosetta

    split = {"continuous two-piece line": slope_ratio(pub25, "2024-04-01"),
             "separate lines": slope_ratio(pub25, "2024-04-01", continuous=False)}
    display(pd.DataFrame([{"fit": k, "before": ci(r.slope_before, r.slope_before_low, r.slope_before_high),
                           "after": ci(r.slope_after, r.slope_after_low, r.slope_after_high),
                           "ratio": ci(r.ratio, r.ratio_low, r.ratio_high, 2),
                           "frontier models before/after": f"{r.details['n_before']}/{r.details['n_after']}"}
                          for k, r in split.items()]).set_index("fit"))

    rosetta_fit = Fitter.from_preset("rosetta").fit(load_rosetta())
    rosetta = Capabilities.from_fitter(rosetta_fit, rosetta_fit.bootstrap(n_boot=100, seed=12345, n_jobs=1),
                                       source="rosetta fit of epoch_benchmark_stitching_2025-11, 100 draws")
    rb = breakpoint_scan(rosetta)
    sc = split["continuous two-piece line"]
    say(f"December-2025 frontier split at 2024-04-01: {sc.slope_before:.1f} → {sc.slope_after:.1f} ECI points per "
        f"year (IAPS: about 9.5 → 18.3), only {sc.details['n_before']} frontier models before the split. Paper's data: "
        f"break at **{rb.break_date:%Y-%m-%d}** ({rb.break_model}; paper: 2024-05-13), "
        f"{rb.slope_before:.3f} → {rb.slope_after:.3f} raw units per year (paper: 0.364 → 0.614), ratio "
        f"{ci(rb.ratio, rb.ratio_low, rb.ratio_high, 2)} (paper: 1.69), on {rb.details['n_frontier_models']} "
        f"frontier models; the break dates of the draws span {rb.details['break_date_low']}..{rb.details['break_date_high']}.")
    faster = [name for name, r in (("December-2025 split", sc), ("paper's data", rb)) if r.ratio > 1]
    smaller = [name for name, r, pub in (("December-2025 split", sc, 18.3 / 9.5), ("paper's data", rb, 0.614 / 0.364))
               if r.ratio < pub]
    say(f"Frontier speeding up after the break: {', '.join(faster) or 'neither'}; ratio below the published one: "
        f"{', '.join(smaller) or 'neither'}.")
    '''),
]


# ====================================================================================================================
# 04 CAISI vs ECI
# ====================================================================================================================

NB04 = [
    md(f'''
    # 04 · CAISI's IRT-Elo vs Epoch's ECI: why the headlines differ

    Two headlines from May 2026 seem to disagree:

    * **Epoch AI** (29 May 2026): open-weights models lag the closed frontier by about **4 months** on average
      since January 2026 (ECI; the best open model at each date; "caught up" = not significantly different).
    * **CAISI (NIST)** (1 May 2026, https://www.nist.gov/news-events/news/2026/05/caisi-evaluation-deepseek-v4-pro):
      DeepSeek V4 Pro "lags the frontier by about **8 months**" (IRT-Elo: a 1PL on item-level results of 16
      benchmarks × 35 models run in one harness; V4 Pro matches GPT-5, released about 8 months earlier).

    They differ partly in *what* they measure (the best open model at each date vs one named model; what "caught
    up" means) and partly in *how* (benchmarks, model form, loss, weighting, scale, harness). This notebook fits
    CAISI's own published table, puts both presets side by side on the same data, changes one method choice at a
    time, and tests how much the answer depends on which benchmarks and which harness are used.

    **Data.** (1) CAISI's published table of its DeepSeek V4 Pro evaluation: nine benchmarks × four models,
    scores in percent, and CAISI's IRT-Elo with 95% intervals (a work of the US government, public domain in the US;
    bundled under `data/benchmarks/caisi_2026-05-01/`). CAISI's item-level data are not public. (2) Epoch's ECI input
    of **2026-08-11**. Source: {EPOCH_CITATION}

    **Runtime.** Under a minute on two CPU cores. Bootstrap intervals use 100 draws per fit (Epoch uses 500), the
    subset analysis 30 random 9-benchmark subsets per preset (the CLI default is 200), the harness control 50
    draws; all seeded.
    '''),
    SETUP,
    md('''
    ## 1. CAISI's own table with the `caisi` preset

    The `caisi` preset is CAISI's method as far as aggregate scores allow: a 1PL (every benchmark slope 1), a
    fractional-Bernoulli likelihood (CAISI's item-level Bernoulli applied to each benchmark's fraction), each
    benchmark weighted equally within its domain and the five domains equally, and an Elo scale of $400/\\ln 10$
    points per logit. CAISI does not publish its offset, so the scale puts Claude Opus 4.6 at its CAISI rating, 999;
    only *differences* between models are comparable.
    '''),
    code(r'''
    from irt_elo import Fitter
    from irt_elo.analysis.compare import caisi_table_elo
    from irt_elo.datasets import load_caisi_table, load_epoch_eci

    caisi = load_caisi_table()
    table = load_epoch_eci()
    eci_fit = Fitter.from_preset("eci").fit(table)  # reused below; its 2PL slopes feed the slope variant
    print(caisi)
    display((100 * caisi.to_wide()).round(0).T)
    res = caisi_table_elo(caisi, reference=eci_fit)
    display(res.frame.round(1))
    display(res.differences.round(2))
    '''),
    code(r'''
    caisi_order = list(res.frame["caisi_elo"].sort_values(ascending=False).index)
    ours_order = list(res.frame["1pl"].sort_values(ascending=False).index)
    span = res.differences.iloc[-1]
    say(f"CAISI's order: {' > '.join(caisi_order)}. The caisi preset on the four-model table: "
        f"{' > '.join(ours_order)} — **{'the same order' if ours_order == caisi_order else 'a different order'}**. "
        f"Its Elo differences are compressed: top to bottom {span['1pl']:.0f} points against CAISI's "
        f"{span['caisi']:.0f} ({span['1pl_ratio']:.0%}); adjacent pairs keep "
        f"{res.differences['1pl_ratio'].iloc[:-1].min():.0%}–{res.differences['1pl_ratio'].iloc[:-1].max():.0%} of "
        f"CAISI's differences.")
    '''),
    md('''
    **Why compressed, and how much a slope recovers.** CAISI's 1PL is fitted to single tasks. An aggregate score is
    the average over a benchmark's tasks, whose difficulties are spread out; averaging flattens the benchmark's
    response curve, so on aggregate scores a 1PL sees smaller capability differences than the same 1PL on tasks.
    The `2pl-epoch-slopes` variant gives each benchmark the slope that Epoch's 2PL estimates for its counterpart in
    Epoch's data (benchmarks without one take their domain's mean), rescaled so the steepest counts as a single
    difficulty — a lower bound on the task-level spread, so it can only recover part of the compression.
    '''),
    code(r'''
    display(res.slopes[["domain", "slope_item_units", "source"]].round(3))
    from irt_elo import ELO_3X_PER_LOGIT, ELO_PER_LOGIT

    say(f"With the slopes, top to bottom is {span['2pl-epoch-slopes']:.0f} Elo points "
        f"({span['2pl-epoch-slopes_ratio']:.0%} of CAISI's {span['caisi']:.0f}), against {span['1pl_ratio']:.0%} "
        f"for the plain 1PL. CAISI's wording \"200 points = 3x the odds\" would need {ELO_3X_PER_LOGIT:.1f} points per "
        f"logit instead of {ELO_PER_LOGIT:.1f}, which stretches every difference by "
        f"{ELO_3X_PER_LOGIT / ELO_PER_LOGIT - 1:.1%} (`caisi_table_elo(three_x=True)`); it does not close the gap.")
    '''),
    md('''
    ## 2. Both presets on the same data, both questions

    On Epoch's 2026-08-11 data the `caisi` preset can only use the CAISI benchmarks that Epoch has, or a stand-in
    (the shipped, editable `presets_data/caisi_benchmarks.csv` says which and why; PortBench, PUMaC 2024 and SMT 2025
    have no counterpart). Each preset then answers both questions:

    * **Epoch's question** (`epoch`): the average lag of the best open model, 2026-01-01 to 2026-05-28, "caught up" =
      not significantly different (two-sided, 5%), each model's interval taken as an independent sigma as Epoch
      does (`irt-elo gap` gives the same numbers on the same fit);
    * **CAISI's question** (`caisi`): how many months DeepSeek-V4-Pro lags the closed US frontier, "caught up" = the
      leader's point estimate reached it.

    Gap points are on each preset's own scale (ECI points or Elo); `gap_elo` converts both to Elo (400/ln 10 per
    logit) for comparison.
    '''),
    code(r'''
    from irt_elo.analysis.compare import PUBLISHED_HEADLINES, compare
    from irt_elo.fit.presets import caisi_benchmarks

    EPOCH_M, CAISI_M = PUBLISHED_HEADLINES["epoch"]["gap_months"], PUBLISHED_HEADLINES["caisi"]["gap_months"]

    display(caisi_benchmarks()[["caisi_benchmark", "domain", "epoch_benchmark", "match"]])
    comparison = compare(table, ("eci", "caisi"), n_boot=100, seed=12345, n_jobs=1)
    side = comparison.to_frame()
    side["months"] = [ci(r.gap_months, r.gap_months_low, r.gap_months_high) for r in side.itertuples()]
    side["points"] = [ci(r.gap_points, r.gap_points_low, r.gap_points_high) for r in side.itertuples()]
    side["elo"] = [ci(r.gap_elo, r.gap_elo_low, r.gap_elo_high, 0) for r in side.itertuples()]
    display(side[["preset", "question", "criterion", "months", "points", "scale", "elo", "n_models", "n_benchmarks",
                  "headline"]])
    caisi_fit = comparison.results[1].fitter
    print("caisi preset fitted on:", ", ".join(caisi_fit.table_.benchmark_names))
    '''),
    code(r'''
    g = side.set_index(["preset", "question"])
    e_e, e_c, c_e, c_c = (g.loc[k] for k in [("eci", "epoch"), ("eci", "caisi"), ("caisi", "epoch"), ("caisi", "caisi")])
    say(f"**Epoch's question:** {e_e['gap_months']:.1f} months with the eci preset (Epoch published {EPOCH_M:g}), "
        f"{c_e['gap_months']:.1f} with the caisi preset. **CAISI's question:** DeepSeek-V4-Pro lags by "
        f"{e_c['gap_months']:.1f} months on ECI and {c_c['gap_months']:.1f} with the caisi preset (CAISI published "
        f"{CAISI_M:g}). "
        f"On the ECI fit, CAISI's question gives {'a longer' if e_c['gap_months'] > e_e['gap_months'] else 'a shorter'} "
        f"lag than Epoch's question ({e_c['gap_months'] - e_e['gap_months']:+.1f} months): part of the distance "
        f"between the headlines is *what* is measured. The caisi preset on Epoch's data rests on "
        f"{int(c_c['n_benchmarks'])} benchmarks and {int(c_c['n_models'])} models.")
    '''),
    md('''
    ## 3. One method choice at a time

    `decompose` walks from the ECI headline (eci preset, Epoch's question) to the CAISI headline (caisi preset,
    CAISI's question), changing one thing per step and keeping the earlier changes: first the two *definitional*
    steps (what is measured, what "caught up" means), then the *method* steps (benchmark subset, 1PL, loss,
    weighting, ridge, scale). `delta_months` is each step's effect, and the effects add up to the difference.
    The order matters: a step's effect is measured given the steps before it. Two rows are off the path: the
    first answers Epoch's question with the paired test on bootstrap draws instead of independent sigmas, the last
    keeps only Epoch's own uniform-harness evaluations. Fits shared with the comparison above are reused.
    '''),
    code(r'''
    from irt_elo.analysis.compare import decompose
    from irt_elo.plots import plot_waterfall

    dec = decompose(table, n_boot=100, seed=12345, n_jobs=1, reuse=comparison.results)
    steps = dec.frame.copy()
    steps["months"] = [ci(r.gap_months, r.gap_months_low, r.gap_months_high) for r in steps.itertuples()]
    display(steps[["step", "question", "criterion", "months", "delta_months", "gap_elo", "n_models",
                   "n_benchmarks", "on_path"]].round(2))
    fig = plot_waterfall(dec)
    '''),
    code(r'''
    on = steps[steps["on_path"]]
    definitional = on.loc[on["step"].str.startswith(("what", "criterion")), "delta_months"].sum()
    method = on.iloc[3:]["delta_months"].sum()
    biggest = on.iloc[1:].reindex(on.iloc[1:]["delta_months"].abs().sort_values(ascending=False).index).iloc[0]
    paired = steps[steps["step"].str.startswith("test:")].iloc[0]
    off = steps[steps["step"].str.startswith("harness")].iloc[0]
    say(f"From {on['gap_months'].iloc[0]:.1f} months (ECI, Epoch's question) to {on['gap_months'].iloc[-1]:.1f} "
        f"(caisi preset, CAISI's question): the definitional steps add {definitional:+.1f} months, the method steps "
        f"{method:+.1f}. The largest single step is **{biggest['step']}** ({biggest['delta_months']:+.1f} months). "
        f"Off the path, the paired test on bootstrap draws alone moves Epoch's question by "
        f"{paired['delta_months']:+.1f} months. "
        f"Keeping only Epoch's own uniform-harness runs moves the CAISI headline by {off['delta_months']:+.1f} months, "
        f"but leaves {int(off['n_models'])} models on {int(off['n_benchmarks'])} benchmarks.")
    '''),
    md('''
    ## 4. Which benchmarks? Random subsets and leave-one-out

    Critics attribute CAISI's gap to a few of its nine benchmarks (one imputed, two private). `subset_gaps` refits a
    preset on random 9-benchmark subsets drawn from the benchmarks with at least five models released since
    2025-06-01 (old benchmarks say nothing about 2026), keeping only subsets in which DeepSeek-V4-Pro has enough
    benchmarks to stay in the fit, and answers
    both questions with the point-estimate criterion (no bootstrap inside the subsets). We draw **30 subsets** per
    preset to keep the notebook quick; the spread is indicative, not a precise distribution.
    '''),
    code(r'''
    from irt_elo.plots import plot_subsets
    from irt_elo.analysis.robustness import leave_one_out, subset_gaps

    subsets = {p: subset_gaps(table, p, k=9, n_subsets=30, seed=0, require_model="DeepSeek-V4-Pro", n_jobs=1)
               for p in ("eci", "caisi")}
    print(f"pool: {len(subsets['caisi'].pool)} benchmarks; subsets fitted:", {p: s.counts() for p, s in subsets.items()})
    display(pd.concat({p: s.summary() for p, s in subsets.items()}).droplevel(1).round(2))
    fig = plot_subsets(subsets["caisi"])
    fig.suptitle("caisi preset on 30 random 9-benchmark subsets of epoch_eci_2026-08-11", fontsize=10)
    plt.show()
    '''),
    code(r'''
    loo = leave_one_out(table, "caisi", n_jobs=1)
    infl = loo.influence("caisi")[["benchmarks", "caisi_months", "effect_months", "epoch_months", "n_models"]]
    display(infl.rename(columns={"benchmarks": "left out"}).round(2))
    sc = subsets["caisi"].summary().set_index("question").loc["caisi"]
    top = infl.iloc[0]
    say(f"Over the random subsets the caisi preset puts DeepSeek-V4-Pro's lag at a median of {sc['median']:.1f} "
        f"months (5th–95th percentile {sc['p5']:.1f}–{sc['p95']:.1f}); {sc['share_at_or_above_published']:.0%} of the "
        f"subsets reach CAISI's {CAISI_M:g} months, against {sc['full_data_months']:.1f} on the preset's own "
        f"benchmarks. "
        f"Leaving out one benchmark at a time, **{top['benchmarks']}** moves it most ({top['effect_months']:+.1f} "
        f"months).")
    '''),
    md('''
    ## 5. Harness control

    CAISI runs every model in one harness with one token budget; much of Epoch's data is reported by the model's
    developer or a leaderboard (each lab's preferred setup), and the `source` column says which. `harness_control`
    (a) fits each preset on all evaluations, on Epoch's own runs only (one harness for all) and on reported ones
    only; (b) fits a model with an additive offset on the capability of *open* models' *reported* scores — how much
    better an open model looks, relative to closed ones, when its score comes from its own setup rather than from
    Epoch's harness; and (c) recomputes both questions with and without that offset (point-estimate criterion), the
    shrink fraction being `1 - preferred / uniform`. The prediction on record (May 2026) is that a preferred-harness
    re-run would shrink the open–closed gap by about half. 50 bootstrap draws give the intervals.
    '''),
    code(r'''
    from irt_elo.analysis.harness import harness_control

    harness = {p: harness_control(table, p, n_boot=50, seed=12345, n_jobs=1) for p in ("eci", "caisi")}
    by_source = pd.concat({p: h.by_source for p, h in harness.items()}).droplevel(1)
    display(by_source[["sources", "question", "gap_months", "gap_points", "scale", "n_models", "n_benchmarks",
                       "n_scores", "error"]].round(2))
    display(pd.concat({p: h.offsets for p, h in harness.items()}).droplevel(1).round(3))
    display(pd.concat({p: h.rerun for p, h in harness.items()}).droplevel(1).round(2))
    for p, h in harness.items():
        say(f"**{p} preset.** {h.verdict}")
    '''),
    md('''
    ## 6. What the numbers say

    The summary below is generated from the results above, so it stays in step with them.
    '''),
    code(r'''
    he = harness["eci"]
    o = he.offsets.iloc[0]
    shrink = he.rerun.set_index("question")
    supports_half = any(
        (shrink.loc[q, f"shrink_{w}_low"] <= 0.5 <= shrink.loc[q, f"shrink_{w}_high"])
        and shrink.loc[q, f"shrink_{w}_low"] > 0 for q in shrink.index for w in ("months", "points"))
    src = he.by_source.set_index(["sources", "question"])
    uni, rep_ = src.loc[("uniform", "epoch")], src.loc[("reported", "epoch")]
    total = on["gap_months"].iloc[-1] - on["gap_months"].iloc[0]
    spread = sc["p95"] - sc["p5"]
    if o["points_low"] <= 0 <= o["points_high"]:
        offset_text = "no detectable difference"
    else:
        offset_text = "lower" if o["points"] < 0 else "higher"
    lines = [
        f"* **Same data, two questions.** With Epoch's method (eci preset) on Epoch's 2026-08-11 data, the best "
        f"open model lagged by {ci(e_e['gap_months'], e_e['gap_months_low'], e_e['gap_months_high'])} months on "
        f"average over January–May 2026 (Epoch published {EPOCH_M:g}), while DeepSeek-V4-Pro alone lagged the "
        f"closed US frontier by {ci(e_c['gap_months'], e_c['gap_months_low'], e_c['gap_months_high'])} months "
        f"(CAISI published {CAISI_M:g}).",
        f"* **Definitions vs methods.** Of the {total:+.1f} months between the ECI headline and the caisi preset's "
        f"answer to CAISI's question, the two definitional steps (one named model; point-estimate criterion) "
        f"account for {definitional:+.1f} and the method steps for {method:+.1f}; the largest single step is "
        f"'{biggest['step']}' ({biggest['delta_months']:+.1f}).",
        f"* **CAISI's method on Epoch's data.** The caisi preset, restricted to the {int(c_c['n_benchmarks'])} CAISI "
        f"benchmarks (or stand-ins) Epoch has, puts DeepSeek-V4-Pro "
        f"{ci(c_c['gap_months'], c_c['gap_months_low'], c_c['gap_months_high'])} months behind, "
        + (f"{'below' if c_c['gap_months_high'] < CAISI_M else 'above'} CAISI's {CAISI_M:g} months and outside this "
           f"interval; " if not c_c['gap_months_low'] <= CAISI_M <= c_c['gap_months_high'] else
           f"an interval that holds CAISI's {CAISI_M:g} months; ")
        + f"over 30 random 9-benchmark subsets the median is {sc['median']:.1f} months (5th–95th percentile "
          f"{sc['p5']:.1f}–{sc['p95']:.1f}, a spread of {spread:.1f} months from the choice of benchmarks alone).",
        f"* **CAISI's own table.** The caisi preset orders the four models "
        f"{'as CAISI did' if ours_order == caisi_order else 'differently from CAISI'}, with Elo differences "
        f"compressed to {span['1pl_ratio']:.0%} of CAISI's by the aggregate-score 1PL ({span['2pl-epoch-slopes_ratio']:.0%}"
        f" with Epoch's slopes): the absolute Elo values cannot be recomputed without CAISI's task-level data.",
        f"* **Harness.** Relative to closed models, open models' developer- or leaderboard-reported scores sit "
        f"{o['points']:+.2f} ECI points (90% interval {o['points_low']:+.2f} to {o['points_high']:+.2f}, "
        f"{int(o['n_cells'])} scores) from what Epoch's own harness implies: {offset_text}. "
        + ("The data are consistent with a preferred-harness re-run shrinking the gap by about half. "
           if supports_half else
           "The data do not support the claim that a preferred-harness re-run would shrink the gap by about half. ")
        + f"(Fitted separately, Epoch-run scores give a vertical gap of {uni['gap_points']:.1f} ECI points and "
          f"reported scores {rep_['gap_points']:.1f}, but those fits cover different models and benchmarks: "
          f"{int(uni['n_models'])} models × {int(uni['n_benchmarks'])} benchmarks vs {int(rep_['n_models'])} × "
          f"{int(rep_['n_benchmarks'])}; the offset model compares like with like within one fit.)",
    ]
    say("\n".join(lines))
    '''),
]


# ====================================================================================================================
# 05 new models
# ====================================================================================================================

NB05 = [
    md(f'''
    # 05 · New models: place them on a frozen scale, predict their scores, choose what to run next

    A new model comes out with scores on a few benchmarks. Three questions follow, and irt-elo answers each without
    refitting anything:

    1. **Where does it stand?** `Fitter.score` places it on an existing fit's scale, holding every benchmark's
       difficulty and slope (and every other model) fixed, with an interval that carries both its own measurement
       error and the benchmark parameters' uncertainty; `place_new_models` adds how many months it trails the closed
       frontier (CAISI's question).
    2. **What would it score on the benchmarks it has not run?** `Fitter.predict(..., interval=0.9)` and
       `predict_cells` give expected scores with predictive intervals.
    3. **Which benchmark should it run next?** `Fitter.next_benchmark` ranks the benchmarks it has not run by how
       much each would narrow its interval, and says how many it takes to reach a target width.

    To test this on a real model, we take a recent open-weights model out of Epoch's data, fit everything else,
    and then treat it as new: its real scores say how well each answer holds up. The last sections check the
    method itself: re-scoring fitted models, scoring the models of a later Epoch release on an earlier fit, a
    simulation of the next-benchmark rule, and the calibration of the predictive intervals on held-out scores.

    **Data.** Epoch's ECI input of **2026-08-11** with the `eci_scores.csv` published the same day, and the April
    2026 Benchmarking Hub download (the earlier fit of the later-release check), all bundled. Source: {EPOCH_CITATION}

    **Runtime.** Under a minute on two CPU cores: the fits use 200 bootstrap draws (Epoch: 500), the calibration
    check 100 per fold, all seeded.
    '''),
    SETUP,
    md('''
    ## 1. A real new model, taken out of the data

    We pick **Kimi K3**, a recent open-weights model with many benchmarks, remove every one of its scores from the
    2026-08-11 table, fit the `eci` preset to the rest and bootstrap that fit. From here on Kimi K3 is a
    new model: its scores, release date and open-weights flag form the long table a user would bring (`model`,
    `benchmark`, `score`, `release_date`, `open_weights`; `irt-elo score` reads the same columns from a CSV).
    '''),
    code(r'''
    from irt_elo.datasets import load_epoch_eci, load_epoch_eci_scores

    NEW = "Kimi K3"
    N_BOOT, SEED = 200, 1

    t = load_epoch_eci()
    assert t.benchmarks_per_model()[NEW] >= 8, "pick a model with enough benchmarks to hold some back"
    rest = t.filter(models=[m for m in t.model_names if m != NEW])
    f = irt_elo.fit(rest)  # the eci preset on everything but the new model
    f.bootstrap(n_boot=N_BOOT, seed=SEED, n_jobs=1)
    print("fit without it:", f)

    meta = t.models.loc[[NEW], ["release_date", "organization", "open_weights"]]
    new = (t.scores.loc[t.scores["model"] == NEW, ["model", "benchmark", "score"]]
           .merge(meta[["release_date", "open_weights"]], left_on="model", right_index=True).reset_index(drop=True))
    display(meta)
    new.round({"score": 3})
    '''),
    md('''
    ## 2. Score it on the frozen scale

    `f.score(new)` finds the capability that minimises the fit's own loss over the new model's scores, with every
    benchmark's difficulty and slope held at their fitted values: nothing in the fit moves. Its 90% interval comes
    from the fit's bootstrap draws: for each draw the model's scores are simulated around their fitted values from
    the fit's residual model and the model is placed again with that draw's benchmark parameters. Benchmarks the
    fit does not know are listed in `ignored` rather than used.

    Because Kimi K3 is in Epoch's data, we can set the result beside its value in the fit of the full table and
    beside the ECI Epoch published.
    '''),
    code(r'''
    s = f.score(new, level=0.9, seed=0)
    display(s.summary)

    full = irt_elo.fit(t)  # the full table, Kimi K3 included
    published = load_epoch_eci_scores().set_index("model")
    row = s.summary.set_index("model").loc[NEW]
    compare_new = pd.DataFrame({
        "capability": [row["capability"], full.capability_[NEW], published.loc[NEW, "capability"]],
        "ci_low": [row["ci_low"], np.nan, published.loc[NEW, "ci_low"]],
        "ci_high": [row["ci_high"], np.nan, published.loc[NEW, "ci_high"]],
    }, index=["scored as a new model (fit without it)", "fitted with everything (eci preset)",
              "published by Epoch (2026-08-11)"])
    display(compare_new.round(2))
    inside = row["ci_low"] <= published.loc[NEW, "capability"] <= row["ci_high"]
    ignored = ("none of its benchmarks is unknown to the fit" if not s.ignored
               else f"{len(s.ignored)} benchmark(s) unknown to the fit were ignored: {', '.join(s.ignored)}")
    say(f"Scored as a new model from its {int(row['n_benchmarks'])} benchmarks, {NEW} gets "
        f"**{ci(row['capability'], row['ci_low'], row['ci_high'], 2)}** ECI; fitted together with everything else it "
        f"gets {full.capability_[NEW]:.2f}, and Epoch published {published.loc[NEW, 'capability']:.2f} "
        f"({'inside' if inside else 'outside'} the interval). Placing it on the frozen fit instead of fitting it with "
        f"the rest moves it by {abs(row['capability'] - full.capability_[NEW]):.2f} ECI points; {ignored}.")
    '''),
    md('''
    **How far behind the closed frontier?** `place_new_models` scores the same way and then asks CAISI's question
    of each new model that has a release date: how many months before its release the closed frontier first reached
    its level (point criterion; `open_weights` puts it in the open group). The interval re-asks the question on each
    paired draw. The same question on Epoch's published scores is the cross-check.
    '''),
    code(r'''
    from irt_elo.analysis.capabilities import Capabilities
    from irt_elo.analysis.newmodels import place_new_models

    placed = place_new_models(f, new, level=0.9, seed=0)
    display(placed.summary[["model", "capability", "interval", "n_benchmarks", "months_behind", "months_low",
                            "months_high", "frontier_reached_by", "release_date", "group"]])
    p = placed.summary.iloc[0]
    on_published = irt_elo.model_lag(Capabilities.from_scores(load_epoch_eci_scores(), source="published"), NEW,
                                     criterion="point")
    say(f"{NEW} (released {p['release_date']:%Y-%m-%d}) trails the closed frontier by "
        f"**{ci(p['months_behind'], p['months_low'], p['months_high'])} months**: the closed frontier first reached "
        f"its level with {p['frontier_reached_by']}. On Epoch's published scores the same question gives "
        f"{on_published.gap_months:.1f} months (first closed model above it: "
        f"{on_published.details['first_better']}).")
    '''),
    md('''
    ## 3. The same model from its first three benchmarks

    On release day a model has a few scores, not all of them. We score it again from only the three benchmarks that
    most fitted models have run (the ones a lab is most likely to report first): same method, fewer scores, so the
    interval widens. The held-back scores are used in the next section.
    '''),
    code(r'''
    runs = f.table_.models_per_benchmark()
    first3 = new.loc[new["benchmark"].map(runs).sort_values(ascending=False, kind="stable").index[:3]]
    held_back = new.drop(index=first3.index)
    s3 = f.score(first3, level=0.9, seed=0)
    both = pd.concat([s3.summary.assign(scored_from="3 benchmarks"), s.summary.assign(scored_from="all")])
    both["width"] = both["ci_high"] - both["ci_low"]
    display(both[["scored_from", "capability", "ci_low", "ci_high", "width", "n_benchmarks"]].set_index("scored_from"))
    r3 = s3.summary.iloc[0]
    say(f"From {', '.join(first3['benchmark'])} alone: **{ci(r3['capability'], r3['ci_low'], r3['ci_high'])}**, an "
        f"interval {both['width'].iloc[0]:.1f} ECI points wide against {both['width'].iloc[1]:.1f} from all "
        f"{len(new)} ({both['width'].iloc[0] / both['width'].iloc[1]:.1f} times as wide). Its value in the full fit, "
        f"{full.capability_[NEW]:.2f}, is "
        f"{'inside' if r3['ci_low'] <= full.capability_[NEW] <= r3['ci_high'] else 'outside'} the three-benchmark "
        f"interval; the point estimate is {r3['capability'] - full.capability_[NEW]:+.1f} points off.")
    '''),
    md('''
    ## 4. Predict the benchmarks it has not run

    A fitted model's expected score on any benchmark is $\\sigma(\\alpha_b (C_m - D_b))$. For a model in the fit,
    `f.predict(models, benchmarks, interval=0.9)` returns one row per cell with a **predictive interval**: the spread
    over the bootstrap draws of the expected score plus the spread of a single score around it (the residual model),
    with the observed score beside it where there is one.
    '''),
    code(r'''
    f.predict(["DeepSeek-V4-Pro", "GLM-5.2"], ["GPQA diamond", "HLE", "SWE-Bench verified"], interval=0.9).round(3)
    '''),
    md('''
    For a new model, `predict_cells` takes the frozen fit and the new model's draws from `score` (paired with the
    fit's draws, so both sources of uncertainty are kept). We predict every benchmark Kimi K3 ran that was held back
    in section 3, from its three-benchmark placement, and count how many of its real scores land inside the 90%
    intervals.
    '''),
    code(r'''
    from irt_elo.fit.frozen import predict_cells
    from irt_elo.plots import PALETTE

    fz = f.freeze()  # the fit's benchmark side, frozen, with its bootstrap draws
    pred = predict_cells(fz, held_back[["model", "benchmark", "score"]], capability_draws=s3.draws,
                         capability=s3.summary.set_index("model")["capability"], interval=0.9)
    pred["inside"] = pred["observed"].between(pred["pi_low"], pred["pi_high"])
    pred = pred.sort_values("predicted").reset_index(drop=True)
    display(pred.round(3))

    fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
    y = np.arange(len(pred))
    ax.hlines(y, pred["pi_low"], pred["pi_high"], color=PALETTE["closed"], lw=3, alpha=0.35, label="90% interval")
    ax.plot(pred["predicted"], y, "|", color=PALETTE["closed"], ms=12, mew=2, label="predicted")
    ax.plot(pred["observed"], y, "o", color=PALETTE["open"], label="observed")
    ax.set_yticks(y, pred["benchmark"])
    ax.set(xlabel="score (fraction above chance)", xlim=(0, 1),
           title=f"{NEW}: held-back scores against predictions from 3 benchmarks")
    ax.legend(frameon=False, loc="upper left")
    ax.grid(alpha=0.3)
    plt.show()
    n_in, n = int(pred["inside"].sum()), len(pred)
    n_below, off3 = int((pred["observed"] < pred["predicted"]).sum()), r3["capability"] - full.capability_[NEW]
    miss = pred.loc[~pred["inside"]]
    say(f"**{n_in} of {n}** held-back scores fall inside their 90% predictive intervals"
        + (f"; outside: {', '.join(f'{b} ({o:.2f}, predicted {p_:.2f})' for b, o, p_ in zip(miss['benchmark'], miss['observed'], miss['predicted']))}."
           if len(miss) else ".")
        + f" The median |observed − predicted| is {(pred['observed'] - pred['predicted']).abs().median():.3f}, and "
          f"{n_below} of the {n} scores are below their prediction"
          + (f": the three-benchmark estimate is {off3:+.1f} points from the full fit's value, so the predictions "
             f"lean {'high' if off3 > 0 else 'low'}." if (off3 > 0) == (n_below > n / 2) and abs(off3) > 1 else "."))
    '''),
    md('''
    ## 5. Which benchmark should it run next?

    `f.next_benchmark(model, scores=..., target_width=...)` ranks the benchmarks a model has not run by the
    information one more score would carry about its capability (a score's residual spread plus the spread of the
    benchmark's own difficulty and slope over the draws), averaged over the capabilities its scores so far leave
    plausible (the rule of computerised adaptive testing). `width_after` is the predicted interval width with that one
    benchmark added (measurement variance plus the benchmark parameters' variance over the draws); the path to the
    target width adds, each time, the benchmark that leaves the narrowest predicted interval. We start from the three
    benchmarks of section 3.
    '''),
    code(r'''
    TARGET = 8.0  # ECI points
    nb = f.next_benchmark(NEW, scores=first3, target_width=TARGET, level=0.9)
    ranking = nb.ranking.assign(ran_it=nb.ranking["benchmark"].isin(new["benchmark"]))
    ranking["models_ran_it"] = ranking["benchmark"].map(runs)
    display(ranking.head(8).round(3))
    display(nb.path.round(2))
    top, best = nb.ranking.iloc[0], nb.ranking.loc[nb.ranking["narrows_by"].idxmax()]
    reach = (f"reaching the target width of {TARGET:g} points takes **{nb.needed}** benchmarks "
             f"({', '.join(nb.path['benchmark'].head(nb.needed))})"
             if nb.needed is not None else f"the path never reaches the target width of {TARGET:g} points")
    say(f"Today's predicted interval is {nb.width_now:.1f} ECI points wide (the bootstrap interval of section 3: "
        f"{both['width'].iloc[0]:.1f}). The top-ranked benchmark is **{top['benchmark']}**, which would narrow it by "
        f"{top['narrows_by']:.1f} points; the largest single narrowing, {best['narrows_by']:.1f} points, comes from "
        f"{best['benchmark']} (rank {int(best.name) + 1}). "
        f"Along the path {reach}; the narrowest predicted width over the first {len(nb.path)} is "
        f"{nb.path['width'].min():.1f} points. {int(ranking['ran_it'].head(8).sum())} of the top 8 are benchmarks "
        f"{NEW} really ran.")
    up = nb.path[nb.path["width"].diff() > 0]
    if len(up):
        u = up.iloc[0]
        prev = nb.path.loc[nb.path["n_added"] == u["n_added"] - 1, "width"].iloc[0]
        ub = u["benchmark"]
        say(f"The path is not monotone: even the best next benchmark, {ub}, widens the predicted interval from "
            f"{prev:.1f} to {u['width']:.1f} points: with the scores expected so far, every remaining benchmark's "
            f"own parameter uncertainty outweighs what its score would add.")
    '''),
    md('''
    Kimi K3 really ran some of the ranked benchmarks, so the recommendation can be checked with a real score: add
    the highest-ranked one it ran to the three and score again.
    '''),
    code(r'''
    pick = ranking[ranking["ran_it"]].iloc[0]
    real = float(new.set_index("benchmark").loc[pick["benchmark"], "score"])
    step = new[new["benchmark"].isin(list(first3["benchmark"]) + [pick["benchmark"]])]
    s4 = f.score(step, level=0.9, seed=0).summary.iloc[0]
    say(f"{pick['benchmark']} (rank {int(pick.name) + 1}): real score {real:.3f}, expected {pick['expected_score']:.3f}. "
        f"With it the four-benchmark interval is {ci(s4['capability'], s4['ci_low'], s4['ci_high'])}, "
        f"**{s4['ci_high'] - s4['ci_low']:.1f}** points wide (predicted: {pick['width_after']:.1f}; from three: "
        f"{both['width'].iloc[0]:.1f}); the estimate moves from {r3['capability']:.1f} to {s4['capability']:.1f}, "
        f"against {full.capability_[NEW]:.2f} in the full fit.")
    '''),
    md('''
    The ranking key already discounts a benchmark whose own difficulty and slope are uncertain; the predicted widths
    make the same point in interval terms. Whether the rule picks good benchmarks is an empirical question, tested
    next.

    ## 6. Does the rule work? A simulation on frontier models

    `next_benchmark_simulation` takes every frontier model (running best of the closed and of the open group) that
    has more than ten benchmarks and is not a scale anchor, refits without it, and places it from *k* of its own
    benchmarks chosen three ways: by the next-benchmark rule (one at a time, each choice seeing the scores revealed
    so far), at random (30 orders per model, seeded), and most-run first. The error is the distance to its value in
    the full fit. The rule weighs each benchmark's parameter spread with the full fit's bootstrap draws.
    '''),
    code(r'''
    from irt_elo.analysis.newmodels import next_benchmark_simulation
    from irt_elo.plots import plot_next_benchmark_simulation

    full.bootstrap(n_boot=200, seed=1)
    sim = next_benchmark_simulation(full, ks=range(1, 11), n_random=30, seed=0)
    display(sim.medians.round(2))
    fig = plot_next_benchmark_simulation(sim.errors)
    plt.show()
    m = sim.medians
    ks = [k for k in m.columns if k >= 3]
    vs_random = sum(m.loc["next-benchmark rule", k] < m.loc["random", k] for k in ks)
    vs_most_run = sum(m.loc["next-benchmark rule", k] < m.loc["most-run first", k] for k in ks)
    say(f"Over {len(sim.models)} frontier models, the rule's median error is below random choice at "
        f"**{vs_random} of the {len(ks)}** values of k from {ks[0]} to {ks[-1]} "
        f"(`beats_random()`: {sim.beats_random()}) and below most-run-first at {vs_most_run} of them. With three "
        f"benchmarks the median error is {m.loc['next-benchmark rule', 3]:.2f} ECI points by the rule, "
        f"{m.loc['random', 3]:.2f} at random and {m.loc['most-run first', 3]:.2f} most-run first; with five, "
        f"{m.loc['next-benchmark rule', 5]:.2f}, {m.loc['random', 5]:.2f} and {m.loc['most-run first', 5]:.2f}.")
    '''),
    md('''
    ## 7. Checks of the frozen scale

    **Re-scoring fitted models.** A model that is already in the fit, scored from its own scores on the frozen
    scale, must get its fitted value back: the placement minimises the same loss with the other parameters at
    their optimum. `frozen_vs_refit` does this for every fitted model with at least five benchmarks.
    '''),
    code(r'''
    from irt_elo.analysis.newmodels import frozen_vs_refit

    fvr = frozen_vs_refit(full, min_benchmarks=5)
    display(fvr.reindex(fvr["difference"].abs().sort_values(ascending=False).index).head(5))
    say(f"{len(fvr)} models re-scored: largest |difference| from the fitted value **{fvr['difference'].abs().max():.1e}** "
        f"ECI points (median {fvr['difference'].abs().median():.1e}).")
    '''),
    md('''
    **A later release on an earlier fit.** The April 2026 Benchmarking Hub download is fitted with the `eci` preset
    and frozen; every model of the 2026-08-11 release that is not in the April table is scored from its August
    scores (benchmarks that are new in August are ignored), and compared with the ECI Epoch published on 2026-08-11.
    This is the honest test of the whole procedure: different data, a different fit, and any drift of the scale
    between the two releases counts as error.
    '''),
    code(r'''
    from irt_elo.analysis.newmodels import later_release_check
    from irt_elo.datasets import load_epoch_hub

    h = load_epoch_hub(group_by="eci")
    fh = irt_elo.fit(h)
    fh.bootstrap(n_boot=N_BOOT, seed=SEED, n_jobs=1)
    later = later_release_check(fh, h, t, load_epoch_eci_scores(), level=0.9, seed=0)
    cells = later.cells.merge(t.models[["release_date"]], left_on="model", right_index=True)
    newest_april = h.models["release_date"].max()
    after = cells[cells["release_date"] > newest_april]
    show = ["model", "release_date", "n_benchmarks", "capability", "ci_low", "ci_high", "published", "error", "inside"]
    display(after.sort_values("release_date")[show].round(dict.fromkeys(show[3:8], 2)))
    worst = cells.loc[cells["error"].abs().idxmax()]
    say(f"**{later.n_models} models** scored on the April fit ({len(later.ignored_benchmarks)} August benchmarks "
        f"unknown to it were ignored): median |error| **{later.median_abs_error:.2f}** ECI points, max "
        f"{later.max_abs_error:.1f} ({worst['model']}, released {worst['release_date']:%Y-%m-%d}, "
        f"{int(worst['n_benchmarks'])} benchmarks, published {worst['published']:.1f}); "
        f"**{later.n_inside} of {later.n_models}** published values ({later.coverage:.0%}) inside the 90% intervals. "
        f"The {len(after)} models released after the newest model of the April download "
        f"({newest_april:%Y-%m-%d}), shown above: median |error| {after['error'].abs().median():.2f}, max "
        f"{after['error'].abs().max():.1f}, {int(after['inside'].sum())} of {len(after)} inside "
        f"({after['inside'].mean():.0%}); the other {later.n_models - len(after)} are older models that the April "
        f"table does not name.")
    '''),
    md('''
    **Calibration of the predictive intervals.** `predictive_check` holds out a tenth of the observed scores at a
    time, refits and bootstraps without them (100 draws per fold here), and asks `predict` for 90% intervals of the
    held-out scores. A calibrated interval covers about 90% of them, with the misses split evenly between the two
    sides. (`irt-elo diagnose --cv 10` prints the same check.)
    '''),
    code(r'''
    from irt_elo.analysis.diagnostics import predictive_check

    pc = predictive_check(full, n_folds=10, n_boot=100, level=0.9, seed=0)
    display(pc.by_prediction.round(3))
    say(f"Held-out scores inside their 90% predictive intervals: **{pc.coverage:.1%}** of {len(pc.cells)} "
        f"({pc.below:.1%} below, {pc.above:.1%} above). By predicted score the coverage runs from "
        f"{pc.by_prediction['coverage'].min():.0%} to {pc.by_prediction['coverage'].max():.0%}.")
    '''),
    md('''
    ## 8. The same from the command line

    `NEW` is a long CSV with one row per model and benchmark: `model`, `benchmark`, `score` and optionally
    `release_date`, `open_weights`, `organization` (a wide table works too). Without `--against`, the frozen fit
    is the `eci` preset on the bundled 2026-08-11 data; `--bootstrap N` sets its draws (an Epoch release passed to
    `--against` brings its own).

    ```bash
    irt-elo score my_model.csv                       # capability, 90% interval, months behind the closed frontier
    irt-elo score my_model.csv --against latest -o placed.json   # on the newest fetched Epoch release
    irt-elo score my_model.csv --replace             # re-score a model already in the fit from these scores
    irt-elo predict my_model.csv                     # predicted scores with 90% intervals, observed beside them
    irt-elo predict --model DeepSeek-V4-Pro --benchmark HLE --benchmark "SWE-Bench verified"   # a fitted model
    irt-elo next my_model.csv --target-width 8       # benchmarks ranked; how many to reach an 8-point interval
    irt-elo next --model DeepSeek-V4-Pro             # ... for a fitted model
    irt-elo diagnose --cv 10                         # includes the calibration check of section 7 (100 draws a fold)
    ```
    '''),
]


NOTEBOOKS: dict[str, list[tuple[str, str]]] = {
    "01_quickstart": NB01,
    "02_reproducing_eci": NB02,
    "03_open_vs_closed": NB03,
    "04_caisi_vs_eci": NB04,
    "05_new_models": NB05,
}


# ====================================================================================================================
# Build machinery
# ====================================================================================================================


def make_notebook(stem: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNEL), "language_info": {"name": "python"}}
    out = []
    for i, (kind, source) in enumerate(cells):
        cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
        cell.id = f"{stem[:2]}-{i:03d}"  # fixed ids keep rebuilds byte-identical
        out.append(cell)
    nb.cells = out
    return nb


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    client = NotebookClient(nb, timeout=TIMEOUT_S, kernel_name=KERNEL["name"], record_timing=False,
                            resources={"metadata": {"path": str(HERE)}})
    client.execute()
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("only", nargs="*", help="notebook name prefixes (default: all)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--no-execute", action="store_true", help="write the notebooks without running them")
    g.add_argument("--check", action="store_true", help="execute in memory and compare with the saved files")
    args = p.parse_args(argv)
    stems = [s for s in NOTEBOOKS if not args.only or any(s.startswith(o) for o in args.only)]
    if not stems:
        p.error(f"no notebook matches {args.only}; have {', '.join(NOTEBOOKS)}")
    failed = []
    for stem in stems:
        path = HERE / f"{stem}.ipynb"
        nb = make_notebook(stem, NOTEBOOKS[stem])
        t0 = time.perf_counter()
        if not args.no_execute:
            execute(nb)
        text = render(nb)
        took = time.perf_counter() - t0
        if args.check:
            same = path.exists() and path.read_text(encoding="utf-8") == text
            print(f"{path.name}: {'unchanged' if same else 'DIFFERS from the saved file'} ({took:.1f} s)")
            if not same:
                failed.append(path.name)
            continue
        tmp = path.with_suffix(".ipynb.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        print(f"{path.name}: {'written' if args.no_execute else f'executed in {took:.1f} s and saved'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
