"""Epoch Benchmarking Hub import (folder and zip), chance-floor rescaling, model groups, and the April 2026 ECI."""
from __future__ import annotations

import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from irt_elo import Fitter, IrtEloError, read_table
from irt_elo.data.bundled import bundled_path
from irt_elo.data.datasets import load_epoch_hub, load_epoch_hub_eci
from irt_elo.data.readers.epoch_hub import (
    compare_eci,
    compare_edi,
    hub_scores,
    load_baselines,
    parse_hub_score,
    read_epoch_hub,
    read_hub_eci,
    read_hub_edi,
    read_hub_scaling,
    rescale_chance,
    summarize_eci_comparison,
)

HUB = bundled_path("epoch_hub_2026-04")


def _zip_folder(folder: Path, dest: Path, top: str | None = "benchmark_data") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                rel = f.relative_to(folder).as_posix()
                z.write(f, f"{top}/{rel}" if top else rel)
    return dest


def _copy_hub(tmp_path: Path) -> Path:
    dest = tmp_path / "hub"
    shutil.copytree(HUB, dest)
    return dest


def _one_line(e: pytest.ExceptionInfo) -> str:
    msg = str(e.value)
    assert "\n" not in msg
    return msg


@pytest.fixture(scope="module")
def hub_eci_fit():
    """The eci preset on the hub data grouped as Epoch groups versions."""
    return Fitter.from_preset("eci").fit(load_epoch_hub(group_by="eci"))


# -- reading ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("top", ["benchmark_data", None])
def test_hub_zip_and_unpacked_folder_give_the_same_table(tmp_path, top):
    folder = read_epoch_hub(HUB)
    z = read_epoch_hub(_zip_folder(Path(HUB), tmp_path / "benchmark_data.zip", top))
    pd.testing.assert_frame_equal(folder.scores, z.scores)
    pd.testing.assert_frame_equal(folder.models, z.models)
    pd.testing.assert_frame_equal(folder.benchmarks, z.benchmarks)


def test_read_table_recognises_hub_folder_and_zip_but_still_refuses_plain_folders(tmp_path):
    t = read_table(HUB)
    assert t.n_benchmarks == 42 and t.n_obs == read_epoch_hub(HUB).n_obs
    assert read_table(_zip_folder(Path(HUB), tmp_path / "b.zip")).n_obs == t.n_obs
    (tmp_path / "empty").mkdir()
    with pytest.raises(IrtEloError, match="is a directory"):
        read_table(tmp_path / "empty")


def test_percent_strings_are_fractions_of_the_scale():
    assert parse_hub_score(["86%", " 0.86 ", "86"], scale_max=100).tolist() == pytest.approx([0.86, 0.0086, 0.86])
    assert parse_hub_score(["86%", "0.86"]).tolist() == pytest.approx([0.86, 0.86])
    assert np.isnan(parse_hub_score(["", "n/a"])).all()


def test_percent_strings_in_a_hub_file_give_the_same_scores_as_fractions(tmp_path):
    hub = _copy_hub(tmp_path)
    f = hub / "simplebench_external.csv"
    df = pd.read_csv(f, dtype=str, keep_default_na=False)
    col = "Score (AVG@5)"
    has = df[col] != ""
    df.loc[has, col] = [f"{float(v) * 100:.4g}%" for v in df.loc[has, col]]
    df.to_csv(f, index=False)
    assert pd.read_csv(f, dtype=str)[col].str.endswith("%").sum() == int(has.sum())
    ours, original = read_epoch_hub(hub), read_epoch_hub(HUB)
    pd.testing.assert_frame_equal(ours.scores, original.scores, check_exact=False, atol=1e-12)


def test_lech_mazur_writing_is_read_on_its_0_to_10_scale():
    s = hub_scores(HUB)
    lm = s[(s["benchmark"] == "Lech Mazur Writing") & (s["version"] == "o3-2025-04-16_medium")]
    assert lm["raw"].iloc[0] == pytest.approx(0.839)  # "8.39" on 0-10, no chance floor
    assert lm["score"].iloc[0] == pytest.approx(0.839)


