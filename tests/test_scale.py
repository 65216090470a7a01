"""Scale maps: round trips, anchors, and Elo conventions."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irt_elo import ELO_3X_PER_LOGIT, ELO_PER_LOGIT, Elo, IrtEloError, LinearMap, Logit, TwoAnchor, make_scale
from irt_elo.core.scale import parse_anchors

finite = st.floats(-50, 50, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(t1=finite, gap=st.floats(0.05, 20), v1=st.floats(-500, 500), dv=st.floats(1, 500), theta=finite,
       alpha=st.floats(0.01, 20))
def test_two_anchor_map_round_trips_and_keeps_predictions(t1, gap, v1, dv, theta, alpha):
    caps = pd.Series({"lo": t1, "hi": t1 + gap})
    m = TwoAnchor((("lo", v1), ("hi", v1 + dv))).calibrate(caps)
    assert m.capability(t1) == pytest.approx(v1, abs=1e-6 * max(1, abs(v1)))
    assert m.capability(t1 + gap) == pytest.approx(v1 + dv, rel=1e-9, abs=1e-6)
    assert m.theta(m.capability(theta)) == pytest.approx(theta, abs=1e-7 * max(1, abs(theta)) * m.per_logit)
    assert m.slope_logit(m.slope(alpha)) == pytest.approx(alpha)
    # sigmoid(slope * (C - D)) is unchanged by the map.
    d = theta - 0.7
    assert m.slope(alpha) * (m.capability(theta) - m.difficulty(d)) == pytest.approx(alpha * (theta - d), rel=1e-9,
                                                                                      abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(theta=st.lists(finite, min_size=2, max_size=20), rating=st.floats(0, 3000), ppl=st.floats(10, 1000))
def test_elo_map_round_trips_with_anchor(theta, rating, ppl):
    caps = pd.Series(theta, index=[f"m{i}" for i in range(len(theta))])
    m = Elo(ppl, ("m0", rating)).calibrate(caps)
    assert m.capability(theta[0]) == pytest.approx(rating)
    np.testing.assert_allclose(m.theta(m.capability(np.array(theta))), theta, atol=1e-8)


def test_elo_conventions():
    assert ELO_PER_LOGIT == pytest.approx(400 / math.log(10))
    # Standard Elo: 200 points is 10^(1/2) = 3.16x odds; CAISI's "200 points = 3x" needs 200/ln 3 points per logit.
    assert math.exp(200 / ELO_PER_LOGIT) == pytest.approx(10 ** 0.5)
    assert math.exp(200 / ELO_3X_PER_LOGIT) == pytest.approx(3.0)
    m = Elo().calibrate(pd.Series({"a": 1.0, "b": 3.0}))
    assert m.capability(2.0) == pytest.approx(1000.0)  # mean model at the base rating


def test_logit_map_is_identity():
    m = Logit().calibrate(pd.Series({"a": 1.0}))
    assert (m.intercept, m.per_logit) == (0.0, 1.0)


def test_compose():
    a, b = LinearMap(1.0, 2.0), LinearMap(10.0, 3.0)
    assert a.compose(b).capability(5.0) == pytest.approx(a.capability(b.capability(5.0)))


def test_anchor_not_in_data_names_close_matches():
    caps = pd.Series({"GPT-5": 1.0, "Claude 3.5 Sonnet": 0.0, "GPT-4": -1.0})
    with pytest.raises(IrtEloError, match=r"'GPT5' is not in the data \(did you mean: 'GPT-5'"):
        TwoAnchor((("Claude 3.5 Sonnet", 130.0), ("GPT5", 150.0))).calibrate(caps)


def test_identical_anchors_are_rejected():
    with pytest.raises(IrtEloError, match="same model"):
        TwoAnchor((("GPT-5", 130.0), ("GPT-5", 150.0)))
    with pytest.raises(IrtEloError, match="same value"):
        TwoAnchor((("a", 130.0), ("b", 130.0)))
    with pytest.raises(IrtEloError, match="identical fitted capability"):
        TwoAnchor((("a", 130.0), ("b", 150.0))).calibrate(pd.Series({"a": 1.0, "b": 1.0}))


def test_make_scale_parses_cli_anchors():
    s = make_scale("eci", ["Claude 3.5 Sonnet=130", "GPT-5=150"])
    assert s.anchors == (("Claude 3.5 Sonnet", 130.0), ("GPT-5", 150.0))
    assert make_scale("elo", ["GPT-5=1500"], points_per_logit=ELO_3X_PER_LOGIT).anchor == ("GPT-5", 1500.0)
    assert parse_anchors({"a": 1}) == [("a", 1.0)]
    for bad, msg in [(("eci", ["x=1"]), "two anchors"), (("elo", ["a=1", "b=2"]), "one anchor"),
                     (("logit", ["a=1"]), "no anchors"), (("nope", None), "unknown scale")]:
        with pytest.raises(IrtEloError, match=msg):
            make_scale(*bad)
    with pytest.raises(IrtEloError, match="NAME=VALUE"):
        parse_anchors(["GPT-5"])
    with pytest.raises(IrtEloError, match="not a number"):
        parse_anchors(["GPT-5=high"])
