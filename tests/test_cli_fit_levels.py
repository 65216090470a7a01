"""`irt-elo fit --level item` and `irt-elo fit --bayes` as a user meets them: the same table and the same files as
the aggregate fit, the simulation's capabilities recovered, and one-line errors (exit 2, nothing written) for options
that do not apply."""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from irt_elo.cli import main
from irt_elo.data.simulate import simulate_responses

N_MODELS, N_ITEMS = 40, 60
STEPS = "100"  # SVI steps in these tests: enough to run every stage, few enough to stay fast


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    """A simulated response file, the same responses as a benchmark-score table, and the true capabilities."""
    d = tmp_path_factory.mktemp("sim")
    table, truth = simulate_responses(N_MODELS, N_ITEMS, n_benchmarks=3, random_state=1)
    r = table.responses.copy()
    r["model"], r["item"] = r["model"].astype(str), r["item"].astype(str)
    responses = d / "responses.csv"
    r.to_csv(responses, index=False)
    scores = d / "scores.csv"
    table.to_score_table().scores[["model", "benchmark", "score", "n_items"]].to_csv(scores, index=False)
    return {"responses": responses, "scores": scores, "theta": truth["theta"]}


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_item_fit_writes_the_aggregate_fits_model_columns_and_one_row_per_item(sim, tmp_path, capsys):
    agg_m, agg_b = tmp_path / "agg.csv", tmp_path / "agg_b.csv"
    code, _, _ = run(["fit", sim["scores"], "--se", "-q", "-o", agg_m, "--benchmarks-out", agg_b], capsys)
    assert code == 0
    item_m, item_i = tmp_path / "item.json", tmp_path / "items.csv"
    code, out, err = run(["fit", "--level", "item", sim["responses"], "--se", "-o", item_m, "--benchmarks-out",
                          item_i], capsys)
    assert code == 0 and err == ""
    doc = json.loads(item_m.read_text())
    assert list(doc["models"][0]) == list(pd.read_csv(agg_m).columns) == ["model", "capability", "se", "n_benchmarks"]
    assert len(doc["models"]) == N_MODELS
    meta = doc["meta"]
    assert (meta["fitter"], meta["level"], meta["estimator"], meta["n_items"]) == ("ItemFitter", "item", "mml",
                                                                                     N_ITEMS)
    items = pd.read_csv(item_i)
    assert len(items) == N_ITEMS and items.columns[0] == "item"
    # difficulty, slope, n_models, is_anchor; ItemFitter has no item standard errors, so no difficulty_se/slope_se
    assert list(items.columns[1:5]) == [c for c in pd.read_csv(agg_b).columns[1:] if not c.endswith("_se")][:4]
    # The header says which fitter and estimator ran; the table has the aggregate fit's columns.
    assert "items fit (2PL, mml: marginal ML" in out and f"{N_MODELS} models x {N_ITEMS} items" in out
    assert out.splitlines()[4].split() == ["rank", "model", "capability", "se", "n_benchmarks"]


@pytest.mark.parametrize("estimator", ["mml", "jmap"])
def test_item_fit_recovers_the_simulated_capabilities(sim, tmp_path, capsys, estimator):
    out = tmp_path / "m.csv"
    code, text, _ = run(["fit", "--level", "item", sim["responses"], "--estimator", estimator, "-o", out], capsys)
    assert code == 0 and f"{estimator}: " in text
    fitted = pd.read_csv(out).set_index("model")["capability"]
    r = np.corrcoef(fitted.loc[sim["theta"].index], sim["theta"])[0, 1]
    assert r > 0.90  # measured 0.949 (mml) and 0.949 (jmap) on this 40 x 60 design; 60 items: posterior SD ~0.3


def test_item_level_files_are_byte_identical_on_rerun_and_a_seed_is_refused(sim, tmp_path, capsys):
    # No step of the item fit is random: the same input gives the same bytes, and --seed (which would do nothing)
    # is refused rather than silently ignored.
    paths = [(tmp_path / f"{k}.json", tmp_path / f"{k}.csv") for k in "ab"]
    for models, items in paths:
        assert main(["fit", "--level", "item", str(sim["responses"]), "--se", "-q", "-o", str(models),
                     "--benchmarks-out", str(items)]) == 0
    assert paths[0][0].read_bytes() == paths[1][0].read_bytes()
    assert paths[0][1].read_bytes() == paths[1][1].read_bytes()
    code, _, err = run(["fit", "--level", "item", sim["responses"], "--seed", "7", "-o", tmp_path / "c.csv"], capsys)
    assert code == 2 and "--seed does not apply to --level item" in err and err.count("\n") == 1
    assert not (tmp_path / "c.csv").exists()


def test_item_fit_scale_form_and_preset_options_apply(sim, tmp_path, capsys):
    out = tmp_path / "elo.csv"
    code, text, _ = run(["fit", "--level", "item", sim["responses"], "--form", "1pl", "--scale", "elo", "--anchor",
                         "m00=1500", "-o", out, "--top", "3"], capsys)
    assert code == 0 and "items fit (1PL" in text and "37 more models" in text
    assert pd.read_csv(out).set_index("model").loc["m00", "capability"] == pytest.approx(1500)
    code, text, _ = run(["fit", "--level", "item", sim["responses"], "--preset", "caisi", "-q"], capsys)
    assert code == 0 and text == ""


