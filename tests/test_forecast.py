"""The forecast of both frontiers and the gap: horizons, calibration on simulated frontiers whose
process is known, the catch-up and closing verdicts, the backtests on the bundled releases, and the command."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from irt_elo.analysis.capabilities import Capabilities
from irt_elo.analysis.forecast import (
    CLOSE_VERDICTS,
    Horizon,
    actual_path,
    backtest,
    forecast,
    parse_horizon,
    simulate_paths,
    vintage_backtest,
)
from irt_elo.errors import IrtEloError


def _frontier_table(rng: np.random.Generator, *, years: float = 6.0, rates=(9.0, 9.0), jumps=(1.6, 1.6),
                    start_levels=(110.0, 100.0), start: str = "2020-01-01") -> pd.DataFrame:
    """Two groups whose frontiers are compound Poisson processes: records arrive at ``rates`` per year, each raising
    the frontier by an exponential jump of mean ``jumps``; a few weaker models of each group in between."""
    rows = []
    t0 = pd.Timestamp(start)
    for g, rate, jump, level in zip(("closed", "open"), rates, jumps, start_levels):
        t, v, k = 0.0, level, 0
        while True:
            t += rng.exponential(365.25 / rate)
            if t > years * 365.25:
                break
            v += rng.exponential(jump)
            for cap in (v, v - rng.uniform(1, 5)):  # the record and a weaker model
                rows.append({"model": f"{g}-{k}", "capability": cap, "ci_low": cap - 1.0, "ci_high": cap + 1.0,
                             "release_date": t0 + pd.Timedelta(days=int(t)), "group": g})
                k += 1
    return pd.DataFrame(rows)


def _caps(df: pd.DataFrame) -> Capabilities:
    return Capabilities.from_scores(df, source="simulated")


@pytest.mark.parametrize("text,expected", [("12m", Horizon(12, "months")), ("18 months", Horizon(18, "months")),
                                           ("2y", Horizon(2, "years")), ("90d", Horizon(90, "days")),
                                           ("26W", Horizon(26, "weeks"))])
def test_horizon_reads_a_count_and_a_unit(text, expected):
    assert parse_horizon(text) == expected


@pytest.mark.parametrize("text", ["12", "m", "12x", "-3m", "0m", "1.5y", "twelve months", "", "30y"])
def test_horizon_that_is_not_a_duration_is_refused_in_one_line(text):
    with pytest.raises(IrtEloError, match="horizon"):
        parse_horizon(text)


def test_horizon_end_counts_calendar_months():
    assert Horizon(12, "months").end("2026-02-28") == pd.Timestamp("2027-02-28")
    assert Horizon(3, "months").end("2026-01-31") == pd.Timestamp("2026-04-30")


def test_simulated_paths_never_fall_and_drift_at_the_records_rate():
    rng = np.random.default_rng(0)
    jumps = np.full(40, 2.0)  # 40 jumps of 2 points over 1,000 days: 0.08 points per day
    grid = np.arange(0.0, 366.0)
    paths, drift = simulate_paths(jumps, 1000.0, 150.0, grid, 2000, rng)
    assert np.all(np.diff(paths, axis=1) >= 0) and np.all(paths[:, 0] == 150.0)
    assert np.median(drift) == pytest.approx(0.08, rel=0.05)
    assert np.mean(paths[:, -1] - 150.0) == pytest.approx(0.08 * 365, rel=0.05)


def test_prediction_intervals_cover_simulated_frontiers_about_as_often_as_they_say():
    """40 simulated histories with a known record process: the 90% interval of each frontier 12 months past the
    forecast date holds the simulated truth in 80-98% of 80 cases (a binomial 90% lies in that range with
    probability > 0.99)."""
    rng = np.random.default_rng(20261203)
    inside = []
    for k in range(40):
        df = _frontier_table(rng, years=6.0)
        caps = _caps(df)
        cut = pd.Timestamp("2025-01-01")
        fc = forecast(caps, horizon="12m", as_of=cut, n_draws=300, seed=k)
        truth = actual_path(caps, "closed", "open", pd.DatetimeIndex([fc.end]))
        row = fc.path.iloc[-1]
        for g in ("closed", "open"):
            inside.append(row[f"{g}_low"] <= truth[g].iloc[0] <= row[f"{g}_high"])
    assert 0.80 <= np.mean(inside) <= 0.98, np.mean(inside)


def test_gap_that_closes_fast_and_one_that_cannot_close_get_opposite_verdicts():
    rng = np.random.default_rng(1)
    # Open records three times as often, from 4 points behind: the gap closes within a year.
    fast = _caps(_frontier_table(rng, rates=(6.0, 24.0), start_levels=(104.0, 100.0)))
    f = forecast(fast, horizon="2y", n_draws=400, seed=0)
    assert f.close_verdict == CLOSE_VERDICTS[0], f.close_text
    assert f.close_low is not None and f.close_date <= f.end
    # Open far behind and slower: no path closes the gap within a year.
    slow = _caps(_frontier_table(rng, rates=(12.0, 4.0), start_levels=(140.0, 100.0)))
    s = forecast(slow, horizon="12m", n_draws=400, seed=0)
    assert s.close_verdict == CLOSE_VERDICTS[1], s.close_text
    assert s.close_share <= 0.05 and "not within the horizon" in s.close_text


def test_actual_gap_in_months_counts_from_the_last_day_the_leader_was_not_above_the_trailing_level():
    df = pd.DataFrame({
        "model": ["c1", "c2", "o1"], "capability": [100.0, 110.0, 105.0], "ci_low": [99, 109, 104],
        "ci_high": [101, 111, 106], "group": ["closed", "closed", "open"],
        "release_date": pd.to_datetime(["2025-01-01", "2025-07-01", "2025-09-01"])})
    a = actual_path(_caps(df), "closed", "open", pd.DatetimeIndex(["2025-10-01"]))
    # Open stands at 105 on 2025-10-01; closed was last not above 105 on 2025-06-30 (110 from 2025-07-01): 93 days.
    assert a["gap_points"].iloc[0] == pytest.approx(5.0)
    assert a["gap_months"].iloc[0] == pytest.approx(93 / 30.5)


def test_gap_now_is_what_irt_elo_gap_answers_with_the_point_criterion_on_that_day(eci_caps):
    from irt_elo.analysis.gap import gap

    f = forecast(eci_caps, n_draws=50)
    day = f.as_of.strftime("%Y-%m-%d")
    g = gap(eci_caps, "epoch-2026", start=day, end=day, criterion="point", n_draws=50)
    assert f.gap_now_months == pytest.approx(g.gap_months, abs=1e-9)
    assert f.gap_now_points == pytest.approx(g.gap_points, abs=1e-9)


def test_same_seed_gives_the_same_forecast_and_another_seed_another(eci_caps):
    a = forecast(eci_caps, n_draws=100, seed=7).to_dict()
    b = forecast(eci_caps, n_draws=100, seed=7).to_dict()
    c = forecast(eci_caps, n_draws=100, seed=8).to_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert json.dumps(a, sort_keys=True) != json.dumps(c, sort_keys=True)


@pytest.fixture(scope="module")
def eci_caps():
    from irt_elo.datasets import load_epoch_eci_scores

    return Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")


def test_forecast_of_the_bundled_release_starts_from_todays_frontiers(eci_caps):
    f = forecast(eci_caps, n_draws=200)
    assert f.as_of == eci_caps.frame["release_date"].max()
    assert f.trends["closed"].leader_now == eci_caps.frame[eci_caps.frame["group"] == "closed"]["capability"].idxmax()
    # A frontier never falls: every projected low is at least today's level.
    for g in ("closed", "open"):
        assert (f.path[f"{g}_low"] >= f.trends[g].level_now - 1e-9).all()
    assert f.gap_now_points == pytest.approx(f.trends["closed"].level_now - f.trends["open"].level_now)


def test_backtest_scores_each_target_against_what_the_data_show(eci_caps):
    b = backtest(eci_caps, horizon="12m", n_draws=100)
    r = b.rows
    assert set(b.summary["quantity"]) == {"closed frontier", "open frontier", "gap (points)", "gap (months)"}
    # The cut removes later models: each target is after its cut and no later than the newest release.
    assert (pd.to_datetime(r["target"]) > pd.to_datetime(r["cut"])).all()
    assert pd.to_datetime(r["target"]).max() <= eci_caps.frame["release_date"].max()
    recomputed = (r["low"] <= r["actual"]) & (r["actual"] <= r["high"])
    assert (recomputed == r["inside"].astype(bool)).all()
    truth = actual_path(eci_caps, "closed", "open", pd.DatetimeIndex(r["target"].unique()))
    closed = r[r["quantity"] == "closed frontier"].set_index("target")["actual"]
    assert np.allclose(closed.groupby(level=0).first().to_numpy(), truth.set_index("date")["closed"].loc[
        closed.groupby(level=0).first().index].to_numpy())
    assert b.summary["n"].min() >= 10


def test_vintage_backtest_forecasts_from_the_earlier_release(eci_caps):
    from irt_elo.datasets import load_epoch_eci_scores

    earlier = Capabilities.from_scores(load_epoch_eci_scores("2025-12-19"), source="epoch_eci_2025-12-19")
    b = vintage_backtest(earlier, eci_caps, n_draws=100)
    assert pd.to_datetime(b.rows["cut"]).iloc[0] == earlier.frame["release_date"].max()
    assert len(b.rows) == 4 * 7  # monthly targets from 2025-12-17 to 2026-07-31
    assert b.summary["coverage"].between(0, 1).all()


def _run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "irt_elo", "forecast", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_forecast_command_prints_the_forecast_and_both_backtests_and_writes_both_files(tmp_path):
    p = _run("--paths", "100", "-o", "f.json", "--backtest-out", "bt.csv", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "Backtest (release-date cuts)" in p.stdout and "Backtest (vintage)" in p.stdout
    assert "inside 90% interval" in p.stdout and "reaches closed's level" in p.stdout
    out = json.loads((tmp_path / "f.json").read_text())
    assert {b["kind"] for b in out["backtests"]} == {"release-date cuts", "vintage"}
    assert out["close_verdict"] in CLOSE_VERDICTS
    bt = pd.read_csv(tmp_path / "bt.csv")
    assert set(bt["backtest"]) == {"release-date cuts", "vintage"}


@pytest.mark.parametrize("args,message", [
    (["--horizon", "12x"], "horizon '12x' is not a duration"),
    (["--horizon", "soon"], "not a duration"),
    (["--every", "0m"], "not a duration"),
    (["--paths", "5"], "--paths 5"),
    (["-o", "f.txt"], "f.txt"),
    (["--as-of", "yesterday-ish"], "--as-of"),
])
def test_forecast_command_refuses_bad_options_in_one_line_and_writes_nothing(tmp_path, args, message):
    p = _run(*args, "--backtest-out", "bt.csv", cwd=tmp_path)
    assert p.returncode == 2
    assert message in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_plot_forecast_draws_a_backtest_panel_only_when_there_is_a_backtest(eci_caps, tmp_path):
    from irt_elo.plots.forecast import plot_forecast

    f = forecast(eci_caps, n_draws=50)
    assert len(plot_forecast(f).axes) == 2
    f.backtests.append(backtest(eci_caps, horizon="6m", cuts=["2025-06-01"], n_draws=50))
    assert len(plot_forecast(f).axes) == 3
    p = subprocess.run([sys.executable, "-m", "irt_elo", "plot", "forecast", "--paths", "60", "-q", "-o", "f.png"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_readme_backtest_figures_are_what_the_command_computes(eci_caps):
    """The README quotes the backtests of `irt-elo forecast` (12 months, seed 12345, 200 paths per backtest
    forecast): recompute them so the documentation cannot drift from the code."""
    import re
    from pathlib import Path

    from irt_elo.datasets import load_epoch_eci_scores

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    b = backtest(eci_caps, horizon="12m", n_draws=200, seed=12345)
    inside = b.rows["inside"].dropna().astype(bool)
    held = re.search(r"Over the (\d+) release-date targets the 90% intervals held (\d+) ", readme).groups()
    assert (len(inside), int(inside.sum())) == tuple(map(int, held))
    earlier = Capabilities.from_scores(load_epoch_eci_scores("2025-12-19"), source="epoch_eci_2025-12-19")
    v = vintage_backtest(earlier, eci_caps, n_draws=200, seed=12345)
    for res, first in ((b, "release-date cuts"), (v, "release, scored on")):
        table = readme[readme.index(first):].split("\n\n")[0]
        for _, r in res.summary.iterrows():
            q = r["quantity"]
            row = next(ln for ln in table.splitlines() if q in ln or q.split()[0] + " /" in ln
                       or "/ " + q.split()[0] in ln)
            cells = [c.strip() for c in row.strip("|").split("|")]
            names = [n.strip() for n in cells[1].replace("frontier", "").split("/")]
            k = names.index(q.replace(" frontier", "").strip()) if "/" in cells[1] else 0
            n, cov, err = (c.split("/")[k].strip() for c in cells[2:5])
            assert (n, cov, err) == (str(r["n"]), f"{r['coverage']:.0%}", f"{r['median_abs_error_months']:.1f}"), q


def test_backtest_with_a_trend_window_cuts_only_where_the_window_has_enough_records(eci_caps):
    b = backtest(eci_caps, horizon="6m", start="2024-06-01", n_draws=50)
    assert pd.to_datetime(b.rows["cut"]).min() > pd.Timestamp("2024-06-01")
    assert len(b.rows) > 0


def test_vintage_backtest_from_a_release_that_is_not_earlier_is_refused(eci_caps):
    from irt_elo.datasets import load_epoch_eci_scores

    earlier = Capabilities.from_scores(load_epoch_eci_scores("2025-12-19"), source="epoch_eci_2025-12-19")
    with pytest.raises(IrtEloError, match="not before the newest release"):
        vintage_backtest(eci_caps, earlier, n_draws=50)
