"""Capabilities tables and running-best frontiers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irt_elo.analysis.capabilities import (
    Capabilities,
    frontier,
    frontier_records,
    record_mask,
    vintage_label,
    z_for_level,
)
from irt_elo.data.bundled import bundled_path
from irt_elo.data.datasets import load_epoch_eci_scores
from irt_elo.errors import IrtEloError


@pytest.fixture(scope="module")
def caps():
    return Capabilities.from_scores(bundled_path("epoch_eci_2026-08-11/eci_scores.csv"))


def _brute_force_records(dates, values):
    """Independent oracle: walk models day by day; a day's best model is a record if it beats all earlier days."""
    df = pd.DataFrame({"d": dates, "v": values, "i": np.arange(len(dates))})
    best, out = -np.inf, []
    for _, day in df.groupby("d", sort=True):
        top = day.sort_values("v", ascending=False, kind="stable").iloc[0]
        if top["v"] > best:
            out.append(int(top["i"]))
            best = top["v"]
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 20)), min_size=1, max_size=40))
def test_frontier_records_match_a_day_by_day_running_maximum(pairs):
    dates = np.array([p[0] for p in pairs])
    values = np.array([float(p[1]) for p in pairs])
    rec = frontier_records(dates, values)
    # Same value (ties) on the same day may pick a different index; compare the (date, value) sequence.
    oracle = _brute_force_records(dates, values)
    assert [(dates[i], values[i]) for i in rec] == [(dates[i], values[i]) for i in oracle]
    assert np.all(np.diff(values[rec]) > 0) and np.all(np.diff(dates[rec]) > 0)


def test_record_mask_counts_one_record_per_day_and_no_ties():
    order, rec = record_mask(np.array([5, 5, 6, 7]), np.array([1.0, 3.0, 3.0, 2.0]))
    assert order[rec].tolist() == [1]  # the day's best only; a later tie is not a record


def test_epoch_scores_give_published_values_and_ci_derived_sigma(caps):
    # PROVENANCE.md: GPT-4 (Mar 2023) 125.70 [119.95, 129.65]; GPT-5 = 150.00 is an anchor without interval.
    f = caps.frame
    assert f.loc["GPT-4 (Mar 2023)", "capability"] == pytest.approx(125.70)
    assert caps.sigma["GPT-4 (Mar 2023)"] == pytest.approx((129.65 - 119.95) / (2 * 1.6448536), rel=1e-6)
    assert f.loc["GPT-5", "capability"] == 150.0 and caps.sigma["GPT-5"] == 0.0
    assert caps.source == "epoch_eci_2026-08-11" and caps.scale == "ECI"
    # PROVENANCE.md: Closed weights 104, Open weights 94, Other 24.
    assert caps.groups().to_dict() == {"closed": 104, "open": 94, "<NA>": 24}


def test_frontier_matches_an_independent_cummax_on_published_scores(caps):
    f = caps.frame[caps.frame["group"] == "open"].dropna(subset=["release_date"])
    fr = frontier(caps, "open")
    s = f.sort_values(["release_date", "capability"], ascending=[True, False], kind="stable")
    prev = s["capability"].cummax().shift(1).fillna(-np.inf)
    expected = s[s["capability"] > prev].index.tolist()
    assert fr["model"].tolist() == expected
    assert (fr["capability"].diff().dropna() > 0).all()
    # The top closed model of the file (PROVENANCE.md: GPT-5.6 Sol 161.65) ends the closed frontier.
    assert frontier(caps, "closed").iloc[-1]["model"] == "GPT-5.6 Sol"


def test_frontier_window_excludes_later_models(caps):
    fr = frontier(caps, "closed", end="2025-08-07")
    assert fr["release_date"].max() <= pd.Timestamp("2025-08-07")
    assert fr.iloc[-1]["model"] == "GPT-5"


def test_regroup_by_country_and_aliases(caps):
    c = caps.regroup("country")
    assert c.grouping == "country"
    assert c.frame.loc["DeepSeek-V4-Pro", "group"] == "China"
    assert c.resolve_group("US") == "United States of America"
    assert c.resolve_group("china") == "China"
    with pytest.raises(IrtEloError, match="no model in group 'Atlantis'"):
        c.resolve_group("Atlantis")


