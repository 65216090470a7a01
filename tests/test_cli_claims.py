"""``irt-elo claims``: JSON and CSV outputs, and bad input as one line, exit 2, nothing written."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from irt_elo.cli import main


def test_claims_json_for_chosen_ids(tmp_path, capsys):
    out = tmp_path / "claims.json"
    assert main(["claims", "--claim", "E2", "--claim", "c3", "--draws", "50", "-o", str(out)]) == 0
    d = json.loads(out.read_text())
    assert d["meta"]["command"] == "irt-elo claims" and d["meta"]["level"] == 0.9
    rows = {r["id"]: r for r in d["claims"]}
    assert list(rows) == ["E2", "C3"]
    assert rows["C3"]["verdict"] == "cannot be checked" and "2026-08-14" in rows["C3"]["reason"]
    assert rows["E2"]["recomputed_low"] <= 4.0 <= rows["E2"]["recomputed_high"]
    text = capsys.readouterr().out
    assert "E2" in text and "cannot be checked" in text and "recomputed [interval]" in text


def test_claims_csv_every_ledger_claim(tmp_path):
    out = tmp_path / "claims.csv"
    assert main(["claims", "--draws", "50", "--bootstrap", "0", "-q", "-o", str(out)]) == 0
    t = pd.read_csv(out)
    assert t["id"].tolist() == ["E1", "E2", "E3", "S1", "C1", "C2", "C3", "H1", "I1", "L1"]
    assert t.set_index("id").loc["C1", "verdict"] == "consistent"
    assert t.set_index("id").loc["E1", "data"] == "epoch_eci_2025-12-19"


def test_user_claims_file_is_checked_with_the_ledger(tmp_path):
    claims = tmp_path / "mine.csv"
    pd.DataFrame([dict(id="U1", source="me", date="2026-06-01", kind="gap", compare="open-vs-closed",
                       window_start="2026-01-01", window_end="2026-05-28", method="epoch-2026",
                       criterion="point", unit="months", published_value="8")]).to_csv(claims, index=False)
    out = tmp_path / "o.json"
    assert main(["claims", "--claims", str(claims), "--claim", "U1", "--draws", "30", "-q", "-o", str(out)]) == 0
    (row,) = json.loads(out.read_text())["claims"]
    assert row["id"] == "U1" and row["recomputed"] == pytest.approx(8.0, abs=0.05)


def _one_line_error(capsys, *words):
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("irt-elo claims: error:")
    for w in words:
        assert w in err


BAD = {
    "missing column": ("id,source,date,kind,unit\nX,me,2026-01-01,gap,months\n", ("missing column", "compare")),
    "unknown grouping": ("id,source,date,kind,compare,unit,published_value,method\n"
                         "X,me,2026-01-01,gap,continent,months,3,epoch-2026\n",
                         ("line 2, column compare", "unknown grouping 'continent'")),
    "bad date": ("id,source,date,kind,compare,unit,published_value,method\n"
                 "X,me,01/05/2026,gap,open-vs-closed,months,3,epoch-2026\n",
                 ("line 2, column date", "YYYY-MM-DD")),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_claims_file_exits_2_and_writes_nothing(tmp_path, capsys, case):
    text, words = BAD[case]
    claims = tmp_path / "bad.csv"
    claims.write_text(text)
    out = tmp_path / "o.json"
    assert main(["claims", "--claims", str(claims), "-o", str(out)]) == 2
    _one_line_error(capsys, str(claims), *words)
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_unknown_claim_id_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "o.csv"
    assert main(["claims", "--claim", "Z9", "-o", str(out)]) == 2
    _one_line_error(capsys, "unknown claim id 'Z9'", "E2")
    assert list(tmp_path.iterdir()) == []


def test_bad_output_suffix_exits_2(tmp_path, capsys):
    assert main(["claims", "-o", str(tmp_path / "o.txt")]) == 2
    _one_line_error(capsys, ".json or .csv")
