"""CAISI's published table, the caisi preset, its shipped benchmark subset and domain map."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import irt_elo
from irt_elo import Fitter
from irt_elo.analysis.compare import caisi_table_elo
from irt_elo.core.scale import ELO_3X_PER_LOGIT, ELO_PER_LOGIT
from irt_elo.data.datasets import load_caisi_table
from irt_elo.data.readers.caisi import read_caisi_models
from irt_elo.errors import IrtEloError
from irt_elo.fit.presets import (
    CAISI_DOMAINS,
    DATA_DIR,
    benchmark_domains,
    caisi_benchmarks,
    caisi_epoch_benchmarks,
    caisi_scale,
)

# CAISI's report (METHODS.md §3): scores in %, order GPT-5.5 / GPT-5.4 mini / Opus 4.6 / DeepSeek V4 Pro.
PUBLISHED_SCORES = {
    "CTF-Archive-Diamond": (71, 32, 46, 32), "SWE-bench Verified": (81, 73, 79, 74), "PortBench": (78, 41, 60, 44),
    "FrontierScience": (79, 74, 72, 74), "GPQA-Diamond": (96, 87, 91, 90),
    "ARC-AGI-2 (semi-private)": (79, None, 63, 46), "OTIS-AIME-2025": (100, 90, 92, 97),
    "PUMaC 2024": (96, 93, 95, 96), "SMT 2025": (99, 92, 94, 96),
}
MODELS = ("GPT-5.5", "GPT-5.4 Mini", "Claude Opus 4.6", "DeepSeek-V4-Pro")
PUBLISHED_ELO = {"GPT-5.5": 1260, "Claude Opus 4.6": 999, "DeepSeek-V4-Pro": 800, "GPT-5.4 Mini": 749}
CAISI_ORDER = ["GPT-5.5", "Claude Opus 4.6", "DeepSeek-V4-Pro", "GPT-5.4 Mini"]  # CAISI's published ranking


@pytest.fixture(scope="module")
def caisi_table():
    return load_caisi_table()


@pytest.fixture(scope="module")
def table_result(eci_fit):
    return caisi_table_elo(reference=eci_fit)


def test_bundled_caisi_table_holds_the_published_scores(caisi_table):
    wide = caisi_table.to_wide()
    assert caisi_table.n_obs == 35
    for bench, vals in PUBLISHED_SCORES.items():
        for model, v in zip(MODELS, vals):
            got = wide.loc[model, bench]
            if v is None:
                assert math.isnan(got)
            else:
                assert got == pytest.approx(v / 100.0)
    assert set(caisi_table.benchmarks["domain"]) == set(CAISI_DOMAINS)
    models = read_caisi_models()
    assert models["caisi_elo"].to_dict() == PUBLISHED_ELO
    assert bool(models.loc["DeepSeek-V4-Pro", "open_weights"]) and models["open_weights"].sum() == 1


def test_caisi_preset_orders_the_published_table_as_caisi_did(caisi_table):
    f = Fitter.from_preset("caisi").fit(caisi_table)
    assert f.result_.success
    assert f.summary["model"].tolist() == CAISI_ORDER
    assert f.capability_["Claude Opus 4.6"] == pytest.approx(999.0)
    assert f.table_.n_benchmarks == 9  # CAISI's names are picked up on CAISI's table


def test_caisi_preset_is_1pl_with_equal_domain_and_benchmark_weights(caisi_table):
    f = Fitter.from_preset("caisi").fit(caisi_table)
    assert f.model == "1pl" and np.allclose(f.alpha_.to_numpy(), 1.0)
    w = pd.Series(f.problem_.cell_weight, index=f.table_.scores.index)
    s = f.table_.scores.assign(w=w, domain=f.table_.scores["benchmark"].map(benchmark_domains()))
    # GPT-5.5 has all nine: every domain carries the same total weight, benchmarks equal within a domain.
    g = s[s["model"] == "GPT-5.5"]
    per_domain = g.groupby("domain")["w"].sum()
    assert np.allclose(per_domain.to_numpy(), per_domain.iloc[0])
    math_w = g[g["domain"] == "Math"]["w"]
    assert np.allclose(math_w.to_numpy(), math_w.iloc[0]) and len(math_w) == 3


def test_one_pl_on_the_aggregate_table_compresses_caisis_differences(table_result):
    d = table_result.differences.set_index(["higher", "lower"])
    published_span = PUBLISHED_ELO["GPT-5.5"] - PUBLISHED_ELO["GPT-5.4 Mini"]
    span = d.loc[("GPT-5.5", "GPT-5.4 Mini")]
    assert span["caisi"] == published_span
    # Aggregate scores flatten each benchmark's curve, so the 1PL spread is smaller than CAISI's item-level one;
    # benchmark slopes taken from Epoch's 2PL recover part of it (but the order never changes).
    assert 0 < span["1pl"] < published_span
    assert span["1pl"] < span["2pl-epoch-slopes"]
    for v in ("1pl", "2pl-epoch-slopes"):
        assert table_result.frame[v].sort_values(ascending=False).index.tolist() == CAISI_ORDER
    sl = table_result.slopes
    assert sl["slope_item_units"].max() == pytest.approx(1.0) and (sl["slope_item_units"] > 0).all()


def test_three_x_odds_option_stretches_elo_differences_by_the_ratio_of_points_per_logit(table_result, eci_fit):
    a = table_result.frame["1pl"]
    b = caisi_table_elo(reference=eci_fit, three_x=True).frame["1pl"]
    ratio = ELO_3X_PER_LOGIT / ELO_PER_LOGIT
    assert (b - 999.0).to_numpy() == pytest.approx(((a - 999.0) * ratio).to_numpy(), rel=1e-6)
    assert caisi_scale(three_x=True).points_per_logit == pytest.approx(200 / math.log(3))


def test_caisi_preset_on_epoch_data_fits_the_mapped_benchmarks(eci_table):
    f = Fitter.from_preset("caisi").fit(eci_table)
    assert sorted(f.table_.benchmark_names) == sorted(caisi_epoch_benchmarks())
    assert f.table_.benchmarks_per_model().min() >= 3
    assert f.capability_["Claude Opus 4.6"] == pytest.approx(999.0)
    assert f.scale_.per_logit == pytest.approx(ELO_PER_LOGIT)


def test_shipped_subset_and_domain_map_cover_the_bundled_data(eci_table):
    b = caisi_benchmarks()
    assert len(b) == 9 and set(b["match"]) <= {"same", "variant", "stand-in", "none"}
    named = b.loc[b["epoch_benchmark"] != "", "epoch_benchmark"]
    assert set(named) <= set(eci_table.benchmark_names)
    assert (b.loc[b["match"] == "none", "epoch_benchmark"] == "").all()
    dom = benchmark_domains()
    assert set(eci_table.benchmark_names) <= set(dom)
    assert all(dom[n] == d for n, d in zip(b["epoch_benchmark"], b["domain"]) if n)
    # The files live inside the package, so a wheel built by hatch carries them.
    assert Path(irt_elo.__file__).parent / "fit" / "presets_data" == DATA_DIR
    assert (DATA_DIR / "caisi_benchmarks.csv").is_file() and (DATA_DIR / "benchmark_domains.csv").is_file()


def test_domain_name_mapping_weights_benchmarks_like_a_domain_column(caisi_table):
    by_column = Fitter(model="1pl", loss="bernoulli", benchmark_weights="domain").fit(caisi_table)
    dom = dict(zip(caisi_table.benchmark_names, caisi_table.benchmarks["domain"]))
    by_map = Fitter(model="1pl", loss="bernoulli", benchmark_weights=dom).fit(caisi_table)
    assert np.allclose(by_column.problem_.cell_weight, by_map.problem_.cell_weight)
    with pytest.raises(IrtEloError, match="no domain for"):
        Fitter(model="1pl", benchmark_weights={"GPQA-Diamond": "Science"}).fit(caisi_table)


def test_caisi_fitter_still_rejects_unknown_benchmark_names(eci_table):
    with pytest.raises(IrtEloError, match="unknown benchmark"):
        Fitter.from_preset("caisi", benchmarks=["GPQA diamond", "GPQA dimond"]).fit(eci_table)
    tiny = pd.DataFrame({"model": ["a", "b"], "benchmark": ["x", "x"], "score": [0.2, 0.4]})
    with pytest.raises(IrtEloError, match="none of the CAISI benchmarks"):
        Fitter.from_preset("caisi").fit(tiny)
