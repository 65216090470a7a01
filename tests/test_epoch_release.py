"""Epoch's benchmark_data.zip in the September-2026 layout: detection, the fit input, the published values of the
same release, Epoch's own bootstrap draws, metadata, and one-line refusals of partial, mixed or hostile releases.

The fixture (tests/release_fixture.py) is built from the bundled 2026-08-11 ECI files; its intervals are rewritten
to the percentiles of 50 seeded bootstrap draws of a real refit, so the draws check means something.
"""
from __future__ import annotations

import dataclasses
import json
import os
import struct
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from irt_elo.data.bundled import bundled_path
from irt_elo.data.detect import read_layout, read_table
from irt_elo.data.readers import epoch_release
from irt_elo.data.readers.epoch_eci import read_eci_scores
from irt_elo.data.readers.epoch_release import EciDraws, is_release, read_eci_bootstraps, read_release
from irt_elo.errors import IrtEloError
from release_fixture import COMMA_COUNTRY, COMMA_MODEL, COMMA_ORG, FILES, REQUIRED, bootstrap_draws, build_release

FRONTIER = 130.0  # published eci at or above this: the acceptance set


def one_line_error(call, *needles: str) -> str:
    with pytest.raises(IrtEloError) as e:
        call()
    msg = str(e.value)
    assert "\n" not in msg, msg
    for n in needles:
        assert n in msg, f"{n!r} not in {msg!r}"
    return msg


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return build_release(tmp_path_factory.mktemp("release"), as_zip=False)


@pytest.fixture(scope="module")
def zipped(tmp_path_factory):
    return build_release(tmp_path_factory.mktemp("release_zip"), as_zip=True, top_folder="benchmark_data")


@pytest.fixture(scope="module")
def release(folder):
    return read_release(folder)


# -- detection and the fit input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("as_zip, top", [(False, None), (True, None), (True, "benchmark_data")])
def test_folder_and_zip_are_detected_and_read_alike(tmp_path, release, as_zip, top):
    p = build_release(tmp_path, as_zip=as_zip, top_folder=top)
    assert is_release(p)
    t = read_table(p)
    assert t.preset == "eci"
    assert read_layout(p).n_obs == t.n_obs == release.table.n_obs
    pd.testing.assert_frame_equal(t.scores, release.table.scores)
    pd.testing.assert_frame_equal(t.models, release.table.models)
    pd.testing.assert_frame_equal(t.benchmarks, release.table.benchmarks)


def test_an_unpacked_folder_with_its_top_folder_and_the_eci_folder_itself_read_the_release(tmp_path, release):
    p = build_release(tmp_path / "outer", as_zip=False, name="benchmark_data")
    assert read_table(tmp_path / "outer").n_obs == release.table.n_obs  # release one folder down
    inner = read_release(p / "epoch_capabilities_index")  # metadata from its parent
    pd.testing.assert_frame_equal(inner.table.models, release.table.models)


def test_fit_input_equals_the_bundled_tables_cells(release, eci_table):
    t = release.table
    cols = ["model", "benchmark", "score", "source"]
    pd.testing.assert_frame_equal(t.scores[cols], eci_table.scores[cols])
    assert list(t.model_names) == list(eci_table.model_names)
    assert list(t.benchmark_names) == list(eci_table.benchmark_names)
    pd.testing.assert_series_equal(t.models["release_date"], eci_table.models["release_date"])
    np.testing.assert_array_equal(t.model_idx, eci_table.model_idx)
    np.testing.assert_array_equal(t.bench_idx, eci_table.bench_idx)


def test_older_layouts_are_not_taken_for_a_release():
    assert not is_release(bundled_path("epoch_hub_2026-04"))
    assert not is_release(bundled_path("epoch_eci_2026-08-11"))
    assert not is_release(bundled_path("epoch_benchmark_stitching_2025-11"))
    assert read_table(bundled_path("epoch_eci_2026-08-11/eci_benchmarks.csv")).preset is None


def test_preset_rides_along_subsets_but_not_equality(release):
    t = release.table
    assert t.rows(np.arange(10)).preset == "eci"
    assert t.filter(min_benchmarks=10).preset == "eci"
    assert t.filter(since="2025-01-01").preset == "eci"
    f = next(f for f in dataclasses.fields(t) if f.name == "preset")
    assert f.compare is False and f.default is None


