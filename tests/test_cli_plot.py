"""`irt-elo plot KIND`: every registered kind writes a real figure; diagnostics figures show what was asked."""
from __future__ import annotations

import matplotlib.image as mpimg
import pytest

from irt_elo.cli import COMMANDS, main
from irt_elo.cli.plot import KINDS


@pytest.mark.parametrize("argv", [[c] for c in COMMANDS] + [["plot", k] for k in sorted(KINDS)])
def test_every_command_and_plot_kind_shows_a_worked_example_in_its_help(capsys, argv):
    with pytest.raises(SystemExit) as e:
        main([*argv, "--help"])
    assert e.value.code == 0
    text = capsys.readouterr().out
    assert "example" in text and f"irt-elo {' '.join(argv)}" in text.split("example", 1)[1]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_plot_kind_writes_a_non_empty_png(tmp_path, kind):
    out = tmp_path / f"{kind}.png"
    extra = {"compare": ["--bootstrap", "20"], "subsets": ["--subsets", "6"]}.get(kind, [])
    assert main(["plot", kind, *extra, "-o", str(out)]) == 0
    img = mpimg.imread(out)
    assert img.shape[0] >= 300 and img.shape[1] >= 400
    assert img[..., :3].std() > 0.02  # not a blank canvas
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary files left behind


def test_item_curves_draw_one_curve_per_requested_benchmark(eci_fit):
    from irt_elo.plots import plot_information, plot_item_curves

    names = ["GPQA diamond", "SWE-Bench verified", "ARC-AGI-2"]
    ax = plot_item_curves(eci_fit, names).axes[0]
    assert len(ax.get_lines()) == len(names)
    assert all(n in t.get_text() for n, t in zip(names, ax.get_legend().get_texts()))
    fig = plot_information(eci_fit, names)
    labelled = [ln.get_label() for a in fig.axes for ln in a.get_lines() if not ln.get_label().startswith("_")]
    assert labelled == names + ["total (all benchmarks)"]  # one curve per benchmark, plus the total


def test_unknown_benchmark_in_plot_options_is_a_one_line_error(tmp_path, capsys):
    out = tmp_path / "x.png"
    assert main(["plot", "items", "--show", "GPQA", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "did you mean: 'GPQA diamond'" in err and err.count("\n") == 1 and not out.exists()


def test_figure_suffix_must_be_an_image_type(tmp_path, capsys):
    assert main(["plot", "capabilities", "-o", str(tmp_path / "fig.txt")]) == 2
    assert "unsupported figure type" in capsys.readouterr().err
