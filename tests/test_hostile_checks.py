"""Validation that refuses what would be silently wrong: degenerate tables, scale options,
capability tables read by gap, the gap's unknown-status note and memory guard, literal names in plots, unknown names
in predict. The shell-level cases are in tests/hostile/cases/checks.toml."""
from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest

from irt_elo.analysis.capabilities import Capabilities
from irt_elo.analysis.gap import gap
from irt_elo.core.scale import Elo, TwoAnchor, make_scale, parse_anchors
from irt_elo.data.readers.capabilities import standard_capability_frame
from irt_elo.data.table import from_frame
from irt_elo.errors import IrtEloError
from irt_elo.fit import Fitter


def _long(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["model", "benchmark", "score"])


SMALL = _long([("a", "x", 0.5), ("a", "y", 0.7), ("b", "x", 0.6), ("b", "y", 0.8), ("c", "x", 0.3), ("c", "y", 0.5)])


# -- degenerate tables -----------------------------------------------------------------------------------------------

def test_identical_scores_are_refused_instead_of_ranking_by_benchmark_count():
    df = _long([("a", "x", 0.5), ("a", "y", 0.5), ("a", "z", 0.5), ("b", "x", 0.5), ("b", "y", 0.5)])
    with pytest.raises(IrtEloError, match="cannot identify capabilities: no variation, every score is 0.5"):
        Fitter().fit(df)


def test_scores_identical_after_clipping_are_refused_and_say_so():
    df = _long([("a", "x", 1.0), ("a", "y", 0.9995), ("b", "x", 0.9999), ("b", "y", 1.0)])
    with pytest.raises(IrtEloError, match="no variation.*after clipping"):
        Fitter(clip=1e-3).fit(df)


def test_one_model_is_refused():
    with pytest.raises(IrtEloError, match="one model \\('a'\\)"):
        Fitter().fit(_long([("a", "x", 0.5), ("a", "y", 0.7)]))


def test_one_model_left_by_the_filters_is_refused():
    df = pd.concat([SMALL, _long([("a", "z", 0.4)])])
    with pytest.raises(IrtEloError, match="one model \\('a'\\) after filtering"):
        Fitter(min_benchmarks=3).fit(df)


def test_one_benchmark_is_refused():
    with pytest.raises(IrtEloError, match="one benchmark \\('x'\\).*at least 2 benchmarks"):
        Fitter().fit(_long([("a", "x", 0.5), ("b", "x", 0.7), ("c", "x", 0.2)]))


def test_a_table_with_variation_still_fits():
    f = Fitter().fit(SMALL)
    assert f.capability_.notna().all() and f.capability_.std() > 0


# -- scale options ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_non_finite_anchor_values_are_refused(value):
    with pytest.raises(IrtEloError, match="must be a finite number"):
        parse_anchors([f"GPT-5={value}"])
    with pytest.raises(IrtEloError, match="must be a finite number"):
        parse_anchors({"GPT-5": float(value)})


@pytest.mark.parametrize("ppl", [0.0, -5.0, math.inf, math.nan])
def test_points_per_logit_must_be_positive_and_finite_including_zero(ppl):
    with pytest.raises(IrtEloError, match="points per logit must be a positive finite number"):
        make_scale("elo", points_per_logit=ppl)


def test_points_per_logit_left_out_gives_the_chess_default():
    assert make_scale("elo").points_per_logit == pytest.approx(400 / math.log(10))
    assert make_scale("elo", points_per_logit=100.0).points_per_logit == 100.0


def test_scale_specs_built_directly_refuse_non_finite_values():
    with pytest.raises(IrtEloError, match="finite"):
        TwoAnchor((("a", math.nan), ("b", 150.0)))
    with pytest.raises(IrtEloError, match="finite"):
        Elo(anchor=("a", math.inf))


def test_unknown_fitter_option_from_a_preset_names_the_right_ones():
    with pytest.raises(IrtEloError, match="no option 'bounds'.*theta_bounds"):
        Fitter.from_preset("default", bounds=(-5, 5))


# -- capability tables read by gap -----------------------------------------------------------------------------------