def test_regroup_unknown_as_closed_counts_other_accessibility(caps):
    c = caps.regroup("open", unknown="closed")
    assert c.groups().to_dict() == {"closed": 104 + 24, "open": 94}


def test_multi_country_entries_use_the_first_country():
    caps = Capabilities.from_scores(load_epoch_eci_scores("2025-12-19"))
    joint = caps.frame["country"].astype(str).str.contains(",")
    assert joint.sum() == 20  # PROVENANCE.md: 20 rows 'United States of America,United Kingdom...'
    assert (caps.regroup("country").frame.loc[joint, "group"] == "United States of America").all()


def test_unknown_model_name_suggests_close_matches(caps):
    with pytest.raises(IrtEloError, match="did you mean.*DeepSeek-V4-Pro"):
        caps.resolve_model("DeepSeek V4 Pr")
    assert caps.resolve_model("deepseek v4 pro") == "DeepSeek-V4-Pro"


def test_parametric_draws_reproduce_each_models_interval(caps):
    d, how = caps.draw_matrix(n_draws=20000, seed=3)
    assert "split-normal" in how
    j = caps.frame.index.get_loc("GPT-4 (Mar 2023)")
    lo, hi = np.quantile(d[:, j], [0.05, 0.95])
    assert lo == pytest.approx(119.95, abs=0.15) and hi == pytest.approx(129.65, abs=0.15)
    assert np.all(d[:, caps.frame.index.get_loc("GPT-5")] == 150.0)
    d2, _ = caps.draw_matrix(n_draws=20000, seed=3)
    assert np.array_equal(d, d2)


def test_from_fitter_takes_percentile_intervals_from_draws():
    from irt_elo import Fitter, from_frame

    rng = np.random.default_rng(0)
    theta = np.linspace(-1.5, 1.5, 8)
    rows = [(f"m{i}", f"b{j}", 1 / (1 + np.exp(-(theta[i] - d))), f"2024-0{1 + i}-01")
            for i in range(8) for j, d in enumerate(np.linspace(-1, 1, 6))]
    table = from_frame(pd.DataFrame(rows, columns=["model", "benchmark", "score", "release_date"]))
    f = Fitter.from_preset("default").fit(table)
    draws = pd.DataFrame(f.capability_.to_numpy()[None, :] + rng.normal(0, 0.1, (400, 8)),
                         columns=f.capability_.index)
    caps = Capabilities.from_fitter(f, bootstrap=draws, level=0.90)
    assert caps.draws.shape == (400, 8)
    assert caps.frame.loc["m3", "ci_low"] == pytest.approx(draws["m3"].quantile(0.05))
    assert caps.frame.loc["m3", "ci_high"] == pytest.approx(draws["m3"].quantile(0.95))
    plain = Capabilities.from_fitter(f)
    assert not plain.has_intervals and plain.draws is None


def test_generic_capability_table_is_read_with_groups(tmp_path):
    p = tmp_path / "caps.csv"
    p.write_text("model,capability,ci_low,ci_high,release_date,group\n"
                 "A,10,9,11,2024-01-01,closed\nB,8,7,9,2024-03-01,open\n", encoding="utf-8")
    caps = Capabilities.from_scores(p)
    assert caps.frame.loc["B", "group"] == "open" and caps.source == "caps"
    bad = tmp_path / "bad.csv"
    bad.write_text("model,capability,release_date\nA,ten,2024-01-01\n", encoding="utf-8")
    with pytest.raises(IrtEloError, match="line 2.*'capability'.*not a number"):
        Capabilities.from_scores(bad)


def test_small_helpers():
    assert z_for_level(0.90) == pytest.approx(1.6448536, rel=1e-6)
    with pytest.raises(IrtEloError):
        z_for_level(1.5)
    assert vintage_label("x/epoch_eci_2026-08-11/eci_scores.csv") == "epoch_eci_2026-08-11"
