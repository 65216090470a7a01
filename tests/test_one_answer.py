"""One answer per question: `irt-elo gap` and `irt-elo compare` print the same months and points for the same
question on the same data, and the decomposition shows what the paired test alone would change."""
from __future__ import annotations

import json

import pytest

from irt_elo.cli import main

GAP_KEYS = ("gap_months", "gap_months_low", "gap_months_high", "gap_points", "gap_points_low", "gap_points_high")
DRAWS = "12"


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare") / "compare.json"
    assert main(["compare", "--bootstrap", DRAWS, "--seed", "5", "-q", "-o", str(out)]) == 0
    return json.loads(out.read_text())


def gap_json(tmp_path, *argv: str) -> dict:
    out = tmp_path / "gap.json"
    assert main(["gap", *argv, "--seed", "5", "-q", "-o", str(out)]) == 0
    return json.loads(out.read_text())


def preset_answer(compared: dict, preset: str, question: str) -> dict:
    return next(p for p in compared["presets"] if p["preset"] == preset)["questions"][question]


@pytest.mark.parametrize("preset, question, argv", [
    ("eci", "epoch", []),
    ("eci", "caisi", ["--model", "DeepSeek-V4-Pro"]),
    ("caisi", "epoch", []),
    ("caisi", "caisi", ["--model", "DeepSeek-V4-Pro"]),
])
def test_gap_and_compare_agree_on_each_question_for_the_same_fit(compared, tmp_path, preset, question, argv):
    g = gap_json(tmp_path, "--preset", preset, "--bootstrap", DRAWS, *argv)
    c = preset_answer(compared, preset, question)
    assert {k: g[k] for k in GAP_KEYS} == {k: c[k] for k in GAP_KEYS}
    assert g["criterion"] == c["criterion"] and g["scale"] == c["scale"]


@pytest.mark.parametrize("question, argv", [
    ("epoch", []),
    ("caisi", ["--model", "DeepSeek-V4-Pro"]),
])
def test_compare_on_the_bundled_data_reports_what_gap_says_without_options(compared, tmp_path, question, argv):
    g = gap_json(tmp_path, *argv)
    c = compared["published_scores"][question]
    assert {k: g[k] for k in GAP_KEYS} == {k: c[k] for k in GAP_KEYS}


def test_decomposition_shows_the_effect_of_the_paired_test(compared):
    steps = compared["decomposition"]["steps"]
    first, paired = steps[0], steps[1]
    assert first["step"] == "ECI, Epoch's question" and paired["step"] == "test: paired bootstrap draws"
    assert paired["on_path"] is False and paired["question"] == "epoch"
    assert paired["delta_months"] == pytest.approx(paired["gap_months"] - first["gap_months"])
    # The paired test finds the leader significantly better sooner: a longer gap than independent sigmas.
    assert paired["gap_months"] > first["gap_months"]
    # The on-path effects still add up to the change between the two headlines.
    on = [s for s in steps if s["on_path"]]
    total = on[-1]["gap_months"] - on[0]["gap_months"]
    assert sum(s["delta_months"] for s in on[1:]) == pytest.approx(total)


def test_gap_with_paired_draws_matches_the_decompositions_paired_step(compared, tmp_path):
    g = gap_json(tmp_path, "--preset", "eci", "--bootstrap", DRAWS, "--uncertainty", "draws")
    paired = compared["decomposition"]["steps"][1]
    assert g["gap_months"] == pytest.approx(paired["gap_months"], abs=0, rel=1e-12)
