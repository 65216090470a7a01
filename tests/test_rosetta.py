"""The Rosetta Stone paper's data read with the paper's pipeline."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from irt_elo import IrtEloError, read_table
from irt_elo.data.bundled import bundled_path
from irt_elo.data.datasets import load_rosetta
from irt_elo.data.readers.rosetta import PAPER_BENCHMARKS, read_rosetta, rosetta_scores

ROOT = bundled_path("epoch_benchmark_stitching_2025-11")


@pytest.fixture(scope="module")
def rosetta():
    return load_rosetta()


def test_paper_pipeline_gives_the_papers_counts(rosetta):
    # The paper's notebook (sigmoid_vs_linear_fit.ipynb): "Number of rows after aggregation: 1324" and 253 fitted
    # parameters = models + (benchmarks - 1) difficulties + (benchmarks - 1) slopes.
    assert rosetta.n_obs == 1324
    assert rosetta.n_models + 2 * (rosetta.n_benchmarks - 1) == 253
    assert rosetta.benchmarks_per_model().min() >= 4
    assert rosetta.models["release_date"].min() >= pd.Timestamp("2022-11-01")
    assert len(PAPER_BENCHMARKS) == 40


def test_scores_are_fractions_without_random_baseline_subtraction(rosetta):
    s = rosetta.scores.set_index(["model", "benchmark"])["score"]
    assert s.between(0, 1).all()
    runs = pd.read_csv(ROOT / "benchmarks_runs.csv", encoding="utf-8-sig")
    gpqa = runs[runs["task"] == "GPQA diamond"].groupby("model")["Best score (across scorers)"].max()
    common = [m for m in gpqa.index if (m, "GPQA diamond") in s.index]
    assert len(common) > 50
    # Raw Epoch scores, max over repeated runs, no (x - 0.25) / 0.75.
    assert np.allclose([s[(m, "GPQA diamond")] for m in common], gpqa[common].to_numpy())


def test_percent_strings_and_other_scales_become_fractions():
    s = rosetta_scores(ROOT)
    mmlu = pd.read_csv(ROOT / "external_benchmark_mmlu.csv", dtype=str, encoding="utf-8-sig")
    first = s[(s["file"] == "external_benchmark_mmlu.csv") & (s["line"] == 2)]
    assert mmlu["EM"].iloc[0].endswith("%")
    assert first["score"].iloc[0] == pytest.approx(float(mmlu["EM"].iloc[0].rstrip("%")) / 100)
    lm = s[s["benchmark"] == "Lech Mazur Writing"].set_index("model")["score"]
    assert lm["o3-2025-04-16_medium"] == pytest.approx(0.839)  # "8.39" on a 0-10 scale
    aider = s[s["benchmark"] == "Aider polyglot"]["score"]
    assert aider.max() <= 1 and aider.max() == pytest.approx(0.88)  # "88.000" percent


def test_rows_without_source_are_dropped_as_in_the_paper():
    with_src, without = rosetta_scores(ROOT), rosetta_scores(ROOT, require_source=False)
    assert len(without) > len(with_src)
    assert with_src.loc[with_src["source"].isna(), "benchmark"].isin(["Balrog"]).all()


def test_filters_are_options(rosetta):
    loose = read_rosetta(ROOT, min_benchmarks=1, since=None)
    assert loose.n_obs > rosetta.n_obs and loose.n_models > rosetta.n_models
    sub = read_rosetta(ROOT, benchmarks=["GPQA diamond", "MMLU", "Winogrande", "MATH level 5"], min_benchmarks=2)
    assert set(sub.benchmark_names) <= {"GPQA diamond", "MMLU", "Winogrande", "MATH level 5"}
    with pytest.raises(IrtEloError, match="did you mean"):
        read_rosetta(ROOT, benchmarks=["GPQA"])


def test_metadata_comes_from_model_versions_and_the_site_index(rosetta):
    m = rosetta.models
    raw = pd.read_csv(ROOT / "model_versions.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    family = raw.assign(id=raw["id"].str.strip()).set_index("id")["Model"].str.strip().reindex(m.index)
    # Versions without a family in model_versions.csv stay NA.
    assert m["family"].isna().tolist() == family.eq("").tolist()
    assert (m["family"].dropna() == family[family.ne("")]).all()
    site = pd.read_csv(ROOT / "website_2025-11-07/epoch_capabilities_index.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")
    site = site.assign(v=site["Model version"].str.strip()).drop_duplicates("v").set_index("v").reindex(m.index)
    label = site["Model accessibility"].fillna("").str.strip()
    # Accessibility where Epoch's 2025-11-07 site lists the version: 'Open weights (...)' is open, any other label
    # (API access, Unreleased, Hosted access) closed, no label unknown.
    expected = label.str.startswith("Open weights").where(label.ne(""))
    assert m["open_weights"].isna().tolist() == expected.isna().tolist()
    assert (m["open_weights"].dropna() == expected.dropna().astype(bool)).all()
    eci = pd.to_numeric(site["ECI Score"].fillna("").str.strip().replace("", np.nan))
    pd.testing.assert_series_equal(m["eci_published"], eci, check_names=False)


def test_read_table_recognises_the_folder_and_bad_folders_fail_in_one_line(tmp_path):
    assert read_table(ROOT).n_obs == 1324
    bad = tmp_path / "data"
    shutil.copytree(ROOT, bad)
    f = bad / "external_benchmark_mmlu.csv"
    f.write_text(f.read_text(encoding="utf-8-sig").replace("77.0%", "seventy%", 1), encoding="utf-8")
    with pytest.raises(IrtEloError, match=r"external_benchmark_mmlu.csv: line 2, column 'EM'") as e:
        read_rosetta(bad)
    assert "\n" not in str(e.value)
    with pytest.raises(IrtEloError, match="not a folder"):
        read_rosetta(ROOT / "model_versions.csv")


def test_errors_name_the_physical_line_after_cells_that_span_lines(tmp_path):
    bad = tmp_path / "data"
    shutil.copytree(ROOT, bad)
    f = bad / "external_benchmark_os_world.csv"
    text = f.read_text(encoding="utf-8-sig")
    row = "gpt-4-1106-vision-preview,7.690,"
    line = next(i for i, ln in enumerate(text.split("\n"), 1) if row in ln)
    assert text.count(row) == 1 and text.split("\n")[:line].count("") > 0  # blank lines inside quoted notes above
    f.write_text(text.replace(row, "gpt-4-1106-vision-preview,seven,"), encoding="utf-8")
    with pytest.raises(IrtEloError, match=rf"external_benchmark_os_world.csv: line {line}, column 'Score'"):
        read_rosetta(bad)
