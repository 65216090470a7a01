"""`irt-elo score`, `predict` and `next` as a user meets them: reports, output files, one-line errors with exit
status 2 and nothing written."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from irt_elo.cli import main
from irt_elo.datasets import load_epoch_eci
from release_fixture import N_DRAWS, build_release

FAST = ["--bootstrap", "20"]


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def scores():
    return load_epoch_eci().scores


@pytest.fixture()
def new_csv(tmp_path, scores):
    """A real model's scores under a new name, dated and marked open-weights."""
    k3 = scores[scores["model"] == "Kimi K3"][["benchmark", "score"]].head(6)
    df = k3.assign(model="My Model", release_date="2026-11-20", open_weights="true")
    path = tmp_path / "new.csv"
    df[["model", "benchmark", "score", "release_date", "open_weights"]].to_csv(path, index=False)
    return path


def write(tmp_path, text, name="bad.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_score_prints_the_model_with_its_interval_and_months_and_writes_json(new_csv, tmp_path, capsys):
    out = tmp_path / "placed.json"
    code, text, err = run(["score", str(new_csv), *FAST, "--seed", "3", "-o", str(out)], capsys)
    assert code == 0 and err == ""
    assert "My Model" in text and "months behind closed" in text and "bootstrap of this fit (20 draws)" in text
    doc = json.loads(out.read_text())
    row = doc["models"][0]
    assert row["model"] == "My Model" and row["n_benchmarks"] == 6 and row["status"] == "ok"
    assert row["ci_low"] < row["capability"] < row["ci_high"] and row["months_behind"] >= 0
    assert doc["meta"]["parameter_draws"] == 20 and doc["meta"]["seed"] == 3
    again = tmp_path / "again.json"
    run(["score", str(new_csv), *FAST, "--seed", "3", "-o", str(again), "-q"], capsys)
    assert again.read_bytes() == out.read_bytes()  # same seed, same file


@pytest.mark.parametrize("text, message", [
    ("model,benchmark,score\nX,Foo,0.5\nX,Bar,0.3\n", "none of its benchmarks is in the fit (Foo, Bar)"),
    ("model,benchmark,score\nX,HLE,0.5\nX,HLE,0.3\n", "line 3: ('X', 'HLE') appears more than once (first on line 2)"),
    ("model,benchmark,score\nX,HLE,1.5\n", "line 2, column 'score': score 1.5 is above 1"),
    ("model,benchmark,score\nX,HLE,-0.2\n", "negative score -0.2"),
    ("model,benchmark,score\nGPT-5,HLE,0.3\n", "model 'GPT-5' is already in the fit"),
])
def test_bad_new_model_files_give_one_line_exit_2_and_write_nothing(tmp_path, capsys, text, message):
    bad, out = write(tmp_path, text), tmp_path / "out.csv"
    code, stdout, err = run(["score", str(bad), *FAST, "-o", str(out)], capsys)
    assert code == 2 and stdout == ""
    assert err.count("\n") == 1 and err.startswith("irt-elo score: error: ") and message in err
    assert not out.exists()


def test_replace_rescores_a_model_that_is_in_the_fit(tmp_path, capsys, scores):
    gpt5 = scores[scores["model"] == "GPT-5"][["model", "benchmark", "score"]]
    path = tmp_path / "gpt5.csv"
    gpt5.to_csv(path, index=False)
    out = tmp_path / "gpt5.json"
    code, _, err = run(["score", str(path), *FAST, "--replace", "-o", str(out), "-q"], capsys)
    assert code == 0 and err == ""
    assert json.loads(out.read_text())["models"][0]["capability"] == pytest.approx(150.0, abs=1e-3)


def test_score_against_an_epoch_release_uses_epochs_own_draws(tmp_path, capsys, new_csv):
    release = build_release(tmp_path / "rel", as_zip=True)
    out = tmp_path / "r.json"
    code, _text, err = run(["score", str(new_csv), "--against", str(release), "-o", str(out)], capsys)
    assert code == 0 and err == ""
    meta = json.loads(out.read_text())["meta"]
    assert meta["parameter_draws"] == N_DRAWS and "eci_bootstraps.json" in meta["parameter_draws_from"]
    assert meta["preset"] == "eci"


def test_score_against_your_own_table_uses_the_default_preset(tmp_path, capsys, scores):
    ref = tmp_path / "ref.csv"
    keep = scores["model"].isin(scores["model"].value_counts().index[:40])
    scores.loc[keep, ["model", "benchmark", "score"]].to_csv(ref, index=False)
    first = scores.loc[keep, "model"].iloc[0]
    new = write(tmp_path, "model,benchmark,score\n" + "".join(
        f"Fresh,{b},{s}\n" for b, s in scores.loc[scores["model"] == first, ["benchmark", "score"]].head(5).values),
        "fresh.csv")
    out = tmp_path / "o.json"
    code, _, err = run(["score", str(new), "--against", str(ref), *FAST, "-o", str(out), "-q"], capsys)
    assert code == 0 and err == ""
    meta = json.loads(out.read_text())["meta"]
    assert meta["preset"] == "default" and meta["scale"] == "logit"


def test_score_against_an_unknown_vintage_says_what_exists(new_csv, capsys):
    code, _, err = run(["score", str(new_csv), "--against", "1999-01-01", *FAST], capsys)
    assert code == 2 and "--against 1999-01-01: no such file" in err and err.count("\n") == 1


def test_score_needs_parameter_draws(new_csv, capsys):
    code, _, err = run(["score", str(new_csv), "--bootstrap", "0"], capsys)
    assert code == 2 and "--bootstrap 0" in err


def test_predict_a_fitted_model_on_named_benchmarks_shows_observed_beside_predicted(tmp_path, capsys):
    out = tmp_path / "p.csv"
    code, text, err = run(["predict", "--model", "DeepSeek-V4-Pro", "--benchmark", "HLE", "--benchmark",
                           "OSWorld", *FAST, "-o", str(out)], capsys)
    assert code == 0 and err == ""
    df = pd.read_csv(out)
    assert df["benchmark"].tolist() == ["HLE", "OSWorld"]
    assert ((df["pi_low"] <= df["predicted"]) & (df["predicted"] <= df["pi_high"])).all()
    assert "DeepSeek-V4-Pro on the frozen eci fit" in text and "90% interval %" in text


def test_predict_a_new_model_places_it_first(new_csv, capsys):
    code, text, err = run(["predict", str(new_csv), *FAST, "--top", "0"], capsys)
    assert code == 0 and err == ""
    assert "placed on the frozen fit from 6 benchmarks" in text
    assert text.count("\n") > 57  # one line per benchmark of the fit


@pytest.mark.parametrize("argv, message", [
    (["predict", "--model", "DeepSeek-V4-Pro", "--benchmark", "HLX"], "--benchmark 'HLX' is not in the fit"),
    (["predict"], "name a model of the fit with --model"),
    (["next", "--model", "GPT-5.6 Sl"], "did you mean"),
])
def test_predict_and_next_refuse_unknown_names_in_one_line(capsys, argv, message):
    code, _, err = run([*argv, *FAST], capsys)
    assert code == 2 and message in err and err.count("\n") == 1


def test_a_file_of_several_models_needs_model(tmp_path, capsys):
    two = write(tmp_path, "model,benchmark,score\nA,HLE,0.2\nB,HLE,0.3\n")
    code, _, err = run(["next", str(two), *FAST], capsys)
    assert code == 2 and "holds 2 models; name one with --model" in err


def test_next_ranks_unrun_benchmarks_and_says_how_many_reach_a_target(tmp_path, capsys):
    out = tmp_path / "next.json"
    code, text, err = run(["next", "--model", "DeepSeek-V4-Pro", "--target-width", "2.5", *FAST, "-o", str(out)],
                          capsys)
    assert code == 0 and err == ""
    doc = json.loads(out.read_text())
    ran = set(load_epoch_eci().scores.query("model == 'DeepSeek-V4-Pro'")["benchmark"])
    assert not {r["benchmark"] for r in doc["ranking"]} & ran
    assert doc["meta"]["path"][0]["benchmark"] == doc["ranking"][0]["benchmark"]
    assert "target width 2.5" in text


def test_diagnose_reports_the_coverage_of_predictive_intervals(capsys, tmp_path):
    out = tmp_path / "d.json"
    code, text, _ = run(["diagnose", "--cv", "3", "--bootstrap", "10", "--top", "2", "-o", str(out)], capsys)
    assert code == 0 and "predictive intervals (90%, `irt-elo predict`) on the same 3 folds" in text
    pc = json.loads(out.read_text())["predictive_check"]
    assert pc["n_folds"] == 3 and pc["n_boot"] == 10 and 0 < pc["coverage"] <= 1


def test_epochs_draws_stand_only_for_epochs_own_fit(tmp_path, capsys, new_csv):
    release = build_release(tmp_path / "rel", as_zip=True)
    out = tmp_path / "c.json"
    code, _, err = run(["score", str(new_csv), "--against", str(release), "--preset", "caisi", *FAST, "-o", str(out),
                        "-q"], capsys)
    assert code == 0 and err == ""
    meta = json.loads(out.read_text())["meta"]
    assert meta["scale"] == "elo" and meta["parameter_draws_from"].startswith("bootstrap of this fit")


def test_a_predictive_interval_does_not_depend_on_the_other_cells_asked_for(tmp_path, capsys):
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    base = ["predict", "--model", "DeepSeek-V4-Pro", *FAST, "-q"]
    run([*base, "--benchmark", "HLE", "-o", str(one)], capsys)
    run([*base, "--benchmark", "MMLU", "--benchmark", "HLE", "-o", str(two)], capsys)
    a = pd.read_csv(one).set_index("benchmark").loc["HLE"]
    b = pd.read_csv(two).set_index("benchmark").loc["HLE"]
    assert (a[["pi_low", "pi_high"]] == b[["pi_low", "pi_high"]]).all()


def test_the_benchmark_subset_option_is_not_offered_where_the_fit_is_frozen(new_csv, capsys):
    with pytest.raises(SystemExit):
        main(["score", str(new_csv), "--benchmarks", "HLE"])
    assert "unrecognized arguments: --benchmarks" in capsys.readouterr().err