# -- the published values of the same release -------------------------------------------------------------------

def test_published_values_joined_are_this_releases(folder, release, published_eci):
    m = release.table.models
    fixture = read_eci_scores(folder / "epoch_capabilities_index/eci_scores.csv").set_index("model")
    # point values: as Epoch published them; intervals: the fixture's own (rewritten), not the bundled ones
    pd.testing.assert_series_equal(m["eci_published"], published_eci["capability"].reindex(m.index),
                                   check_names=False)
    pd.testing.assert_series_equal(m["eci_published_low"], fixture["ci_low"].reindex(m.index), check_names=False)
    assert (m["eci_published_low"] != published_eci["ci_low"].reindex(m.index)).sum() > 100
    edi = pd.read_csv(bundled_path("epoch_eci_2026-08-11/edi_scores.csv")).set_index("benchmark_name")
    b = release.table.benchmarks
    np.testing.assert_allclose(b["edi_published"], edi["edi"].reindex(b.index), rtol=0, atol=0)
    np.testing.assert_allclose(b["slope_published"], edi["estimated_slope_scaled"].reindex(b.index), rtol=0, atol=0)
    assert b.loc["Winogrande", "edi_anchor"] and int(b["edi_anchor"].sum()) == 1
    pd.testing.assert_frame_equal(release.eci_scores, fixture.reset_index())
    assert release.vintage == "2026-08-11" and release.source == str(folder)


def test_published_scores_of_another_vintage_are_refused(tmp_path):
    old = bundled_path("epoch_eci_2025-12-19/eci_scores.csv").read_text(encoding="utf-8")
    p = build_release(tmp_path, as_zip=True, with_draws=False,
                      mutate=lambda rel, text: old if rel.endswith("eci_scores.csv") else text)
    one_line_error(lambda: read_table(p), "epoch_capabilities_index/eci_scores.csv", "different releases",
                   "Qwen3-Coder-480B-A35B")


def test_benchmark_metadata_attaches_baselines_ceilings_and_lineage(release):
    b = release.table.benchmarks
    assert b.loc["GPQA diamond", "random_baseline"] == 0.25
    assert b.loc["FrontierMath-2025-02-28-Private", "score_ceiling"] == 0.57
    assert b.loc["FrontierMath-Tier-4-2025-07-01-Private", "latest_successor"] == "FrontierMath-Tier-4-v2-Private"
    assert pd.isna(b.loc["FrontierMath-Tiers-1-3-v2-Private", "superseded_by"])
    assert b["in_eci"].all()
    assert "BoolQ" in release.benchmark_metadata.index and "BoolQ" not in b.index  # only what applies is attached


def test_a_superseded_by_circle_is_one_line(tmp_path):
    def circle(rel, text):
        if rel != "benchmark_metadata.csv":
            return text
        return text.replace("LiveBench,False,,,,0.0,,,", "LiveBench,False,,,,0.0,,,SuperGLUE").replace(
            "SuperGLUE,False,,,,0.0,,,", "SuperGLUE,False,,,,0.0,,,LiveBench")
    p = build_release(tmp_path, as_zip=False, with_draws=False, mutate=circle)
    one_line_error(lambda: read_table(p), "benchmark_metadata.csv", "circle")


# -- model metadata -------------------------------------------------------------------------------------------------

def test_model_metadata_blank_and_partial_rows_are_tolerated(release, folder):
    raw = (folder / "model_metadata.csv").read_text(encoding="utf-8").splitlines()
    assert sum(line.strip(",") == "" for line in raw) == 2  # the fixture does have blank rows
    mm = release.model_metadata
    assert not (mm["model_version"].isna() & mm["model_group"].isna()).any()
    assert "mystery-model-2026-01-01" in set(mm["model_version"])
    assert release.table.models.loc["GPT-5", "training_compute_flop"] == 6.6e25  # from a group-only row
    assert release.table.models.loc["Yi-9B", "organization"] == "01.AI"  # a blank in eci_scores filled


