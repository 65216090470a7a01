"""Is the gap widening? gap_trend on simulated worlds with a known trend, on the bundled data, and in `irt-elo gap`."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from irt_elo.analysis.capabilities import Capabilities
from irt_elo.analysis.gap import VERDICTS, gap, gap_range, gap_trend, model_lag
from irt_elo.cli import main
from irt_elo.data.datasets import load_epoch_eci_scores
from irt_elo.errors import IrtEloError

DAY0 = pd.Timestamp("2024-01-01")
SLOPE = 15.0  # the leader's line, points per year
SIGMA = 0.6  # each model's capability uncertainty (its 90% interval is +-1.645 sigma)
SPACING = 30  # days between releases of each group
WINDOW = ("2024-09-01", "2026-05-31")  # both groups have released models for months by the start


def months_per_year(days_per_day: float) -> float:
    return days_per_day * 365.25 / 30.5


def simulated_world(lag_days: float, lag_rate: float, *, noise_seed: int | None = None) -> Capabilities:
    """Closed and open models released every 30 days (open mid-way) over 2.5 years.

    Closed models sit on the line ``100 + 15 points/yr``; an open model released on day ``d`` has the value the line
    had ``lag_days + lag_rate * d`` days earlier, so the open group trails by a lag growing ``lag_rate`` days per day
    (0: a constant gap). Every model's 90% interval is +-1.645 sigma. With ``noise_seed`` the central values scatter
    around the lines by that sigma (seeded), as estimates do.
    """
    line = lambda day: 100.0 + SLOPE * day / 365.25  # noqa: E731
    rows = []
    for k in range(int(2.5 * 365.25 / SPACING)):
        closed_day, open_day = k * SPACING, k * SPACING + SPACING // 2
        rows.append((f"closed{k}", line(closed_day), closed_day, "closed"))
        rows.append((f"open{k}", line(open_day - lag_days - lag_rate * open_day), open_day, "open"))
    f = pd.DataFrame(rows, columns=["model", "capability", "day", "group"]).set_index("model")
    if noise_seed is not None:
        f["capability"] += np.random.default_rng(noise_seed).normal(0.0, SIGMA, len(f))
    f["release_date"] = DAY0 + pd.to_timedelta(f.pop("day"), unit="D")
    f["ci_low"], f["ci_high"] = f["capability"] - 1.645 * SIGMA, f["capability"] + 1.645 * SIGMA
    return Capabilities(f, source="simulation")


def epoch_trend(caps: Capabilities, seed: int = 3, n_draws: int = 200):
    return gap(caps, "epoch-2026", start=WINDOW[0], end=WINDOW[1], n_draws=n_draws, seed=seed).trend


# -- simulated worlds with a known trend ------------------------------------------------------------------------------


def test_a_gap_growing_three_months_a_year_is_called_widening_and_its_interval_holds_the_true_slope():
    true = months_per_year(0.25)  # the lag grows a quarter day per day: ~3.0 months per year
    t = epoch_trend(simulated_world(120, 0.25))
    assert t.verdict == "widening"
    assert t.months_per_year_low <= true <= t.months_per_year_high
    assert t.months_per_year == pytest.approx(true, abs=0.1)
    # Vertical: the leader gains 15 points a year, so a lag growing 0.25 days per day adds 3.75 points a year.
    assert t.points_per_year_low <= SLOPE * 0.25 <= t.points_per_year_high


def test_a_constant_gap_shows_no_detectable_trend():
    t = epoch_trend(simulated_world(150, 0.0))
    assert t.verdict == "no detectable trend"
    assert t.months_per_year_low < 0 < t.months_per_year_high
    assert abs(t.months_per_year) < 0.1
    assert t.points_per_year_low < 0 < t.points_per_year_high


def test_a_shrinking_gap_is_called_narrowing():
    t = epoch_trend(simulated_world(300, -0.25))
    assert t.verdict == "narrowing"
    assert t.months_per_year_low <= months_per_year(-0.25) <= t.months_per_year_high


def test_with_estimates_scattered_around_the_lines_the_intervals_mostly_cover_the_truth():
    """Twenty worlds whose central values scatter by their own sigma: the 90% interval of the slope covers the true
    slope, and the verdicts come out right, in most of them (a nominal 90% interval would miss about 2 of 20)."""
    covered = widening = flat = 0
    for seed in range(20):
        grow = epoch_trend(simulated_world(120, 0.25, noise_seed=seed), seed=seed, n_draws=100)
        covered += grow.months_per_year_low <= months_per_year(0.25) <= grow.months_per_year_high
        widening += grow.verdict == "widening"
        const = epoch_trend(simulated_world(150, 0.0, noise_seed=seed), seed=seed, n_draws=100)
        flat += const.verdict == "no detectable trend"
    assert covered >= 16 and widening >= 18 and flat >= 16


def test_caisi_trend_lines_give_the_known_rate_exactly():
    """CAISI's gap is the distance between two lines: its slope is the lag's rate, exactly, without noise."""
    caps = simulated_world(120, 0.25)
    r = gap(caps, "caisi", start=WINDOW[0], end=WINDOW[1], lead="closed", trail="open", n_draws=100)
    assert r.trend.months_per_year == pytest.approx(months_per_year(0.25), rel=1e-6)
    assert r.trend.points_per_year == pytest.approx(SLOPE * 0.25, rel=1e-6)
    assert r.trend.verdict == "widening" and "trend lines" in r.trend.basis


def test_epoch_2025_trend_is_fitted_to_levels_dated_by_the_leaders_model():
    """Per level, the gap is dated by the day the leader reached the level, ``L``. The open model at that level
    comes out on ``o`` with ``o - 120 - 0.25 o = L``, so the gap ``o - L = (120 + 0.25 L) / 0.75`` grows by
    0.25 / 0.75 = 1/3 day per day of the leader's calendar: 4 months a year, not 3."""
    caps = simulated_world(120, 0.25)
    r = gap(caps, "epoch-2025", start="2024-01-01", end="2026-06-30", criterion="point", n_draws=100)
    t = r.trend
    assert t.n_points == len(r.levels) and "capability levels" in t.basis
    assert t.months_per_year_low <= months_per_year(0.25 / 0.75) <= t.months_per_year_high
    assert t.verdict == "widening"


