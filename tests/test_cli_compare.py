"""`irt-elo compare` and `irt-elo plot compare|subsets`: outputs, figures, and one-line errors on bad input."""
from __future__ import annotations

import json

import numpy as np
import pytest

from irt_elo.analysis.compare import GAP_KEYS
from irt_elo.cli import main


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_compare_prints_both_presets_and_the_decomposition_and_writes_json(tmp_path, capsys):
    out, steps = tmp_path / "compare.json", tmp_path / "steps.csv"
    code, text, err = _run(capsys, "compare", "--bootstrap", "0", "-o", str(out), "--decomposition-out", str(steps))
    assert code == 0, err
    assert "eci" in text and "caisi" in text and "Decomposition" in text
    d = json.loads(out.read_text())
    assert [p["preset"] for p in d["presets"]] == ["eci", "caisi"]
    for p in d["presets"]:
        assert set(GAP_KEYS) <= set(p) and set(GAP_KEYS) <= set(p["questions"]["caisi"])
    on = [s for s in d["decomposition"]["steps"] if s["on_path"]]
    assert on[0]["gap_months"] == pytest.approx(d["presets"][0]["questions"]["epoch"]["gap_months"])
    assert on[-1]["gap_months"] == pytest.approx(d["presets"][1]["gap_months"])
    assert steps.read_text().startswith("step_no,step,")


def test_compare_on_caisis_table_option_prints_elo_against_caisis(capsys):
    code, text, err = _run(capsys, "compare", "--bootstrap", "0", "--no-decomposition", "--caisi-table",
                           "--preset", "caisi")
    assert code == 0, err
    assert "CAISI's published table" in text and "1260" in text


@pytest.mark.parametrize("argv, message", [
    (["compare", "--preset", "nope"], "unknown preset 'nope'"),
    (["compare", "--model", "DeepSeek V9"], "unknown model 'DeepSeek V9'"),
    (["compare", "--subsets", "2", "--k", "500"], "--k 500 is larger than the number of benchmarks"),
    (["plot", "subsets", "--subsets", "2", "--k", "500"], "--k 500 is larger than the number of benchmarks"),
    (["plot", "compare", "--model", "Nobody"], "unknown model 'Nobody'"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, argv, message):
    out = tmp_path / ("fig.png" if argv[0] == "plot" else "out.json")
    code, text, err = _run(capsys, *argv, "-o", str(out))
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_plot_compare_writes_a_waterfall_png(tmp_path, capsys):
    import matplotlib.image as mpimg

    out = tmp_path / "waterfall.png"
    code, text, err = _run(capsys, "plot", "compare", "--bootstrap", "0", "-o", str(out))
    assert code == 0, err
    img = mpimg.imread(out)
    assert img.shape[0] > 400 and img.shape[1] > 800
    assert float(np.std(img[..., :3])) > 0.05  # not a blank canvas


def test_plot_subsets_writes_an_svg_with_two_panels(tmp_path, capsys):
    out = tmp_path / "subsets.svg"
    code, text, err = _run(capsys, "plot", "subsets", "--subsets", "3", "--k", "9", "--seed", "2", "-o", str(out))
    assert code == 0, err
    svg = out.read_text()
    assert svg.lstrip().startswith("<?xml") and svg.count('id="axes_') == 2
    assert "patch" in svg and "caisi preset" in svg