def test_chance_floor_rescaling_matches_epochs_example():
    # PROVENANCE / Epoch: Claude 3 Sonnet GPQA 0.406 -> (0.406 - 0.25) / 0.75 = 0.208
    assert float(rescale_chance(0.406, 0.25)) == pytest.approx(0.208)
    assert rescale_chance([0.1, 1.2], 0.25).tolist() == [0.0, 1.0]
    s = hub_scores(HUB)
    gpqa = s[s["benchmark"] == "GPQA diamond"]
    assert np.allclose(gpqa["score"], np.clip((gpqa["raw"] - 0.25) / 0.75, 0, 1))
    raw = hub_scores(HUB, rescale=False)
    assert np.allclose(raw.loc[raw["benchmark"] == "GPQA diamond", "score"], gpqa["raw"])


def test_baseline_table_evidence_column_is_what_epochs_processed_data_shows():
    """Each rule's stated count of matching cells is recomputed from Epoch's 2026-08-11 processed file."""
    rules = load_baselines()
    epoch = pd.read_csv(bundled_path("epoch_eci_2026-08-11/eci_benchmarks.csv"))
    epoch["model_version"] = epoch["model_version"].str.strip()
    s = hub_scores(HUB, benchmarks="all")
    per_version = s.groupby(["benchmark", "version"], as_index=False)["score"].max()
    checked = 0
    for stem, r in rules[rules["use"] != "exclude"].iterrows():
        stated = str(r["matches_epoch_2026_08_11"])
        if not stated[0].isdigit():
            assert r["benchmark"] not in set(epoch["benchmark"])
            continue
        j = epoch[epoch["benchmark"] == r["benchmark"]].merge(
            per_version[per_version["benchmark"] == r["benchmark"]], left_on="model_version", right_on="version")
        agree = int(((j["performance"] - j["score"]).abs() < 5e-4).sum())
        assert stated == f"{agree} of {len(j)}", stem
        checked += 1
    assert checked >= 40
    # The rules reproduce Epoch's own rescaling on the multiple-choice benchmarks almost everywhere.
    for stem in ("gpqa_diamond", "mmlu_external", "simplebench_external", "vpct_external", "piqa_external"):
        agree, total = map(int, rules.loc[stem, "matches_epoch_2026_08_11"].split(" of "))
        assert agree / total > 0.9


def test_excluded_and_unknown_benchmarks_are_refused():
    with pytest.raises(IrtEloError, match="exclude") as e:
        read_epoch_hub(HUB, benchmarks=["WebDev Arena"])
    _one_line(e)
    with pytest.raises(IrtEloError, match="did you mean") as e:
        read_epoch_hub(HUB, benchmarks=["GPQA"])
    _one_line(e)
    t = read_epoch_hub(HUB, benchmarks=["GPQA diamond", "mmlu_external", "Winogrande", "HLE"], versions="all")
    assert set(t.benchmark_names) == {"GPQA diamond", "MMLU", "Winogrande", "HLE"}
    # 'all': every benchmark the baselines table marks usable and the release has a file for (42 in the ECI + extras).
    rules = load_baselines()
    usable = rules[(rules["use"] != "exclude") & rules.index.isin([f.stem for f in Path(HUB).glob("*.csv")])]
    assert read_epoch_hub(HUB, benchmarks="all").n_benchmarks == usable["benchmark"].nunique() > 42


# -- bad inputs ---------------------------------------------------------------------------------------------------


def test_zip_without_benchmark_files_is_a_one_line_error(tmp_path):
    z = tmp_path / "empty.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("benchmark_data/README.md", "licence only")
        f.write(Path(HUB) / "epoch_capabilities_index.csv", "benchmark_data/epoch_capabilities_index.csv")
    with pytest.raises(IrtEloError, match="no per-benchmark CSV") as e:
        read_epoch_hub(z)
    assert str(z) in _one_line(e)


