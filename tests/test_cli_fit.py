"""`irt-elo fit` as a user meets it: ranked output, files, help, and one-line errors with exit status 2."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from irt_elo.cli import main

GOOD = "model,benchmark,score\na,x,0.2\na,y,0.5\nb,x,0.4\nb,y,0.9\nc,x,0.6\nc,y,0.7\n"


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_fit_without_data_prints_ranked_eci_table(capsys):
    code, out, err = run(["fit", "--top", "5"], capsys)
    assert code == 0 and err == ""
    assert "eci fit of epoch_eci_2026-08-11" in out and "Claude 3.5 Sonnet = 130, GPT-5 = 150" in out
    lines = [ln for ln in out.splitlines() if ln[:4].strip().isdigit()]
    assert len(lines) == 5 and lines[0].split()[0] == "1"
    assert "217 more models" in out


def test_fit_own_table_uses_default_preset_and_writes_json(tmp_path, capsys):
    data = tmp_path / "s.csv"
    data.write_text(GOOD)
    out = tmp_path / "out.json"
    code, text, _ = run(["fit", str(data), "-o", str(out)], capsys)
    assert code == 0 and "default fit" in text and "standardised" in text
    import json

    doc = json.loads(out.read_text())
    assert doc["meta"]["preset"] == "default" and len(doc["models"]) == 3
    assert {"model", "capability", "n_benchmarks"} <= set(doc["models"][0])


def test_elo_scale_with_named_anchor(tmp_path, capsys):
    out = tmp_path / "elo.csv"
    code, text, _ = run(["fit", "--scale", "elo", "--anchor", "GPT-5=1500", "--elo-3x", "-q", "-o", str(out)], capsys)
    assert code == 0 and text == ""
    df = pd.read_csv(out).set_index("model")
    assert df.loc["GPT-5", "capability"] == pytest.approx(1500)


def test_same_seed_gives_byte_identical_outputs(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for p in (a, b):
        assert main(["fit", "--seed", "7", "-q", "-o", str(p), "--benchmarks-out", str(p) + ".b.csv"]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a.csv.b.csv").read_bytes() == (tmp_path / "b.csv.b.csv").read_bytes()


def test_help_shows_worked_examples(capsys):
    for argv in (["--help"], ["fit", "--help"], ["plot", "--help"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 0
        assert "example" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("irt-elo ")


BAD_FILES = {
    "empty.csv": ("", "empty"),
    "columns.csv": ("name,benchmark,score\na,x,0.5\n", "missing column 'model'"),
    "text.csv": ("model,benchmark,score\na,x,0.5\nb,x,good\n", "line 3, column 'score'"),
    "nan.csv": ("model,benchmark,score\na,x,0.5\nb,x,nan\n", "line 3, column 'score'"),
    "percent.csv": ("model,benchmark,score\na,x,0.5\nb,x,55\n", "above 1"),
    "negative.csv": ("model,benchmark,score\na,x,-0.5\n", "negative"),
    "date.csv": ("model,benchmark,score,release_date\na,x,0.5,yesterday\n", "line 2, column 'release_date'"),
    "emptycol.csv": ("model,x,y\na,0.2,\nb,0.3,\n", "benchmark column 'y' has no scores"),
    "emptyrow.csv": ("model,x,y\na,0.2,0.4\nb,,\n", "model 'b' has no scores"),
    "split.csv": ("model,benchmark,score\na,x,0.1\nb,x,0.2\nc,y,0.3\nd,y,0.4\n", "disconnected"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_file_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, name):
    text, pattern = BAD_FILES[name]
    data = tmp_path / name
    data.write_text(text)
    out = tmp_path / "out.csv"
    code, stdout, err = run(["fit", str(data), "-o", str(out)], capsys)
    assert code == 2
    assert err.count("\n") == 1 and pattern in err and name in err and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == [data]
    assert data.read_text() == text  # never modify input files


def test_non_utf8_and_directory_and_missing_file(tmp_path, capsys):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("model,benchmark,score\nCaf\xe9,x,0.5\n".encode("latin-1"))
    for argv, pattern in [([str(bad)], "not valid UTF-8"), ([str(tmp_path)], "is a directory"),
                          ([str(tmp_path / "nope.csv")], "no such file")]:
        code, _, err = run(["fit", *argv], capsys)
        assert code == 2 and pattern in err and err.count("\n") == 1


@pytest.mark.parametrize("argv,pattern", [
    (["--scale", "eci", "--anchor", "Claude 3.5 Sonnet=130", "--anchor", "GPT5=150"], "did you mean: 'GPT-5'"),
    (["--scale", "eci", "--anchor", "GPT-5=130", "--anchor", "GPT-5=150"], "same model"),
    (["--scale", "eci", "--anchor", "GPT-5=150"], "two anchors"),
    (["--since", "2024-13-01"], "cannot read '2024-13-01' as a date"),
    (["--anchor-benchmark", "winogrande"], "did you mean: 'Winogrande'"),
    (["--benchmarks", "GPQA"], "unknown benchmark 'GPQA'"),
    (["--points-per-logit", "100", "--scale", "eci"], "only apply to --scale elo"),
    (["--preset", "caisii"], "unknown preset"),
])
def test_bad_options_exit_2_with_one_line(tmp_path, capsys, argv, pattern):
    out = tmp_path / "o.csv"
    code, _, err = run(["fit", *argv, "-o", str(out)], capsys)
    assert code == 2 and pattern in err and err.count("\n") == 1
    assert not out.exists()


def test_output_problems_are_reported_and_inputs_protected(tmp_path, capsys):
    data = tmp_path / "s.csv"
    data.write_text(GOOD)
    code, _, err = run(["fit", str(data), "-o", str(data)], capsys)
    assert code == 2 and "refusing to overwrite an input" in err and data.read_text() == GOOD
    code, _, err = run(["fit", str(data), "-o", str(tmp_path / "missing" / "o.csv")], capsys)
    assert code == 2 and "does not exist" in err
    # A bad second output is found before the first is written: a failing command leaves nothing behind.
    code, _, err = run(["fit", str(data), "-o", str(tmp_path / "o.csv"), "--benchmarks-out",
                        str(tmp_path / "missing" / "b.csv")], capsys)
    assert code == 2 and "does not exist" in err and sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]


def test_jobs_option_has_one_spelling_across_commands_and_keeps_the_old_alias():
    from irt_elo.cli import build_parser

    parser = build_parser()
    for argv in (["fit", "--jobs", "2"], ["fit", "--n-jobs", "2"], ["gap", "--jobs", "2"], ["compare", "--jobs", "2"],
                 ["diagnose", "--jobs", "2"]):
        assert parser.parse_args(argv).jobs == 2


def test_console_script_reports_errors_without_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("model,benchmark,score\na,x,1.5\n")
    r = subprocess.run([sys.executable, "-m", "irt_elo", "fit", str(bad)], capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip().startswith("irt-elo fit: error:") and "Traceback" not in r.stderr


def test_plot_capabilities_writes_a_figure(tmp_path):
    import matplotlib.image as mpimg

    out = tmp_path / "cap.png"
    assert main(["plot", "capabilities", "-o", str(out)]) == 0
    img = mpimg.imread(out)
    assert img.shape[0] > 400 and img.shape[1] > 600 and img.std() > 0.05