def test_the_same_seed_gives_an_identical_trend_and_another_seed_another_interval():
    caps = simulated_world(120, 0.25)
    a, b, c = (gap(caps, "epoch-2026", start=WINDOW[0], end=WINDOW[1], n_draws=60, seed=s) for s in (7, 7, 8))
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())
    assert a.trend.months_per_year == c.trend.months_per_year  # the central fit does not depend on the draws
    assert a.trend.months_per_year_low != c.trend.months_per_year_low


def test_trend_on_a_sub_window_fits_only_that_window():
    caps = simulated_world(120, 0.25)
    r = gap(caps, "epoch-2026", start=WINDOW[0], end=WINDOW[1], n_draws=50)
    t = gap_trend(r, "2025-01-01", "2025-12-31", level=0.5)
    assert (t.start, t.end, t.n_points, t.level) == (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"), 365, 0.5)
    assert t.months_per_year != r.trend.months_per_year


def test_trend_without_intervals_has_no_interval_and_no_verdict_of_change():
    caps = simulated_world(120, 0.25)
    caps = Capabilities(caps.frame.drop(columns=["ci_low", "ci_high"]), source="simulation")
    t = gap(caps, "epoch-2026", start=WINDOW[0], end=WINDOW[1], criterion="point").trend
    assert t.months_per_year > 0 and np.isnan(t.months_per_year_low)
    assert t.verdict == "no detectable trend"


def test_trend_and_range_refuse_a_model_lag_and_an_empty_window():
    caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    lag = model_lag(caps, "DeepSeek-V4-Pro", n_draws=10)
    assert lag.trend is None and lag.range is None
    with pytest.raises(IrtEloError, match="no gap series over time"):
        gap_trend(lag)
    r = gap(caps, "epoch-2026", n_draws=10)
    with pytest.raises(IrtEloError, match="no trend to fit"):
        gap_trend(r, "2027-01-01")
    with pytest.raises(IrtEloError, match="no gap values"):
        gap_range(r, "2020-01-01", "2020-12-31")
    with pytest.raises(IrtEloError, match="swap them"):
        gap_range(r, "2026-05-01", "2026-02-01")


# -- the bundled data -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def caps26():
    return Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")


def test_epoch_2026_on_the_bundled_data_has_a_trend_over_its_148_days(caps26):
    r = gap(caps26, "epoch-2026", start="2026-01-01", end="2026-05-28", n_draws=200)
    t = r.trend
    assert t.verdict in VERDICTS and t.level == 0.9
    assert (t.start, t.end, t.n_points) == (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-05-28"), 148)
    assert t.months_per_year_low <= t.months_per_year <= t.months_per_year_high
    d = json.loads(json.dumps(r.to_dict()))
    assert d["trend"]["verdict"] == t.verdict and d["trend"]["start"] == "2026-01-01"
    assert d["range"]["n_days"] == 148


def test_the_gap_since_deepseek_r1_ranges_around_its_average(caps26):
    """Interconnects, May 2026: the gap "roughly stays between 3-7 months since DeepSeek R1" (2025-01-20)."""
    r = gap(caps26, "epoch-2026", start="2025-01-20", end="2026-05-28", n_draws=50)
    g = gap_range(r)
    assert g.start == pd.Timestamp("2025-01-20") and g.n_days == len(r.series)
    assert g.months_min <= r.gap_months <= g.months_max
    assert g.points_min <= r.gap_points <= g.points_max
    assert g.months_max == pytest.approx(r.series["gap_months"].max())
    # A sub-window's range lies inside the whole window's.
    sub = gap_range(r, "2025-06-01", "2025-12-31")
    assert g.months_min <= sub.months_min <= sub.months_max <= g.months_max and sub.n_days == 214


# -- irt-elo gap ------------------------------------------------------------------------------------------------------


def test_gap_command_prints_the_trend_with_its_interval_and_verdict_and_writes_it_to_json(tmp_path, capsys):
    out = tmp_path / "gap.json"
    assert main(["gap", "--draws", "50", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    line = next(x for x in text.splitlines() if x.strip().startswith("trend:"))
    assert "months per year [" in line and "points per year [" in line and "(90%)" in line
    d = json.loads(out.read_text())
    assert line.endswith(": " + d["trend"]["verdict"]) and d["trend"]["verdict"] in VERDICTS
    assert f"{d['trend']['months_per_year']:+.2f} months per year" in line
    assert "range:" in text and d["range"]["start"] == "2026-01-01"