def _caps_frame(**change) -> pd.DataFrame:
    df = pd.DataFrame({"model": list("ABCDE"), "capability": [130.0, 135, 140, 131, 136],
                       "ci_low": [128.0, 133, 138, 129, 134], "ci_high": [132.0, 137, 142, 133, 138],
                       "release_date": ["2025-01-01", "2025-04-01", "2025-08-01", "2025-06-01", "2025-11-01"],
                       "group": ["closed", "closed", "closed", "open", "open"]})
    for col, (i, v) in change.items():
        df.loc[i, col] = v
    return df


def test_reversed_interval_is_refused_naming_the_line_and_model():
    with pytest.raises(IrtEloError, match="t.csv: line 5: model 'D' has ci_low 135 above ci_high 133"):
        standard_capability_frame(_caps_frame(ci_low=(3, 135.0)), "t.csv")


@pytest.mark.parametrize("col", ["capability", "ci_low", "ci_high"])
def test_infinite_values_are_refused_naming_line_and_column(col):
    with pytest.raises(IrtEloError, match=f"t.csv: line 3, column '{col}': .*inf is not a finite number"):
        standard_capability_frame(_caps_frame(**{col: (1, -np.inf if col == "ci_low" else np.inf)}), "t.csv")


def test_capabilities_built_from_a_frame_refuse_reversed_and_infinite_values():
    f = _caps_frame().set_index("model")
    bad = f.copy()
    bad.loc["D", "ci_low"] = 140.0
    with pytest.raises(IrtEloError, match="model 'D': ci_low 140 is above ci_high 133"):
        Capabilities(frame=bad)
    bad = f.copy()
    bad.loc["E", "capability"] = np.inf
    with pytest.raises(IrtEloError, match="model 'E': capability is infinite"):
        Capabilities(frame=bad)


def _unknown_status_caps() -> Capabilities:
    df = _caps_frame()
    df.loc[4, "group"] = None
    return Capabilities.from_scores(df)


def test_gap_reports_models_of_unknown_status_it_leaves_out_and_how_to_include_them():
    r = gap(_unknown_status_caps(), "epoch-2026", start="2025-09-01", end="2025-12-31", n_draws=20)
    d = r.to_dict()["details"]
    assert d["n_unknown_group"] == 1
    assert "1 of 5 dated models have no known open/closed status" in d["unknown_note"]
    assert "--unknown-as" in d["unknown_note"]


def test_gap_counts_no_unknown_models_once_they_are_put_in_a_group():
    r = gap(_unknown_status_caps(), "epoch-2026", start="2025-09-01", end="2025-12-31", n_draws=20, unknown="open")
    assert r.details["n_unknown_group"] == 0 and "unknown_note" not in r.details


def test_gap_refuses_draws_beyond_memory_before_allocating():
    caps = Capabilities.from_scores(_caps_frame())
    with pytest.raises(IrtEloError, match="draws .* needs .* of memory; only .* is available; use fewer draws"):
        gap(caps, "epoch-2026", start="2025-09-01", end="2025-12-31", n_draws=10 ** 12)


# -- names drawn literally, unknown names in predict -------------------------------------------------------------------

def test_a_dollar_in_a_benchmark_name_is_drawn_literally():
    from irt_elo.plots import plot_item_curves

    name = r"x $\frac$ y"
    df = SMALL.replace({"benchmark": {"y": name}})
    f = Fitter().fit(from_frame(df))
    fig = plot_item_curves(f, [name, "x"])
    fig.savefig(io.BytesIO(), format="png")  # raised ParseSyntaxException before
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(t.startswith(name) for t in labels)


def test_predict_names_an_unknown_model_or_benchmark():
    f = Fitter().fit(SMALL)
    with pytest.raises(IrtEloError, match="model 'zz' is not in this fit"):
        f.predict(["zz"])
    with pytest.raises(IrtEloError, match="benchmark 'q' is not in this fit"):
        f.predict(["a"], ["q"])
    assert f.predict("a").index.tolist() == ["a"]  # one name as a string, not its characters


def test_capabilities_refuse_infinite_bootstrap_draws():
    f = _caps_frame().set_index("model")
    draws = pd.DataFrame(np.tile(f["capability"].to_numpy(), (3, 1)), columns=f.index)
    draws.loc[1, "C"] = np.inf
    with pytest.raises(IrtEloError, match="bootstrap draws of model 'C' include an infinite value"):
        Capabilities(frame=f, draws=draws)