def test_not_a_zip_and_missing_index_are_one_line_errors(tmp_path):
    bad = tmp_path / "benchmark_data.zip"
    bad.write_text("not a zip")
    with pytest.raises(IrtEloError, match="not a zip") as e:
        read_epoch_hub(bad)
    _one_line(e)
    hub = _copy_hub(tmp_path)
    (hub / "epoch_capabilities_index.csv").unlink()
    with pytest.raises(IrtEloError, match="epoch_capabilities_index.csv") as e:
        read_epoch_hub(hub)
    _one_line(e)


def test_unknown_score_column_names_the_file_and_the_table_to_edit(tmp_path):
    hub = _copy_hub(tmp_path)
    f = hub / "mmlu_external.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Model version,EM,", "Model version,Exact match,", 1),
                 encoding="utf-8")
    with pytest.raises(IrtEloError) as e:
        read_epoch_hub(hub)
    msg = _one_line(e)
    assert "mmlu_external.csv" in msg and "'EM'" in msg and "Exact match" in msg and "baselines table" in msg


def test_out_of_scale_score_names_file_line_and_column(tmp_path):
    hub = _copy_hub(tmp_path)
    rules = load_baselines()
    rules.loc["lech_mazur_writing_external", "scale_max"] = 1.0  # pretend the 0-10 grade were a fraction
    with pytest.raises(IrtEloError, match=r"lech_mazur_writing_external.csv: line 2, column 'Mean score'") as e:
        read_epoch_hub(hub, baselines=rules)
    assert "scale_max" in _one_line(e)


def test_benchmark_file_missing_from_the_table_warns_or_errors(tmp_path):
    hub = _copy_hub(tmp_path)
    shutil.copy(hub / "vpct_external.csv", hub / "new_bench_external.csv")
    with pytest.warns(UserWarning, match="new_bench_external.csv"):
        t = read_epoch_hub(hub)
    assert t.n_benchmarks == 42
    with pytest.raises(IrtEloError, match="new_bench_external.csv") as e:
        read_epoch_hub(hub, unknown_files="error")
    _one_line(e)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_epoch_hub(hub, unknown_files="ignore")


def test_damaged_scale_and_difficulty_files_are_one_line_errors(tmp_path):
    hub = _copy_hub(tmp_path)
    scaling = hub / "additional_eci_data" / "eci_scaling.csv"
    scaling.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(IrtEloError, match="no row under the header") as e:
        read_hub_scaling(hub)
    _one_line(e)
    scaling.write_text("a,b\n111.1,twenty\n", encoding="utf-8")
    with pytest.raises(IrtEloError, match=r"eci_scaling.csv: line 2, column 'b': 'twenty' is not a number") as e:
        read_hub_scaling(hub)
    _one_line(e)
    edi = hub / "additional_eci_data" / "eci_benchmark_difficulties_and_slopes.csv"
    edi.write_text(edi.read_text(encoding="utf-8").replace("estimated_slope_scaled", "slope", 1), encoding="utf-8")
    with pytest.raises(IrtEloError, match="missing column.*'estimated_slope_scaled'") as e:
        read_hub_edi(hub)
    _one_line(e)


def test_bad_baselines_table_is_refused(tmp_path):
    bad = tmp_path / "b.csv"
    text = Path(bundled_path("hub_benchmark_baselines.csv")).read_text(encoding="utf-8")
    bad.write_text(text.replace("gpqa_diamond,GPQA diamond,eci,Best score (across scorers),1,0.25,1",
                                "gpqa_diamond,GPQA diamond,eci,Best score (across scorers),1,1.25,1"), encoding="utf-8")
    with pytest.raises(IrtEloError, match="random_baseline < score_ceiling") as e:
        load_baselines(bad)
    _one_line(e)
    bad.write_bytes(text.replace("GPQA diamond", "GPQA diamond \u2013 Epoch", 1).encode("cp1252"))
    with pytest.raises(IrtEloError, match=r"line \d+ is not valid UTF-8") as e:  # not silently mangled
        load_baselines(bad)
    _one_line(e)


# -- model versions and groups --------------------------------------------------------------------------------------


