"""``irt-elo gap`` and ``irt-elo plot gap|trend``: outputs, figures, and one-line errors with nothing written."""
from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from irt_elo.analysis.capabilities import Capabilities
from irt_elo.analysis.gap import gap
from irt_elo.cli import main
from irt_elo.data.bundled import bundled_path

GAP_KEYS = ("gap_months", "gap_months_low", "gap_months_high", "gap_points", "gap_points_low", "gap_points_high",
            "method", "window", "criterion", "data", "series")


def _png_size(path):
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_gap_default_writes_json_matching_the_api(tmp_path, capsys):
    out = tmp_path / "gap.json"
    assert main(["gap", "--draws", "50", "-o", str(out)]) == 0
    d = json.loads(out.read_text())
    for k in GAP_KEYS:
        assert k in d
    api = gap(Capabilities.from_scores(bundled_path("epoch_eci_2026-08-11/eci_scores.csv")), n_draws=50)
    assert d["gap_months"] == pytest.approx(api.gap_months) and d["gap_points_high"] == pytest.approx(
        api.gap_points_high)
    assert d["method"] == "epoch-2026" and d["data"] == "epoch_eci_2026-08-11"
    text = capsys.readouterr().out
    assert "horizontal gap" in text and "published: Epoch AI data insight, 29 May 2026" in text


def test_gap_epoch_2025_on_dec_2025_vintage_and_series_csv(tmp_path):
    out, ser = tmp_path / "g.json", tmp_path / "series.csv"
    rc = main(["gap", "--vintage", "2025-12-19", "--method", "epoch-2025", "--criterion", "point", "--draws", "30",
               "-o", str(out), "--series-out", str(ser), "-q"])
    assert rc == 0
    d = json.loads(out.read_text())
    assert d["criterion"] == "point" and d["window"] == ["2023-01-01", "2025-10-30"] and len(d["levels"]) == 100
    s = pd.read_csv(ser)
    assert {"date", "gap_points", "lead_model", "trail_model"} <= set(s.columns) and len(s) == len(d["series"])


def test_gap_model_lag_for_deepseek_v4_pro(tmp_path, capsys):
    out = tmp_path / "lag.json"
    assert main(["gap", "--model", "DeepSeek-V4-Pro", "--draws", "30", "-o", str(out)]) == 0
    d = json.loads(out.read_text())
    assert d["method"] == "model-lag" and d["model"] == "DeepSeek-V4-Pro" and d["criterion"] == "point"
    assert d["details"]["first_better"] == "GPT-5"
    assert "DeepSeek-V4-Pro" in capsys.readouterr().out


def test_gap_reads_a_generic_capability_table(tmp_path):
    p = tmp_path / "caps.csv"
    p.write_text("model,capability,ci_low,ci_high,release_date,group\n"
                 "A,10,9,11,2024-01-01,closed\nB,8,7,9,2024-02-01,open\nC,12,11,13,2024-03-01,closed\n"
                 "D,11,10,12,2024-05-01,open\n", encoding="utf-8")
    out = tmp_path / "g.json"
    assert main(["gap", str(p), "--from", "2024-02-01", "--to", "2024-06-30", "--draws", "20", "-o", str(out),
                 "-q"]) == 0
    d = json.loads(out.read_text())
    assert d["data"] == "caps" and d["window"] == ["2024-02-01", "2024-06-30"]


