"""The Rosetta Stone paper's data read with the paper's pipeline."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from irt_elo import IrtEloError, read_table
from irt_elo.datasets import bundled_path, load_rosetta
from irt_elo.readers.rosetta import PAPER_BENCHMARKS, read_rosetta, rosetta_scores

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
    assert m["family"].notna().sum() > 150  # versions without a family in model_versions.csv stay NA
    assert m["open_weights"].notna().sum() > 100  # accessibility where Epoch's 2025-11-07 site lists the version
    assert m["eci_published"].notna().sum() > 50


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
