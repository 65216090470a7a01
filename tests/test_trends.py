"""Frontier trends: slope per year, breakpoint scan and slope ratio."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from irt_elo.analysis.capabilities import Capabilities
from irt_elo.analysis.trends import breakpoint_scan, frontier_trend, hinge_fit, line_fit, scan_breaks, slope_ratio
from irt_elo.data.datasets import load_epoch_eci_scores
from irt_elo.errors import IrtEloError


def _hinge_world(break_day: int = 400, s1: float = 8.0, s2: float = 20.0, noise: float = 0.0, seed: int = 0,
                 width: float = 1.0) -> Capabilities:
    """Frontier models every 30 days on a two-piece line (s1 then s2 points/yr), plus weaker non-frontier models."""
    rng = np.random.default_rng(seed)
    days = np.arange(0, 1000, 30)
    v = 100 + np.where(days < break_day, s1 * days / 365.25,
                       s1 * break_day / 365.25 + s2 * (days - break_day) / 365.25)
    v = v + rng.normal(0, noise, len(days))
    d0 = pd.Timestamp("2023-01-01")
    f = pd.DataFrame({"capability": np.concatenate([v, v - 5]),
                      "release_date": [d0 + pd.Timedelta(days=int(x)) for x in np.concatenate([days, days + 3])],
                      "group": "all"}, index=[f"m{i}" for i in range(2 * len(days))])
    f["ci_low"] = f["capability"] - width
    f["ci_high"] = f["capability"] + width
    return Capabilities(f, source="simulation", per_logit=20.0)


def test_line_and_hinge_fits_are_exact_on_noise_free_data():
    x = np.array([0.0, 1, 2, 3, 4, 5])
    assert line_fit(x, 3 + 2 * x)[:2] == pytest.approx((3.0, 2.0))
    y = np.where(x < 2, 1 + x, 3 + 4 * (x - 2))
    c, b1, b2, sse = hinge_fit(x, y, 2.0)
    assert (c, b1, b2) == pytest.approx((3.0, 1.0, 4.0)) and sse == pytest.approx(0.0, abs=1e-20)
    k, _ = scan_breaks(x, y, min_segment=2)
    assert x[k] == 2.0


def test_breakpoint_scan_recovers_known_break_and_slopes():
    """Noise-free two-piece line whose break (day 420) is a frontier release date: the scan must find it exactly."""
    caps = _hinge_world(break_day=420)
    r = breakpoint_scan(caps, n_draws=100)
    assert (r.break_date - pd.Timestamp("2023-01-01")).days == 420
    assert r.slope_before == pytest.approx(8.0, rel=1e-9) and r.slope_after == pytest.approx(20.0, rel=1e-9)
    assert r.ratio == pytest.approx(2.5, rel=1e-9)
    assert r.slope_after_low <= r.slope_after <= r.slope_after_high
    assert r.raw(r.slope_after) == pytest.approx(r.slope_after / 20.0)


def test_frontier_trend_interval_covers_the_true_slope_on_noisy_simulations():
    """Observed capabilities = a 15/yr line + N(0, 1) noise, each with its true 90% interval (sigma 1)."""
    covered = 0
    for seed in range(30):
        caps = _hinge_world(break_day=10_000, s1=15.0, noise=1.0, seed=seed, width=1.645)
        r = frontier_trend(caps, n_draws=100, seed=seed)
        covered += r.slope_low <= 15.0 <= r.slope_high
    assert covered >= 24  # nominal 90% (27 of 30 expected); measured 97 of 100 with 200 draws


def test_slope_ratio_split_at_a_model_or_a_date_and_separate_lines():
    caps = _hinge_world(break_day=420)
    split_model = caps.frame.index[14]  # released on day 420
    a = slope_ratio(caps, split_model, n_draws=50)
    b = slope_ratio(caps, pd.Timestamp("2023-01-01") + pd.Timedelta(days=420), n_draws=50)
    assert a.break_model == split_model and a.ratio == pytest.approx(b.ratio)
    assert a.ratio == pytest.approx(2.5, rel=1e-6)
    c = slope_ratio(caps, split_model, continuous=False, n_draws=50)
    assert c.slope_before == pytest.approx(8.0, rel=1e-6) and c.slope_after == pytest.approx(20.0, rel=1e-6)
    with pytest.raises(IrtEloError, match="fewer than 2 frontier models"):
        slope_ratio(caps, "2023-01-02", n_draws=5)
    with pytest.raises(IrtEloError, match="unknown model"):
        slope_ratio(caps, "no such model", n_draws=5)


def test_frontier_accelerates_on_published_scores_as_the_paper_and_iaps_report():
    """Only the direction is reproduced, so only the direction is asserted.

    IAPS (METHODS.md section 2, Dec-2025 scores, split at Apr 2024): ~9.5 -> ~18.3 ECI/yr. The same vintage here
    gives ~10.0 -> ~15.8 ECI/yr with separate lines split at 2024-04-01 (1.58x instead of ~1.9x): the early slope
    agrees to ~0.5/yr, the late one is ~2.5/yr lower. METHODS.md does not say how IAPS picked frontier models or
    where in April it split, so the cause is not established. The paper's 0.364 -> 0.614 raw/yr at 2024-05-13 (1.69x) is on its own Nov-2025 data, not
    these files: our break on the 2026-08-11 scores falls elsewhere (2024-03-04).
    """
    caps = Capabilities.from_scores(load_epoch_eci_scores("2025-12-19"), source="epoch_eci_2025-12-19")
    r = slope_ratio(caps, "2024-04-01", continuous=False, n_draws=100)
    assert r.slope_after > r.slope_before and r.ratio > 1.0
    b = breakpoint_scan(Capabilities.from_scores(load_epoch_eci_scores()), n_draws=100)
    assert b.ratio > 1.0 and b.details["sse"] <= b.details["linear_sse"]


def test_trend_result_serialises():
    import json

    r = breakpoint_scan(_hinge_world(), n_draws=20)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["kind"] == "breakpoint" and d["units"] == "ECI points per year" and len(d["scan"]) == len(d["points"])