def test_eci_grouping_recovers_epochs_published_groups():
    e = read_hub_eci(HUB, group_by="eci")
    scored = e[e["eci_published"].notna()]
    assert len(scored) == 369  # PROVENANCE: 369 versions with a published ECI
    per_group = scored.groupby("model")["eci_published"].nunique()
    assert len(per_group) == scored["eci_published"].nunique() == 167 and (per_group == 1).all()
    by_name = read_hub_eci(HUB, group_by="model_name")
    raw = pd.read_csv(Path(HUB) / "epoch_capabilities_index.csv", dtype=str, keep_default_na=False)
    raw_names = raw.loc[raw["ECI Score"].str.strip() != "", "Model name"].str.strip().nunique()
    assert by_name.loc[by_name["eci_published"].notna(), "model"].nunique() == raw_names < 167  # coarser


def test_group_score_is_the_best_version_score():
    s = hub_scores(HUB)
    t = read_epoch_hub(HUB, group_by="model_name")
    versions = t.models.loc["GPT-5", "versions"].split("; ")
    assert len(versions) >= 5 and "gpt-5-2025-08-07_high" in versions
    for bench in ("GPQA diamond", "OTIS Mock AIME 2024-2025", "SWE-Bench verified"):
        best = s[(s["benchmark"] == bench) & s["version"].isin(versions)]["score"].max()
        got = t.scores[(t.scores["model"] == "GPT-5") & (t.scores["benchmark"] == bench)]["score"]
        assert got.iloc[0] == pytest.approx(best)
    assert t.models.loc["GPT-5", "eci_published"] == 150.0 and not t.models.loc["GPT-5", "open_weights"]
    assert t.models.loc["GPT-5", "release_date"] == pd.Timestamp("2025-08-07")


def test_versions_without_a_model_name_are_left_out_unless_asked():
    named, every = read_epoch_hub(HUB), read_epoch_hub(HUB, versions="all")
    assert "PaLM 2-L" not in named.model_names and "PaLM 2-L" in every.model_names
    assert every.n_models > named.n_models
    # every published ECI belongs to a named version
    e = load_epoch_hub_eci()
    assert e.loc[e["eci_published"].notna(), "model_name"].notna().all()


# -- the April 2026 ECI -----------------------------------------------------------------------------------------------


def test_hub_fit_reproduces_the_published_april_2026_eci(hub_eci_fit):
    c = compare_eci(hub_eci_fit)
    assert c["in_fit"].all() and len(c) == 167
    anchors = c.set_index("model").loc[["Claude 3.5 Sonnet", "GPT-5"], "eci"]
    assert anchors.tolist() == pytest.approx([130.0, 150.0])
    s = summarize_eci_comparison(c)
    assert s.loc["all", "r"] > 0.999
    assert s.loc["all", "median_abs_diff"] < 0.1
    assert s.loc["frontier", "max_abs_diff"] < 0.5 and s.loc["frontier", "n"] >= 10


def test_frontiermath_without_a_ceiling_matches_the_april_edi(hub_eci_fit):
    """FrontierMath's ceiling stays 1: the April release's published EDI says so (the Aug file uses 0.57)."""
    e = compare_edi(hub_eci_fit)
    fm = ["FrontierMath-2025-02-28-Private", "FrontierMath-Tier-4-2025-07-01-Private"]
    assert e.loc[fm, "diff"].abs().max() < 0.5
    rules = load_baselines()
    rules.loc["frontiermath", "score_ceiling"] = 0.57
    f057 = Fitter.from_preset("eci").fit(load_epoch_hub(group_by="eci", baselines=rules), x0=hub_eci_fit.x_)
    assert abs(compare_edi(f057).loc[fm[0], "diff"]) > 3.0


def test_model_name_grouping_differs_where_epoch_splits_a_name():
    f = Fitter.from_preset("eci").fit(load_epoch_hub(group_by="model_name"))
    c = compare_eci(f)
    split = c[c["fitted_model"] == "GPT-4o"]
    assert len(split) == 3 and split["eci"].nunique() == 1 and split["eci_published"].nunique() == 3
