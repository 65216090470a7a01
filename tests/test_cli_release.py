"""Today's data from the shell: an Epoch release in the September-2026 layout (zip or folder) is fitted, asked both
gap questions and plotted with no extra options; a fetched release is a vintage like the bundled ones; and
`irt-elo gap --vintage all` asks one question of every vintage.

The release is a fixture built from the bundled 2026-08-11 files (tests/release_fixture.py); the fetched vintage comes
from a real HTTP server on 127.0.0.1 serving that zip.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from irt_elo.cli import main
from irt_elo.data.readers.epoch_release import read_release
from irt_elo.data.vintages import fetch
from release_fixture import build_release, serve_once

GAP_KEYS = ("gap_months", "gap_months_low", "gap_months_high", "gap_points", "gap_points_low", "gap_points_high")


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    root = tmp_path_factory.mktemp("release")
    return {"zip": build_release(root / "z", as_zip=True), "folder": build_release(root / "f", as_zip=False)}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("IRT_ELO_CACHE_DIR", str(d))
    return d


def gap_json(tmp_path, *argv, name="gap.json") -> dict:
    out = tmp_path / name
    assert main(["gap", *map(str, argv), "-q", "-o", str(out)]) == 0
    return json.loads(out.read_text())


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_a_release_is_fitted_with_the_eci_preset_and_reproduces_its_published_frontier(releases, kind, tmp_path):
    out = tmp_path / "eci.csv"
    assert main(["fit", str(releases[kind]), "-q", "-o", str(out)]) == 0
    ours = pd.read_csv(out).set_index("model")["capability"]
    published = read_release(releases[kind], with_draws=False).eci_scores.set_index("model")["capability"]
    frontier = published[published >= 130]
    assert len(frontier) > 100
    assert (ours.loc[frontier.index] - frontier).abs().max() < 0.01


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_gap_and_compare_on_a_release_give_the_same_answer_from_its_published_scores(releases, kind, tmp_path):
    g = gap_json(tmp_path, releases[kind])
    assert g["data"] == "Epoch release 2026-08-11" and g["method"] == "epoch-2026"
    out = tmp_path / "compare.json"
    assert main(["compare", str(releases[kind]), "--bootstrap", "4", "--no-decomposition", "-q", "-o", str(out)]) == 0
    c = json.loads(out.read_text())["published_scores"]["epoch"]
    assert {k: g[k] for k in GAP_KEYS} == {k: c[k] for k in GAP_KEYS}


def test_plot_gap_of_a_release_needs_no_options(releases, tmp_path):
    out = tmp_path / "gap.png"
    assert main(["plot", "gap", str(releases["zip"]), "--draws", "20", "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_paired_test_on_a_release_runs_on_epochs_own_draws(releases, tmp_path):
    draws = read_release(releases["zip"]).draws
    g = gap_json(tmp_path, releases["zip"], "--uncertainty", "draws")
    assert f"paired bootstrap test on {draws.n_samples} draws" in g["uncertainty"]
    sigma = gap_json(tmp_path, releases["zip"], name="sigma.json")
    assert "CI-derived sigma" in sigma["uncertainty"]


def test_a_fetched_release_is_a_vintage_that_answers_as_the_file_itself(releases, cache, tmp_path):
    server, url = serve_once(releases["zip"].read_bytes())
    try:
        v = fetch(url, cache_dir=cache, timeout=5, today="2026-12-02")
    finally:
        server.shutdown()
    by_file = gap_json(tmp_path, releases["zip"], name="file.json")
    by_vintage = gap_json(tmp_path, "--vintage", "latest", name="latest.json")
    assert {k: by_file[k] for k in GAP_KEYS} == {k: by_vintage[k] for k in GAP_KEYS}
    assert by_vintage["data"] == "Epoch release 2026-12-02" and v.date == "2026-12-02"
    out = tmp_path / "fit.csv"
    assert main(["fit", "--vintage", v.name, "-q", "-o", str(out)]) == 0
    assert len(pd.read_csv(out)) == 222


def test_gap_for_every_vintage_has_one_row_each_and_says_what_moved(releases, cache, tmp_path, capsys):
    server, url = serve_once(releases["zip"].read_bytes())
    try:
        fetch(url, cache_dir=cache, timeout=5, today="2026-12-02")
    finally:
        server.shutdown()
    d = gap_json(tmp_path, "--vintage", "all", "--method", "epoch-2025", "--criterion", "point")
    rows = {r["vintage"]: r for r in d["vintages"]}
    assert list(rows)[:2] == ["2025-12-19", "2026-08-11"] and len(rows) == 3
    assert all(r["gap_months"] is not None and r["error"] is None for r in rows.values())
    # The fetched release holds the 2026-08-11 files: nothing new, nothing revised, the same answer.
    last = d["changes"][-1]
    assert last["new_models"] == 0 and last["revised_models"] == 0 and last["change_months"] == 0
    first = d["changes"][0]
    assert first["change_months"] == pytest.approx(first["revised_scores_months"] + first["new_models_months"])
    assert main(["gap", "--vintage", "all"]) == 0
    text = capsys.readouterr().out
    assert "window starts 2026-01-01, after the last release" in text and "what moved the answer" in text
    png = tmp_path / "vintages.png"
    assert main(["plot", "gap", "--vintage", "all", "--method", "epoch-2025", "--criterion", "point", "-o",
                 str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("argv, message", [
    (["fit", "x.csv", "--vintage", "latest"], "give DATA or --vintage, not both"),
    (["fit", "--vintage", "all"], "--vintage all answers one question on every vintage"),
    (["fit", "--vintage", "2025-12-19"], "published scores only, no fit input"),
    (["gap", "--vintage", "1999-01-01"], "no vintage '1999-01-01'"),
    (["gap", "--vintage", "all", "--preset", "eci"], "--preset does not apply with --vintage all"),
])
def test_vintage_misuse_is_one_line(argv, message, cache, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_gap_on_the_bundled_data_says_how_old_it_is_and_how_to_fetch_newer(capsys):
    assert main(["gap"]) == 0
    out = capsys.readouterr().out
    assert "Epoch's ECI release of 2026-08-11, bundled with irt-elo" in out and "`irt-elo fetch`" in out


def test_epochs_draws_give_the_intervals_and_the_paired_test_computed_by_hand(releases):
    import numpy as np

    from irt_elo.analysis.capabilities import Capabilities
    from irt_elo.analysis.gap import thresholds

    folder = releases["folder"]
    raw = json.loads((folder / "epoch_capabilities_index" / "eci_bootstraps.json").read_text())
    assert raw["eci_scaled"] is True
    samples = np.asarray(raw["model"]["capability_samples"], dtype=float)  # draws x models
    names = list(raw["model"]["names"])
    caps = Capabilities.from_release(read_release(folder))
    # Intervals: the 5th and 95th percentiles of the draws, by hand, against the release's published columns.
    lo, hi = np.percentile(samples, [5.0, 95.0], axis=0)
    f = caps.frame.loc[names]
    has = f["ci_low"].notna().to_numpy()
    assert np.abs(lo[has] - f["ci_low"].to_numpy()[has]).max() <= 0.005 + 1e-9
    assert np.abs(hi[has] - f["ci_high"].to_numpy()[has]).max() <= 0.005 + 1e-9
    # The paired two-sided test: a beats b when the 2.5% quantile of the per-draw differences is above zero.
    ranked = caps.frame.sort_values("capability")
    closed = ranked.index[ranked["group"].eq("closed").fillna(False).to_numpy(bool)][-12:].tolist()
    open_ = ranked.index[ranked["group"].eq("open").fillna(False).to_numpy(bool)][-12:].tolist()
    by_hand = np.array([[np.quantile(samples[:, names.index(a)] - samples[:, names.index(b)], 0.025) > 0
                         for b in open_] for a in closed])
    idx = caps.frame.index
    K, how = thresholds(caps, idx.get_indexer(closed), idx.get_indexer(open_), criterion="two-sided",
                        uncertainty="draws")
    c = caps.frame["capability"]
    ours = (c[closed].to_numpy()[:, None] - c[open_].to_numpy()[None, :]) > K
    assert "paired bootstrap test on 50 draws" in how
    assert by_hand.any() and not by_hand.all()  # the pairs include both verdicts, so the comparison can fail
    assert (ours == by_hand).all()


def test_a_fetched_zip_in_another_layout_gets_its_own_row_and_the_others_still_answer(cache, tmp_path):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("notes.txt", date_time=(2026, 12, 1, 0, 0, 0)), "not a release\n")
    server, url = serve_once(buf.getvalue())
    try:
        v = fetch(url, cache_dir=cache, timeout=5, today="2026-12-01")
    finally:
        server.shutdown()
    d = gap_json(tmp_path, "--vintage", "all", "--method", "epoch-2025", "--criterion", "point")
    rows = {r["vintage"]: r for r in d["vintages"]}
    assert "not in Epoch's release layout" in rows[v.name]["error"] and rows[v.name]["gap_months"] is None
    assert rows["2026-08-11"]["gap_months"] is not None
    assert [c["to"] for c in d["changes"]] == ["2026-08-11"]  # the unreadable vintage is in no comparison