def test_comma_joined_country_is_kept_whole_and_its_first_country_groups(release):
    from irt_elo.analysis.capabilities import Capabilities

    m = release.table.models
    assert m.loc[COMMA_MODEL, "organization"] == COMMA_ORG
    assert m.loc[COMMA_MODEL, "country"] == COMMA_COUNTRY
    assert m.loc[COMMA_MODEL, "primary_country"] == "Hong Kong"
    assert m.loc["GLM-4.6", "organization"] == "Z.ai (Zhipu AI),Tsinghua University"
    assert bool(m.loc[COMMA_MODEL, "open_weights"])  # "Unknown" in eci_scores, filled from model_metadata
    frame = m.rename(columns={"eci_published": "capability"})[["capability", "release_date", "country"]]
    caps = Capabilities(frame).regroup("country")
    g = caps.frame["group"]
    assert g[COMMA_MODEL] == "Hong Kong"
    known = m["primary_country"].notna()
    assert (g[known] == m.loc[known, "primary_country"]).all()


# -- one-line refusals ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
@pytest.mark.parametrize("rel", REQUIRED)
def test_each_required_file_absent_is_one_line_naming_it(tmp_path, rel, as_zip):
    p = build_release(tmp_path, as_zip=as_zip, drop=rel, with_draws=False,
                      top_folder="benchmark_data" if as_zip else None)
    inner = f"benchmark_data/{rel}" if as_zip else rel
    one_line_error(lambda: read_table(p), inner, "missing")
    one_line_error(lambda: read_release(p), inner, "missing")


def _rename_header(old: str, new: str):
    def edit(text: str) -> str:
        head, _, body = text.partition("\n")
        assert old in head.split(","), (old, head)
        return ",".join(new if c == old else c for c in head.split(",")) + "\n" + body
    return edit


