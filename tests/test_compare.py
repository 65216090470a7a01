"""Presets side by side, the decomposition, benchmark-subset robustness, harness control and their plots."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from irt_elo import Fitter
from irt_elo.analysis.compare import (
    CAISI_QUESTION,
    EPOCH_QUESTION,
    GAP_KEYS,
    MethodSpec,
    compare,
    decompose,
    default_steps,
    fit_method,
    path_mismatches,
    run_method,
)
from irt_elo.analysis.harness import SourceOffsetFitter, harness_control, offset_objective, offset_value
from irt_elo.analysis.robustness import benchmark_pool, leave_one_out, random_subsets, subset_gaps
from irt_elo.data.sources import filter_sources, source_kind, source_kinds
from irt_elo.data.table import from_frame
from irt_elo.errors import IrtEloError
from irt_elo.fit.presets import caisi_epoch_benchmarks
from irt_elo.plots.compare import plot_subsets, plot_waterfall

N_BOOT = 4  # enough for intervals to exist; the full runs belong to the CLI defaults


@pytest.fixture(scope="module")
def comparison(eci_table):
    return compare(eci_table, n_boot=N_BOOT, seed=7)


@pytest.fixture(scope="module")
def decomposition(eci_table, comparison):
    return decompose(eci_table, n_boot=N_BOOT, seed=7, reuse=comparison.results)


@pytest.fixture(scope="module")
def caisi_subsets(eci_table):
    return subset_gaps(eci_table, "caisi", k=9, n_subsets=4, seed=3, require_model="DeepSeek-V4-Pro")


# -- side by side ------------------------------------------------------------------------------------------------


def test_compare_answers_both_questions_for_both_presets_with_intervals(comparison):
    f = comparison.to_frame()
    assert f[["preset", "question"]].values.tolist() == [["eci", "epoch"], ["eci", "caisi"], ["caisi", "epoch"],
                                                         ["caisi", "caisi"]]
    assert f["error"].isna().all()
    # Percentile intervals from the bootstrap (they need not contain the central estimate with few draws).
    assert (f["gap_months_low"] <= f["gap_months_high"]).all() and f["gap_points_low"].notna().all()
    assert f.loc[f["preset"] == "caisi", "scale"].eq("Elo").all()
    # Elo-equivalent points of a preset already on the Elo scale are its points.
    c = f[f["preset"] == "caisi"]
    assert np.allclose(c["gap_elo"], c["gap_points"])


def test_compare_json_has_one_object_per_preset_with_the_gap_keys(comparison):
    from irt_elo.analysis.capabilities import Capabilities
    from irt_elo.analysis.gap import gap

    d = comparison.to_dict()
    assert [p["preset"] for p in d["presets"]] == ["eci", "caisi"]
    # What `irt-elo gap -o` writes: GapResult.to_dict().
    caps = Capabilities.from_fitter(comparison.results[0].fitter)
    gap_keys = set(gap(caps, criterion="point").to_dict())
    assert set(GAP_KEYS) <= gap_keys
    for p in d["presets"]:
        assert set(GAP_KEYS) <= set(p)
        assert set(p["questions"]) == {"epoch", "caisi"}
        assert gap_keys <= set(p["questions"]["epoch"])
        for q in p["questions"].values():
            assert set(GAP_KEYS) <= set(q) and {"method", "window", "data", "series", "criterion"} <= set(q)
    assert d["presets"][0]["headline_question"] == "epoch" and d["presets"][1]["headline_question"] == "caisi"
    assert d["presets"][1]["gap_months"] == d["presets"][1]["questions"]["caisi"]["gap_months"]


def test_unknown_named_model_is_reported_not_raised(eci_table):
    r = run_method(MethodSpec("caisi"), eci_table, [CAISI_QUESTION.with_(model="No Such Model")], n_boot=0)
    assert r.answers["caisi"] is None and "unknown model" in r.errors["caisi"]


# -- decomposition ----------------------------------------------------------------------------------------------


def test_decomposition_runs_from_the_eci_headline_to_the_caisi_headline(decomposition, comparison):
    f = decomposition.frame
    on = f[f["on_path"]]
    cmp_ = comparison.to_frame().set_index(["preset", "question"])
    assert on["gap_months"].iloc[0] == pytest.approx(cmp_.loc[("eci", "epoch"), "gap_months"])
    assert on["gap_months"].iloc[-1] == pytest.approx(cmp_.loc[("caisi", "caisi"), "gap_months"])
    assert on["gap_points"].iloc[-1] == pytest.approx(cmp_.loc[("caisi", "caisi"), "gap_points"])
    # The step effects add up to the total change.
    assert on["delta_months"].iloc[1:].sum() == pytest.approx(decomposition.total_months)
    assert (f["error"].isna()).all()


def test_default_path_changes_every_option_that_differs_between_the_presets():
    steps = default_steps()
    assert path_mismatches(steps) == {}
    on = [s for s in steps if s.on_path]
    assert on[0].spec.preset == "eci" and on[-1].spec.preset == "caisi"
    assert on[0].question.key == "epoch" and on[-1].question.key == "caisi"
    # Breaking the path (dropping the ridge step) is detected.
    broken = [s for s in steps if not s.name.startswith("ridge")]
    assert "ridge" in path_mismatches(broken)


def test_fit_method_falls_back_when_a_subset_lacks_the_anchors(eci_table):
    spec = MethodSpec("eci").with_(benchmarks=("GPQA diamond", "OTIS Mock AIME 2024-2025", "SimpleQA Verified",
                                               "Chess Puzzles"), min_benchmarks=3)
    out = fit_method(spec, eci_table)
    # Neither Winogrande nor Claude 3.5 Sonnet (scale anchor) survives this subset.
    assert "Claude 3.5 Sonnet" not in out.fitter.table_.model_names
    assert out.fitter.anchor_benchmark is None and out.fitter.scale_.name == "logit" and not out.points_ok
    assert len(out.notes) == 2
    # Months do not depend on the scale, so a fallback fit still answers the questions; points are withheld.
    row = run_method(spec, eci_table, [EPOCH_QUESTION.with_(criterion="point")], n_boot=0, fit=out).row("epoch")
    assert np.isfinite(row["gap_months"]) and np.isnan(row["gap_points"])
    caisi = fit_method(MethodSpec("caisi").with_(benchmarks=("ARC-AGI-2", "Cybench", "CritPt")), eci_table)
    assert "Claude Opus 4.6" not in caisi.fitter.table_.model_names
    assert caisi.points_ok and caisi.fitter.scale_.per_logit == pytest.approx(173.7177927)
    assert caisi.fitter.capability_.mean() == pytest.approx(1000.0)


# -- robustness -------------------------------------------------------------------------------------------------


def test_random_subsets_are_seeded_and_respect_the_requirement():
    pool = [f"b{i}" for i in range(12)]
    a = random_subsets(pool, 5, 6, seed=11, cover=(["b0", "b1", "b2"], 2))
    assert a == random_subsets(pool, 5, 6, seed=11, cover=(["b0", "b1", "b2"], 2))
    assert a != random_subsets(pool, 5, 6, seed=12, cover=(["b0", "b1", "b2"], 2))
    assert all(len(s) == 5 and len(set(s)) == 5 and sum(b in s for b in ("b0", "b1", "b2")) >= 2 for s in a)
    with pytest.raises(IrtEloError, match="larger than the number of benchmarks"):
        random_subsets(pool, 13, 2, seed=0)


def test_subset_gaps_keep_the_named_model_and_mark_the_full_data_gap(caisi_subsets, eci_table):
    r = caisi_subsets
    assert len(r.frame) == 4 and set(r.counts()) <= {"ok", "disconnected", "failed"}
    ok = r.frame[r.frame["status"] == "ok"]
    assert ok["caisi_months"].notna().all()  # DeepSeek-V4-Pro kept in every fitted subset
    assert (ok["n_benchmarks"] <= 9).all()
    full = run_method(MethodSpec("caisi"), eci_table, r.questions, n_boot=0)
    assert r.full["caisi_months"] == pytest.approx(full.row("caisi")["gap_months"])
    s = r.summary()
    assert s.set_index("question").loc["caisi", "published_months"] == 8.0
    assert len(r.pool) == len(benchmark_pool(eci_table, MethodSpec("caisi"), "recent"))


def test_subset_results_do_not_depend_on_the_number_of_workers(eci_table):
    a = subset_gaps(eci_table, "caisi", k=6, n_subsets=2, seed=5, n_jobs=1)
    b = subset_gaps(eci_table, "caisi", k=6, n_subsets=2, seed=5, n_jobs=2)
    pd.testing.assert_frame_equal(a.frame, b.frame)


def test_subset_refits_run_on_a_dask_scheduler_with_the_same_results(eci_table):
    distributed = pytest.importorskip("distributed")
    serial = leave_one_out(eci_table, "caisi", n_jobs=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = leave_one_out(eci_table, "caisi", scheduler=client)
    pd.testing.assert_frame_equal(serial.frame, remote.frame)


def test_leave_one_out_drops_each_fitted_benchmark_once(eci_table):
    r = leave_one_out(eci_table, "caisi")
    assert sorted(r.frame["benchmarks"]) == sorted(r.pool) == sorted(caisi_epoch_benchmarks())
    inf = r.influence("caisi")
    assert np.allclose(inf["effect_months"], inf["caisi_months"] - r.full["caisi_months"], equal_nan=True)


# -- harness ----------------------------------------------------------------------------------------------------


def test_source_kinds_separate_epoch_runs_from_reported_scores(eci_table):
    k = source_kinds(eci_table)
    epoch_rows = eci_table.scores[k == "epoch"]
    assert (epoch_rows["source"] == "Epoch evaluations").all() and len(epoch_rows) > 0
    # Epoch's own runs and the blank-source (external leaderboard) rows never share a benchmark.
    blank_rows = eci_table.scores[k == "unattributed"]
    assert len(blank_rows) > 0 and not set(epoch_rows["benchmark"]) & set(blank_rows["benchmark"])
    assert source_kind("Qwen Technical Report") == "developer"
    assert source_kind("ARC Prize Leaderboard") == "leaderboard"
    u = filter_sources(eci_table, "uniform")
    r = filter_sources(eci_table, "reported")
    assert u.n_obs + r.n_obs == eci_table.n_obs


def _simulated_offset_table(gamma: float, seed: int = 0):
    """2PL scores for 30 models on the 12 Epoch-run benchmarks; open models' scores on half the benchmarks come from
    their developers and are shifted by ``gamma`` logits of capability."""
    rng = np.random.default_rng(seed)
    benches = [f"bench-{j:02d}" for j in range(12)]
    m, b = 30, len(benches)
    theta, delta = rng.normal(0, 1.2, m), rng.normal(0, 1.0, b)
    alpha = rng.uniform(0.7, 1.6, b)
    is_open = np.arange(m) % 2 == 1
    rows = []
    for i in range(m):
        for j in range(b):
            reported = is_open[i] and j % 2 == 0
            z = alpha[j] * (theta[i] + (gamma if reported else 0.0) - delta[j])
            p = 1 / (1 + np.exp(-z)) + rng.normal(0, 0.01)
            rows.append({"model": f"m{i}", "benchmark": benches[j], "score": float(np.clip(p, 0.001, 0.999)),
                         "source": "Lab Technical Report" if reported else "Epoch evaluations",
                         "open_weights": "true" if is_open[i] else "false"})
    return from_frame(pd.DataFrame(rows)), theta


def test_source_offset_is_recovered_on_simulated_data():
    truth = 0.6
    t, theta = _simulated_offset_table(truth)
    f = SourceOffsetFitter(Fitter(model="2pl", ridge=1e-6, scale="logit")).fit(t)
    assert f.result_.success
    # Without an anchor the fit standardises capabilities to SD 1, so the offset is in units of the models' SD.
    assert f.offset_logit_["open, reported"] == pytest.approx(truth / np.std(theta), abs=0.08)
    null = SourceOffsetFitter(Fitter(model="2pl", ridge=1e-6, scale="logit")).fit(_simulated_offset_table(0.0)[0])
    assert abs(null.offset_logit_["open, reported"]) < 0.08


def test_offset_objective_gradient_matches_finite_differences():
    t, _ = _simulated_offset_table(0.4, seed=2)
    for loss in ("least_squares", "bernoulli"):
        f = SourceOffsetFitter(Fitter(model="2pl", loss=loss, ridge=1e-2)).fit(t)
        x = f.x_ + np.random.default_rng(1).normal(0, 0.05, f.x_.size)
        _, g, _ = offset_objective(x, *f._args)
        eps = 1e-6
        for i in (0, 31, 40, x.size - 1):
            e = np.zeros_like(x)
            e[i] = eps
            num = (offset_value(x + e, *f._args) - offset_value(x - e, *f._args)) / (2 * eps)
            assert g[i] == pytest.approx(num, rel=1e-5, abs=1e-8)


def test_harness_control_reports_gaps_by_source_offsets_and_a_verdict(eci_table):
    r = harness_control(eci_table, "caisi", [CAISI_QUESTION], n_boot=3, seed=1)
    assert set(r.by_source["sources"]) == {"all", "uniform", "reported"}
    assert list(r.offsets["offset"]) == ["open, reported"]
    assert {"points_low", "points_high"} <= set(r.offsets)
    row = r.rerun.iloc[0]
    assert row["shrink_points"] == pytest.approx(1 - row["preferred_points"] / row["uniform_points"])
    assert "interval" in r.verdict and ("half" in r.verdict or "widen" in r.verdict)
    assert r.to_dict()["verdict"] == r.verdict


# -- plots ------------------------------------------------------------------------------------------------------


def test_waterfall_has_one_bar_per_step_plus_the_end_total(decomposition):
    import matplotlib.pyplot as plt

    fig = plot_waterfall(decomposition)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.__class__.__name__ == "Rectangle"]
    assert len(bars) == len(decomposition.frame) + 1
    assert len(ax.get_xticklabels()) == len(bars)
    assert "epoch_eci_2026-08-11" in ax.get_title()
    assert len(ax.get_legend().get_texts()) == 2  # the two published headlines
    plt.close(fig)


def test_subset_plot_has_one_panel_per_question_with_reference_lines(caisi_subsets):
    import matplotlib.pyplot as plt

    fig = plot_subsets(caisi_subsets)
    assert len(fig.axes) == len(caisi_subsets.questions) == 2
    for ax in fig.axes:
        assert len(ax.patches) > 0
        assert len(ax.get_lines()) == 2  # full-data gap and published headline
    assert "caisi" in fig._suptitle.get_text()
    plt.close(fig)


@pytest.mark.parametrize("lo, hi, words", [
    (0.3, 0.7, "consistent with about half"), (-0.1, 0.6, "inconclusive"), (-0.2, 0.1, "less than half"),
    (-0.6, -0.1, "widen"), (0.6, 0.9, "more than half")])
def test_harness_verdict_compares_the_shrink_interval_with_one_half(lo, hi, words):
    from irt_elo.analysis.harness import _verdict

    rerun = pd.DataFrame([{"question": "caisi", "shrink_points": (lo + hi) / 2, "shrink_points_low": lo,
                           "shrink_points_high": hi, "shrink_months": np.nan}])
    assert words in _verdict(rerun, pd.DataFrame(), 0.9)