def test_bayes_svi_on_a_small_score_table_writes_the_aggregate_fits_interval_columns(sim, tmp_path, capsys):
    agg_m, agg_b = tmp_path / "agg.csv", tmp_path / "agg_b.csv"
    code, _, _ = run(["fit", sim["scores"], "--bootstrap", "2", "--se", "-q", "-o", agg_m, "--benchmarks-out", agg_b],
                     capsys)
    assert code == 0
    b_m, b_b = tmp_path / "bayes.json", tmp_path / "bayes_b.csv"
    code, out, err = run(["fit", "--bayes", sim["scores"], "--steps", STEPS, "--se", "--ci-level", "0.8", "-o", b_m,
                          "--benchmarks-out", b_b], capsys)
    assert code == 0 and err == ""
    doc = json.loads(b_m.read_text())
    assert list(doc["models"][0]) == list(pd.read_csv(agg_m).columns)
    assert list(pd.read_csv(b_b).columns) == list(pd.read_csv(agg_b).columns)
    meta = doc["meta"]
    assert (meta["fitter"], meta["estimator"], meta["steps"], meta["interval_level"]) == ("BayesFitter", "svi", 100,
                                                                                         0.8)
    m = pd.DataFrame(doc["models"])
    assert len(m) == N_MODELS and (m["ci_low"] < m["capability"]).all() and (m["capability"] < m["ci_high"]).all()
    assert "bayes fit (2PL, svi: stochastic variational inference" in out and "80% central posterior" in out


def test_bayes_on_item_responses_writes_one_row_per_item(sim, tmp_path, capsys):
    items = tmp_path / "items.csv"
    code, out, _ = run(["fit", "--bayes", "--level", "item", sim["responses"], "--steps", STEPS, "--form", "1pl",
                        "--benchmarks-out", items, "--top", "0"], capsys)
    assert code == 0 and "bernoulli likelihood" in out and f"{N_MODELS} models x {N_ITEMS} items" in out
    assert "more models" not in out
    df = pd.read_csv(items)
    assert len(df) == N_ITEMS and list(df.columns[:4]) == ["item", "difficulty", "difficulty_ci_low",
                                                           "difficulty_ci_high"]


WRONG = [
    (["--level", "item", "{responses}", "--loss", "binomial"], "--loss"),
    (["--level", "item", "{responses}", "--ridge", "0.1"], "--ridge"),
    (["--level", "item", "{responses}", "--bootstrap", "10"], "--bootstrap"),
    (["--level", "item", "{responses}", "--estimator", "svi"], "--estimator svi"),
    (["--level", "item", "{responses}", "--preset", "eci"], "--preset eci"),
    (["--level", "item", "{responses}", "--percent"], "--percent"),
    (["--level", "item", "{responses}", "--steps", "5"], "--steps"),
    (["--level", "item"], "needs DATA"),
    (["--bayes", "{scores}", "--bootstrap", "10"], "--bootstrap"),
    (["--bayes", "{scores}", "--start-seed", "3"], "--start-seed"),
    (["--bayes", "{scores}", "--estimator", "jmap"], "--estimator jmap"),
    (["--bayes", "{scores}", "--estimator", "nuts", "--steps", "5"], "--steps"),
    (["--bayes", "--level", "item", "{responses}", "--preset", "eci"], "--preset"),
    (["{scores}", "--estimator", "mml"], "--estimator mml"),
    (["{scores}", "--steps", "5"], "--steps"),
]


@pytest.mark.parametrize("argv, named", WRONG, ids=[" ".join(a[:1] + a[2:]) for a, _ in WRONG])
def test_options_that_do_not_apply_exit_2_with_one_line_and_write_nothing(sim, tmp_path, capsys, argv, named):
    out = tmp_path / "out.csv"
    argv = [a.format(**sim) for a in argv]
    code, text, err = run(["fit", *argv, "-o", out], capsys)
    assert code == 2 and text == "" and out.exists() is False
    assert err.count("\n") == 1 and err.startswith("irt-elo fit: error: ") and named in err


@pytest.mark.parametrize("content, says", [
    ("model,benchmark,score\na,x,0.5\nb,x,0.7\n", "missing column 'item'"),
    ("model,item,correct\na,q1,1\na,q2,2\nb,q1,0\n", "line 3, column 'correct'"),
])
def test_bad_response_file_names_the_file_and_the_fix(tmp_path, capsys, content, says):
    data, out = tmp_path / "bad.csv", tmp_path / "out.csv"
    data.write_text(content)
    code, text, err = run(["fit", "--level", "item", data, "-o", out], capsys)
    assert code == 2 and text == "" and not out.exists()
    assert err.count("\n") == 1 and "bad.csv" in err and says in err and "model, item, correct" in err


def test_bayes_without_pyro_says_which_extra_to_install(sim, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyro", None)  # `import pyro` now raises ImportError
    out = tmp_path / "out.csv"
    code, _, err = run(["fit", "--bayes", sim["scores"], "-o", out], capsys)
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and "pip install 'irt-elo[bayes]'" in err


def test_progress_bar_goes_to_a_terminals_stderr_unless_quiet(sim, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(["fit", "--level", "item", sim["responses"], "--top", "1"], capsys)
    assert code == 0 and "EM:" in err and "iteration/s" in err and "iteration/s" not in out  # a bar of the EM maps
    code, out, err = run(["fit", "--level", "item", sim["responses"], "-q"], capsys)
    assert code == 0 and out == err == ""