MALFORMED = {
    "epoch_capabilities_index/processed_data_for_eci.csv": (_rename_header("performance", "score"), "'performance'"),
    "epoch_capabilities_index/eci_scores.csv": (_rename_header("eci_ci_low", "ci_low"), "'eci_ci_low'"),
    "epoch_capabilities_index/edi_scores.csv": (_rename_header("edi", "EDI"), "'edi'"),
    "model_metadata.csv": (_rename_header("model_group", "group"), "'model_group'"),
    "benchmark_metadata.csv": (_rename_header("score_ceiling", "ceiling"), "'score_ceiling'"),
    "epoch_capabilities_index/eci_bootstraps.json": (lambda text: text[: len(text) // 2], "not valid JSON"),
}


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
@pytest.mark.parametrize("rel", FILES)
def test_each_file_malformed_is_one_line_naming_it(tmp_path, rel, as_zip):
    edit, needle = MALFORMED[rel]
    p = build_release(tmp_path, as_zip=as_zip, mutate=lambda r, text: edit(text) if r == rel else text)
    one_line_error(lambda: read_release(p), rel, needle)


@pytest.mark.parametrize("rel, old, new, needle", [
    ("epoch_capabilities_index/eci_scores.csv", "161.65", "161.6x", "not a number"),
    ("epoch_capabilities_index/edi_scores.csv", "55.855630109841314", "n/a", "not a number"),
    ("epoch_capabilities_index/processed_data_for_eci.csv", "0.605", "60.5%x", "not a number"),
    ("model_metadata.csv", "2024-12-03", "Dec the 3rd", "as a date"),
    ("benchmark_metadata.csv", ",0.57,", ",1.57,", "score_ceiling"),
])
def test_a_bad_cell_is_one_line_naming_file_and_line(tmp_path, rel, old, new, needle):
    p = build_release(tmp_path, as_zip=True, with_draws=False,
                      mutate=lambda r, text: text.replace(old, new, 1) if r == rel else text)
    msg = one_line_error(lambda: read_release(p), rel, needle)
    assert "line " in msg


@pytest.mark.parametrize("edit, needle", [
    (lambda d: d.pop("ci_level"), "missing key 'ci_level'"),
    (lambda d: d["model"].pop("capability_samples"), "missing key 'model.capability_samples'"),
    (lambda d: d["model"]["capability_samples"].pop(), "shape 49×222"),
    (lambda d: d["benchmark"]["names"].append("Extra"), "benchmark.ids"),
    (lambda d: d["scaling"].update(per_sample_b=[0.0] * 50), "positive"),
    (lambda d: d.update(num_samples="many"), "num_samples"),
])
def test_a_malformed_draws_file_is_one_line_naming_it(tmp_path, edit, needle):
    def mutate(rel, text):
        if not rel.endswith(".json"):
            return text
        d = json.loads(text)
        edit(d)
        return json.dumps(d)
    p = build_release(tmp_path, as_zip=True, mutate=mutate)
    one_line_error(lambda: read_release(p), "epoch_capabilities_index/eci_bootstraps.json", needle)


def _forge_declared_size(path: Path, size: int) -> None:
    """Rewrite the uncompressed size every header of a one-member zip declares (local header and central directory)."""
    raw = bytearray(path.read_bytes())
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        i = raw.find(sig)
        assert i >= 0
        raw[i + off: i + off + 4] = struct.pack("<I", size)
    path.write_bytes(bytes(raw))


def test_a_zip_declaring_an_absurd_size_is_refused_before_unpacking(tmp_path):
    p = tmp_path / "benchmark_data.zip"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("epoch_capabilities_index/eci_scores.csv", b"Model,eci\n")
    _forge_declared_size(p, 4_000_000_000)
    assert zipfile.ZipFile(p).infolist()[0].file_size == 4_000_000_000
    assert is_release(p)  # detection reads names only
    one_line_error(lambda: read_table(p), str(p), "refused before unpacking", "512 MB")


def test_a_real_high_ratio_member_over_the_limit_is_refused(tmp_path, monkeypatch):
    p = build_release(tmp_path, as_zip=True, with_draws=False)
    with zipfile.ZipFile(p, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.csv", b"0" * (3 * 2**20))  # 3 MB of zeros, a few kB on disk
    monkeypatch.setattr(epoch_release, "MAX_UNCOMPRESSED_BYTES", 2 * 2**20)
    one_line_error(lambda: read_release(p), "refused before unpacking", "bomb.csv")


def test_a_zip_holding_two_releases_is_one_line(tmp_path):
    a = build_release(tmp_path / "a", as_zip=True, with_draws=False, top_folder="one")
    p = tmp_path / "two.zip"
    with zipfile.ZipFile(a) as src, zipfile.ZipFile(p, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, data)
            dst.writestr("two/" + info.filename.split("/", 1)[1], data)
    one_line_error(lambda: read_table(p), "more than one Epoch release")


def test_a_folder_that_is_no_release_falls_through(tmp_path):
    (tmp_path / "x.csv").write_text("model,benchmark,score\na,b,0.5\n")
    assert not is_release(tmp_path)
    assert read_layout(tmp_path) is None


# -- Epoch's own bootstrap draws -----------------------------------------------------------------------------------

def test_draws_round_trip_and_reproduce_the_published_intervals(release, folder):
    d = release.draws
    assert isinstance(d, EciDraws) and d.n_samples == 50 and d.ci_level == 0.9
    src = bootstrap_draws()["json"]
    np.testing.assert_array_equal(d.capability.to_numpy(), np.asarray(src["model"]["capability_samples"]))
    np.testing.assert_array_equal(d.slope.to_numpy(), np.asarray(src["benchmark"]["slope_samples"]))
    assert set(d.capability.columns) == set(release.eci_scores["model"])
    assert d.model_ids[:2] == tuple(src["model"]["ids"][:2])
    ci = d.ci()
    pub = release.eci_scores.set_index("model")
    has = pub["ci_low"].notna()
    assert np.abs(ci.loc[has[has].index, "ci_low"] - pub.loc[has, "ci_low"]).max() <= 0.005 + 1e-9
    assert set(pub.index[~has]) == {"GPT-5", "Claude 3.5 Sonnet"}
    assert (d.capability["GPT-5"] == 150).all()
    assert read_eci_bootstraps(folder).capability.equals(d.capability)
    assert read_eci_bootstraps(folder / "epoch_capabilities_index/eci_bootstraps.json").capability.equals(
        d.capability)


def test_draws_feed_capabilities(release):
    from irt_elo.analysis.capabilities import Capabilities

    caps = Capabilities.from_scores(release.eci_scores)
    caps = Capabilities(caps.frame, draws=release.draws.capability, source=release.vintage)
    assert caps.draws.shape == (50, len(release.eci_scores))
    assert Capabilities(caps.frame, draws=release.draws.draws("capability")).draws.shape[0] == 50


def test_unscaled_draws_are_mapped_onto_the_eci_scale(tmp_path, release):
    def unscale(rel, text):
        if not rel.endswith(".json"):
            return text
        d = json.loads(text)
        a = np.asarray(d["scaling"]["per_sample_a"])[:, None]
        b = np.asarray(d["scaling"]["per_sample_b"])[:, None]
        m, bm = d["model"], d["benchmark"]
        m["capability_samples"] = ((np.asarray(m["capability_samples"]) - a) / b).tolist()
        bm["difficulty_samples"] = ((np.asarray(bm["difficulty_samples"]) - a) / b).tolist()
        bm["slope_samples"] = (np.asarray(bm["slope_samples"]) * b).tolist()
        d["eci_scaled"] = False
        return json.dumps(d)
    got = read_release(build_release(tmp_path, as_zip=True, mutate=unscale)).draws
    for what in ("capability", "difficulty", "slope"):
        np.testing.assert_allclose(got.draws(what), release.draws.draws(what), rtol=1e-9, atol=1e-9)


def test_the_percentile_check_catches_a_tampered_interval(tmp_path, release):
    row = release.eci_scores.iloc[5]
    model, low = row["model"], float(row["ci_low"])
    line_start = f"{model},"

    def tamper(rel, text):
        if not rel.endswith("eci_scores.csv"):
            return text
        out = []
        for line in text.splitlines(keepends=True):
            if line.startswith(line_start):
                line = line.replace(f",{low!r},", f",{round(low + 0.02, 2)!r},", 1)
            out.append(line)
        return "".join(out)
    p = build_release(tmp_path, as_zip=True, mutate=tamper)
    msg = one_line_error(lambda: read_release(p), "eci_bootstraps.json", repr(model), f"{round(low + 0.02, 2):g}")
    assert "not this release's" in msg
    assert read_release(p, check=False).draws is not None  # the check can be waived
    # the table alone does not read the draws
    assert read_table(p).n_obs == release.table.n_obs


def test_the_draws_are_optional(tmp_path):
    p = build_release(tmp_path, as_zip=True, with_draws=False)
    r = read_release(p)
    assert r.draws is None and r.table.preset == "eci"
    one_line_error(lambda: read_eci_bootstraps(p), "eci_bootstraps.json", "no bootstrap draws")


# -- the vintage rule -----------------------------------------------------------------------------------------------

def test_vintage_comes_from_the_name_else_from_the_newest_file(tmp_path):
    assert read_release(build_release(tmp_path / "a", as_zip=True, with_draws=False,
                                      name="benchmark_data_20260923")).vintage == "2026-09-23"
    p = build_release(tmp_path / "b", as_zip=False, with_draws=False, name="benchmark_data")
    stamp = time.mktime((2026, 9, 16, 12, 0, 0, 0, 0, -1))
    for f in p.rglob("*"):
        if f.is_file():
            os.utime(f, (stamp - 86400 * 3, stamp - 86400 * 3))
    os.utime(p / "model_metadata.csv", (stamp, stamp))
    r = read_release(p)
    assert r.vintage == "2026-09-16" and r.table.name == "benchmark_data (2026-09-16)"


# -- the acceptance figure ------------------------------------------------------------------------------------------

def test_eci_refit_of_the_release_reproduces_the_published_frontier(folder):
    from irt_elo import Fitter

    table = read_table(folder)
    assert table.preset == "eci"
    f = Fitter.from_preset(table.preset).fit(table)
    pub = table.models["eci_published"]
    frontier = pub[pub >= FRONTIER].index
    diff = (f.capability_.reindex(frontier) - pub[frontier]).abs()
    assert len(frontier) > 50
    print(f"max |ECI diff| over {len(frontier)} frontier models: {diff.max():.4f} ({diff.idxmax()})")
    assert diff.max() < 0.01
