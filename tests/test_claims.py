"""The claims ledger and `check_claims`: the issue's targets on the bundled data, and strict claim-file validation."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from irt_elo.analysis.capabilities import Capabilities
from irt_elo.analysis.claims import VERDICTS, check_claims
from irt_elo.data.claims import COLUMNS, load_claims, read_claims
from irt_elo.data.datasets import load_epoch_eci_scores
from irt_elo.errors import IrtEloError

LEDGER_IDS = ["E1", "E2", "E3", "S1", "C1", "C2", "C3", "H1", "I1", "L1"]


@pytest.fixture(scope="module")
def result():
    return check_claims(n_draws=200, n_boot=4)


def _row(result, cid):
    t = result.table
    return t[t["id"] == cid].iloc[0]


def test_ledger_has_every_claim_of_methods_section_6():
    c = load_claims()
    assert c["id"].tolist() == LEDGER_IDS
    assert list(c.columns[:-1]) == list(COLUMNS)
    assert c["source"].notna().all() and c["quote"].notna().all()


def test_every_claim_gets_a_row_and_a_verdict(result):
    t = result.table
    assert t["id"].tolist() == LEDGER_IDS
    assert set(t["verdict"]) <= set(VERDICTS)
    assert t["reason"].map(lambda s: isinstance(s, str) and len(s) > 0).all()
    json.dumps(result.to_dict())  # JSON-ready


def test_e2_months_inside_the_recomputed_interval(result):
    r = _row(result, "E2")
    assert r["data"] == "epoch_eci_2026-08-11"
    assert r["recomputed_low"] <= 4.0 <= r["recomputed_high"]
    # The row is `irt-elo gap`'s answer to Epoch's question on the same data, draws and seed.
    from irt_elo.analysis.capabilities import Capabilities
    from irt_elo.analysis.gap import gap

    g = gap(Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11"), "epoch-2026",
            start="2026-01-01", end="2026-05-28", n_draws=200, seed=12345)
    assert (r["recomputed"], r["recomputed_points"], r["recomputed_points_low"]) == (
        g.gap_months, g.gap_points, g.gap_points_low)
    # Points: the published 8 lies just below the recomputed interval but a value that rounds to 8 (7.5-8.5) reaches
    # into it: consistent, read at the precision it was published to, and the reason says so. The recomputed value
    # lies inside the source's own 7-11.
    assert 7.0 <= r["recomputed_points"] <= 11.0
    assert 8.0 < r["recomputed_points_low"] <= 8.5
    assert r["verdict"] == "consistent" and "points: published 8 (as rounded: 7.5-8.5) inside" in r["reason"]


def test_a_published_number_is_read_at_the_precision_it_was_given():
    from irt_elo.analysis.claims import rounding_half_width

    assert rounding_half_width(8.0) == 0.5 and rounding_half_width(3.5) == pytest.approx(0.05)
    assert rounding_half_width(6.15) == pytest.approx(0.005) and rounding_half_width(40.0) == 0.5
    # Every published number of the shipped ledger is stored as written (no padded "3.0"), so its precision is the
    # source's: the number has no more digits than its text in the ledger file.
    import csv

    from irt_elo.data.claims import ledger_path

    cols = ("published_value", "published_points")
    with open(ledger_path(), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for c in cols:
                if row[c]:
                    assert f"{float(row[c]):g}" == row[c], (row["id"], c, row[c])


def test_c1_reproduced_by_the_matched_model_rule(result):
    r = _row(result, "C1")
    assert r["verdict"] == "consistent" and r["rule_implied"] == "matched-model"
    assert r["matched_model"] == "GPT-5" and "as the source says" in r["reason"]
    assert r["matched_model_months"] == pytest.approx(8.56, abs=0.01) == r["recomputed"]
    assert r["matched_model_months_low"] <= 8.0 <= r["matched_model_months_high"]
    assert r["trend_line_months"] == pytest.approx(8.98, abs=0.05)
    assert r["direction_published"] == "widening" and r["direction_recomputed"] in (
        "widening", "narrowing", "no detectable trend")


def test_c3_cannot_be_checked_on_this_vintage(result):
    r = _row(result, "C3")
    assert r["verdict"] == "cannot be checked"
    assert "released 2026-08-14, after the last release in epoch_eci_2026-08-11" in r["reason"]
    assert "needs a vintage from 2026-08-14" in r["reason"]


def test_e1_and_i1_use_the_dec_2025_vintage(result):
    for cid in ("E1", "I1"):
        r = _row(result, cid)
        assert r["data"] == "epoch_eci_2025-12-19" and "2025-12-19 vintage the claim names" in r["data_note"]
        assert r["verdict"] in ("consistent", "not consistent")


def test_private_benchmarks_and_harness_reasons(result):
    assert "benchmarks not public" in _row(result, "L1")["reason"]
    h = _row(result, "H1")
    assert h["verdict"] != "cannot be checked" and h["unit"] == "fraction"


def test_closest_choice_is_named_for_month_claims(result):
    for cid in ("E1", "E2", "C1"):
        r = _row(result, cid)
        assert isinstance(r["closest_choice"], str) and r["closest_choice"]
        assert pd.notna(r["closest_value"])


def test_chosen_vintage_that_does_not_cover_a_claim_falls_back_and_says_so():
    r = check_claims(vintage="2025-12-19", ids=["e2"], n_draws=20).table.iloc[0]
    assert r["id"] == "E2" and r["data"] == "epoch_eci_2026-08-11"
    assert "does not cover the claim" in r["data_note"]


def _claims_file(tmp_path, rows, name="claims.csv"):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


BASE = dict(id="X1", source="me", date="2026-01-02", kind="gap", compare="open-vs-closed", lead="closed",
            trail="open", window_start="2024-01-01", window_end="2025-06-30", method="epoch-2026",
            criterion="two-sided", unit="months", published_value="3")


def test_user_claims_harness_not_recorded_and_grouping_missing(tmp_path):
    path = _claims_file(tmp_path, [{**BASE, "id": "H9", "kind": "harness", "published_value": "0.5",
                                    "unit": "fraction"},
                                   {**BASE, "id": "G9", "compare": "country", "lead": "US", "trail": "China"}])
    caps = Capabilities.from_scores(load_epoch_eci_scores("2025-12-19"), source="epoch_eci_2025-12-19")
    t = check_claims(caps, claims=path, ledger=False, n_draws=20).table.set_index("id")
    assert t.loc["H9", "verdict"] == "cannot be checked" and "harness not recorded" in t.loc["H9", "reason"]
    f = caps.frame.reset_index()[["model", "capability", "ci_low", "ci_high", "release_date", "group"]]
    t = check_claims(Capabilities.from_scores(f, source="mine"), claims=path, ledger=False, n_draws=20,
                     ids=["G9"]).table
    assert t.loc[0, "verdict"] == "cannot be checked" and "grouping not in the data" in t.loc[0, "reason"]


def test_unknown_claim_id_is_an_error():
    with pytest.raises(IrtEloError, match="unknown claim id 'Z9'"):
        check_claims(ids=["Z9"])


@pytest.mark.parametrize("change, match", [
    ({"drop": "compare"}, r"line 1: missing column\(s\) compare"),
    ({"compare": "continent"}, r"line 2, column compare: unknown grouping 'continent'"),
    ({"date": "2026-13-01"}, r"line 2, column date: '2026-13-01' is not a date; write YYYY-MM-DD"),
    ({"date": "May 2026"}, r"line 2, column date: 'May 2026' is not a date"),
    ({"kind": "vibes"}, r"line 2, column kind: unknown kind 'vibes'"),
    ({"unit": "weeks"}, r"line 2, column unit: unknown unit 'weeks'"),
    ({"published_value": "four"}, r"line 2, column published_value: 'four' is not a number"),
    ({"published_value": ""}, r"line 2: claim X1 gives no published number"),
])
def test_read_claims_names_file_line_and_column(tmp_path, change, match):
    row = dict(BASE)
    drop = change.pop("drop", None)
    row.update(change)
    if drop:
        row.pop(drop)
    path = _claims_file(tmp_path, [row])
    with pytest.raises(IrtEloError, match=match) as e:
        read_claims(path)
    assert str(path) in str(e.value) and "\n" not in str(e.value)


def test_read_claims_duplicate_id(tmp_path):
    path = _claims_file(tmp_path, [BASE, {**BASE, "id": "x1"}])
    with pytest.raises(IrtEloError, match=r"line 3, column id: claim id 'x1' already used on line 2"):
        read_claims(path)


def test_user_claim_with_the_ledgers_id_is_an_error(tmp_path):
    path = _claims_file(tmp_path, [{**BASE, "id": "E2"}])
    with pytest.raises(IrtEloError, match="'E2' appears in the shipped ledger"):
        check_claims(claims=path)
