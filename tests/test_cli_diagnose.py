"""`irt-elo diagnose` as a user meets it: the report, the JSON file, and one-line errors with exit status 2."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from irt_elo.cli import main
from irt_elo.data.bundled import bundled_path


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def small_csv(tmp_path):
    """A simulated long table (2PL truth) small enough for a quick cross-validation."""
    rng = np.random.default_rng(0)
    theta, delta = rng.normal(0, 1, 30), np.linspace(-1, 1, 6)
    rows = [(f"m{m}", f"b{b}", rng.binomial(100, expit(theta[m] - delta[b])) / 100)
            for m in range(30) for b in range(6) if rng.random() < 0.8 or b < 3]
    path = tmp_path / "scores.csv"
    pd.DataFrame(rows, columns=["model", "benchmark", "score"]).to_csv(path, index=False)
    return path


def test_diagnose_bundled_data_prints_worst_lists_and_writes_json(tmp_path, capsys):
    out = tmp_path / "d.json"
    code, text, err = run(["diagnose", "--cv", "0", "--top", "4", "-o", str(out)], capsys)
    assert code == 0 and err == ""
    assert "worst-fitting benchmarks" in text and "worst-fitting models" in text and "warnings" in text
    doc = json.loads(out.read_text())
    assert set(doc) == {"meta", "overall", "worst_benchmarks", "worst_models", "benchmarks", "models", "warnings",
                        "cv", "predictive_check"}
    assert doc["cv"] is None and doc["predictive_check"] is None
    assert doc["meta"]["preset"] == "eci" and doc["meta"]["cv_folds"] == 0
    assert len(doc["worst_benchmarks"]) == 4 and len(doc["benchmarks"]) == 57 and len(doc["models"]) == 222
    first = doc["worst_benchmarks"][0]
    assert {"benchmark", "n", "rmse", "mean_residual", "infit", "outfit"} <= set(first)
    assert first["benchmark"] in text
    assert all(np.isfinite(b["infit"]) for b in doc["benchmarks"])
    assert {w["kind"] for w in doc["warnings"]} <= {"few_benchmarks", "saturated", "misfit"}


def test_diagnose_prints_the_cross_validation_table(small_csv, tmp_path, capsys):
    out = tmp_path / "cv.json"
    code, text, _ = run(["diagnose", str(small_csv), "--cv", "2", "--seed", "3", "-o", str(out)], capsys)
    assert code == 0
    assert "2-fold cross-validation" in text and "clipped-linear" in text and "1PL sigmoid" in text
    doc = json.loads(out.read_text())
    assert [r["candidate"] for r in doc["cv"]] == [
        "2PL sigmoid, least squares", "2PL clipped-linear, least squares", "1PL sigmoid, least squares",
        "2PL sigmoid, binomial (n=1)"]
    assert all(0 < r["cv_r2"] <= 1 for r in doc["cv"]) and doc["meta"]["cv_seed"] == 3
    # same seed, same file
    out2 = tmp_path / "cv2.json"
    run(["diagnose", str(small_csv), "--cv", "2", "--seed", "3", "-o", str(out2), "-q"], capsys)
    assert out.read_bytes() == out2.read_bytes()


def test_diagnose_reads_a_hub_zip(tmp_path, capsys):
    z = tmp_path / "benchmark_data.zip"
    hub = bundled_path("epoch_hub_2026-04")
    with zipfile.ZipFile(z, "w") as f:
        for p in sorted(hub.rglob("*.csv")):
            f.write(p, p.relative_to(hub).as_posix())
    code, text, _ = run(["diagnose", str(z), "--preset", "eci", "--cv", "0", "--top", "3"], capsys)
    assert code == 0 and "42 benchmarks" in text


@pytest.mark.parametrize("argv, message", [
    (["diagnose", "/no/such/file.csv"], "no such file"),
    (["diagnose", "--cv", "1"], "--cv 1"),
    (["diagnose", "--cv", "0", "-o", "out.csv"], "ending in .json"),
    (["diagnose", "--cv", "0", "--preset", "nope"], "unknown preset"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.startswith("irt-elo diagnose: error:") and message in err and err.count("\n") == 1
    assert not (tmp_path / "out.csv").exists()


def test_zip_without_benchmark_files_exits_2(tmp_path, capsys):
    z = tmp_path / "empty.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.write(bundled_path("epoch_hub_2026-04/epoch_capabilities_index.csv"), "epoch_capabilities_index.csv")
        f.writestr("notes.csv", "a,b\n1,2\n")
    code, _, err = run(["diagnose", str(z), "--cv", "0"], capsys)
    assert code == 2 and "no per-benchmark CSV" in err and err.count("\n") == 1


def test_help_shows_a_worked_example(capsys):
    with pytest.raises(SystemExit) as e:
        main(["diagnose", "--help"])
    assert e.value.code == 0
    assert "irt-elo diagnose benchmark_data.zip" in capsys.readouterr().out