@pytest.mark.parametrize("argv,message", [
    (["gap", "--model", "DeepSeek-V5"], "did you mean"),
    (["gap", "--from", "2026-13-01"], "cannot read '2026-13-01' as a date"),
    (["gap", "--from", "2026-05-01", "--to", "2026-01-01"], "is after --to"),
    (["gap", "--lead", "Atlantis"], "no model in group 'Atlantis'"),
    (["gap", "--from", "2031-01-01", "--to", "2031-02-01"], "inside the data"),
    (["gap", "--from", "2027-01-01"], "default window ends; give an end date too (--to)"),
    (["gap", "--model", "DeepSeek-V4-Pro", "--trail", "open"], "--trail does not apply with --model"),
    (["gap", "--model", "DeepSeek-V4-Pro", "--method", "caisi"], "--method does not apply with --model"),
    (["gap", "--series-out", "missing/s.csv"], "folder missing does not exist"),
    (["gap", "--series-out", "out.json"], "given for two outputs"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.json"
    assert main([*argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("irt-elo gap: error:") and message in err and "\n" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_file_of_the_wrong_kind_is_refused(tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["gap", str(bundled_path("epoch_eci_2026-08-11/edi_scores.csv")), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "not a capability table" in err and "\n" not in err and not out.exists()
    assert main(["gap", "-o", str(tmp_path / "out.txt")]) == 2
    assert "use a .json file name" in capsys.readouterr().err and list(tmp_path.iterdir()) == []


def test_score_table_is_fitted_first_and_significance_needs_a_bootstrap(tmp_path, capsys):
    p = tmp_path / "scores.csv"
    rows = []
    for i, (is_open, date) in enumerate([(False, "2024-01-01"), (True, "2024-02-01"), (False, "2024-03-01"),
                                         (True, "2024-04-01"), (False, "2024-05-01"), (True, "2024-06-01")]):
        for j in range(5):
            rows.append(f"m{i},b{j},{min(0.95, 0.15 + 0.12 * i + 0.05 * j):.3f},{date},{is_open}")
    p.write_text("model,benchmark,score,release_date,open_weights\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["gap", str(p), "--from", "2024-02-01", "--to", "2024-06-30", "--bootstrap", "0", "-o",
                 str(tmp_path / "a.json")]) == 2
    assert "needs capability intervals" in capsys.readouterr().err
    out = tmp_path / "b.json"
    assert main(["gap", str(p), "--from", "2024-02-01", "--to", "2024-06-30", "--criterion", "point",
                 "--bootstrap", "0", "-o", str(out), "-q"]) == 0
    d = json.loads(out.read_text())
    assert d["data"].startswith("default fit of") and d["gap_months_low"] is None
    # With a bootstrap and --uncertainty draws the significance test runs on paired draws.
    out = tmp_path / "c.json"
    assert main(["gap", str(p), "--from", "2024-02-01", "--to", "2024-06-30", "--bootstrap", "8", "--jobs", "1",
                 "--uncertainty", "draws", "-o", str(out), "-q"]) == 0
    d = json.loads(out.read_text())
    assert "paired bootstrap test on 8 draws" in d["uncertainty"] and d["gap_months_low"] is not None


def test_plot_gap_png_has_three_panels_with_frontiers_and_gap_series(tmp_path):
    out = tmp_path / "gap.png"
    assert main(["plot", "gap", "--draws", "30", "-o", str(out)]) == 0
    w, h = _png_size(out)
    assert (w, h) == (1500, 1650)  # 10 x 11 inches at 150 dpi
    import matplotlib.image as mpimg

    img = mpimg.imread(out)[..., :3]
    for k in range(3):  # each third of the figure (one panel) has drawn content, not just background
        band = img[k * h // 3:(k + 1) * h // 3]
        assert band.std() > 0.05


def test_plot_gap_figure_series_from_the_api():
    from irt_elo.plots.gap import plot_gap

    caps = Capabilities.from_scores(bundled_path("epoch_eci_2026-08-11/eci_scores.csv"))
    fig = plot_gap(gap(caps, n_draws=20), caps)
    top, pts, months = fig.axes
    assert len(top.lines) == 2 and len(top.collections) >= 4  # 2 step lines; 2 scatters + 2 bands (+ window)
    assert "epoch_eci_2026-08-11" in top.get_title() and "epoch-2026" in top.get_title()
    for ax in (pts, months):
        assert len(ax.lines) == 2 and len(ax.collections) == 1  # daily gap + average; per-day band
        assert ax.get_ylabel() and ax.get_xlabel()


def test_plot_gap_svg_for_caisi_and_model_lag(tmp_path):
    out = tmp_path / "caisi.svg"
    assert main(["plot", "gap", "--method", "caisi", "--from", "2024-01-01", "--draws", "20", "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    axes = [g for g in root.iter(f"{ns}g") if (g.get("id") or "").startswith("axes_")]
    assert len(axes) == 3
    assert "China" in out.read_text()
    out2 = tmp_path / "lag.png"
    assert main(["plot", "gap", "--model", "DeepSeek-V4-Pro", "--draws", "20", "-o", str(out2)]) == 0
    assert _png_size(out2) == (1500, 825)


def test_plot_model_lag_by_country_draws_the_models_own_group(tmp_path):
    from irt_elo.analysis.gap import model_lag
    from irt_elo.plots.gap import plot_frontiers

    caps = Capabilities.from_scores(bundled_path("epoch_eci_2026-08-11/eci_scores.csv"))
    res = model_lag(caps, "DeepSeek-V4-Pro", lead="US", by="country", n_draws=20)
    ax = plot_frontiers(caps, result=res).axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "China frontier" in legend and "United States of America frontier" in legend
    assert main(["plot", "gap", "--model", "DeepSeek-V4-Pro", "--by", "country", "--draws", "20", "-o",
                 str(tmp_path / "lag.svg")]) == 0


def test_plot_trend_kinds(tmp_path, capsys):
    out = tmp_path / "trend.png"
    assert main(["plot", "trend", "--draws", "30", "-o", str(out)]) == 0
    assert _png_size(out) == (1500, 825)
    assert "breakpoint: break" in capsys.readouterr().out
    out2 = tmp_path / "ratio.svg"
    assert main(["plot", "trend", "--kind", "ratio", "--split", "2024-04-01", "--vintage", "2025-12-19",
                 "--draws", "30", "-o", str(out2)]) == 0
    assert "ratio" in capsys.readouterr().out
    assert main(["plot", "trend", "--kind", "ratio", "-o", str(tmp_path / "x.png")]) == 2
    assert "--kind ratio needs --split" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("argv", [["plot", "gap", "--draws", "20"], ["plot", "trend", "--draws", "20"]])
def test_same_seed_gives_byte_identical_svg_figures(tmp_path, argv):
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    assert main([*argv, "-o", str(a)]) == 0 and main([*argv, "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_plot_trend_names_the_newest_frontier_models_without_overprinting():
    """The three newest frontier models of the 2026-08-11 scores were released within weeks of each other."""
    from matplotlib.text import Text

    from irt_elo.analysis.trends import frontier_trend
    from irt_elo.plots.gap import plot_trend

    caps = Capabilities.from_scores(bundled_path("epoch_eci_2026-08-11/eci_scores.csv"))
    tr = frontier_trend(caps, n_draws=20)
    fig = plot_trend(tr)
    (ax,) = fig.axes
    fig.canvas.draw()
    names = tr.points["model"].tail(3).tolist()
    labels = [t for t in ax.texts if t.get_text() in names]
    assert sorted(t.get_text() for t in labels) == sorted(names)
    boxes = [Text.get_window_extent(t) for t in labels]  # the names themselves, not their leader lines
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(3) for j in range(i + 1, 3))
    assert "epoch_eci_2026-08-11" in ax.get_title() and "least-squares" in ax.get_title()


def test_plot_trend_figure_series():
    from irt_elo.analysis.trends import breakpoint_scan
    from irt_elo.plots.gap import plot_trend

    caps = Capabilities.from_scores(bundled_path("epoch_eci_2026-08-11/eci_scores.csv"))
    fig = plot_trend(breakpoint_scan(caps, n_draws=20))
    (ax,) = fig.axes
    assert len(ax.lines) >= 2  # fitted two-piece line + break marker (errorbar adds its own line)
    assert len(ax.get_legend().get_texts()) == 3
