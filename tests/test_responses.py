"""Item-level response tables: reading, validation (one-line errors naming file/line/column), views, simulation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from irt_elo import IrtEloError, ResponseTable, read_responses, responses_from_frame, simulate_responses


def write(tmp_path, text, name="responses.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p


LONG = """model,item,correct,benchmark,domain,release_date,open_weights
a,q1,1,B1,math,2024-01-01,true
a,q2,0,B1,math,2024-01-01,true
a,q3,1,B2,code,2024-01-01,true
b,q1,1,B1,math,2025-06-01,false
b,q3,,B2,code,2025-06-01,false
b,q2,1,B1,math,2025-06-01,false
"""


def error_of(fn, *args, **kwargs) -> str:
    with pytest.raises(IrtEloError) as e:
        fn(*args, **kwargs)
    msg = str(e.value)
    assert "\n" not in msg, "errors are one line"
    return msg


def test_long_csv_is_read_with_item_and_model_metadata(tmp_path):
    t = read_responses(write(tmp_path, LONG))
    assert (t.n_models, t.n_items, t.n_obs) == (2, 3, 5)  # the blank cell is an unattempted item
    assert list(t.model_names) == ["a", "b"] and list(t.item_names) == ["q1", "q2", "q3"]
    assert t.items.loc["q3", "benchmark"] == "B2" and t.items.loc["q1", "domain"] == "math"
    assert t.n_benchmarks == 2
    assert t.models.loc["a", "group"] == "open" and t.models.loc["b", "group"] == "closed"
    assert str(t.models.loc["b", "release_date"].date()) == "2025-06-01"
    # Index arrays line up with the long frame.
    assert (t.model_names[t.model_idx] == t.responses["model"].astype(str)).all()
    assert (t.item_names[t.item_idx] == t.responses["item"].astype(str)).all()
    np.testing.assert_array_equal(t.correct, [1, 0, 1, 1, 1])
    assert t.weight is None
    assert t.proportion_correct("model").to_dict() == {"a": 2 / 3, "b": 1.0}


def test_aliases_and_boolean_spellings_are_accepted():
    df = pd.DataFrame({"Model": ["a", "a", "b"], "task_id": ["t1", "t2", "t1"],
                       "solved": ["TRUE", "false", " yes "], "Weight": ["2", "1", "0.5"]})
    t = responses_from_frame(df)
    np.testing.assert_array_equal(t.correct, [1, 0, 1])
    np.testing.assert_array_equal(t.weight, [2.0, 1.0, 0.5])
    assert list(t.item_names) == ["t1", "t2"]


@pytest.mark.parametrize("value", ["0.5", "2", "maybe", "-1"])
def test_non_binary_correct_is_an_error_naming_line_and_column(tmp_path, value):
    p = write(tmp_path, f"model,item,correct\na,q1,1\na,q2,{value}\n")
    msg = error_of(read_responses, p)
    assert str(p) in msg and "line 3" in msg and "'correct'" in msg and repr(value) in msg


def test_fractional_scores_point_to_the_aggregate_reader(tmp_path):
    msg = error_of(read_responses, write(tmp_path, "model,item,correct\na,q1,0.73\n"))
    assert "read_table" in msg


def test_model_without_any_response_is_an_error(tmp_path):
    p = write(tmp_path, "model,item,correct\na,q1,1\nb,q1,\nb,q2,\na,q2,0\n")
    msg = error_of(read_responses, p)
    assert "model 'b' has no responses" in msg and "line 3" in msg


def test_item_without_any_response_is_an_error(tmp_path):
    msg = error_of(read_responses, write(tmp_path, "model,item,correct\na,q1,1\na,q2,\nb,q1,0\nb,q2,\n"))
    assert "item 'q2' has no responses" in msg


def test_duplicate_responses_are_an_error_naming_both_lines(tmp_path):
    p = write(tmp_path, "model,item,correct\na,q1,1\nb,q1,1\na,q1,0\n")
    msg = error_of(read_responses, p)
    assert "('a', 'q1')" in msg and "line 4" in msg and "line 2" in msg


@pytest.mark.parametrize("header, missing", [("model,question_text,correct", "item"), ("model,item,points", "correct"),
                                             ("name,item,correct", "model")])
def test_missing_column_is_named_with_the_columns_found(tmp_path, header, missing):
    msg = error_of(read_responses, write(tmp_path, f"{header}\na,q1,1\n"))
    assert f"missing column {missing!r}" in msg and "found columns" in msg


def test_file_problems_are_reported_by_the_shared_reader(tmp_path):
    assert "empty" in error_of(read_responses, write(tmp_path, ""))
    assert "not valid UTF-8" in error_of(read_responses, write(tmp_path, "model,item,correct\n\xe9,q,1\n",
                                                                encoding="latin-1"))
    assert "is a directory" in error_of(read_responses, tmp_path)
    assert "no such file" in error_of(read_responses, tmp_path / "nope.csv")
    assert "no rows" in error_of(read_responses, write(tmp_path, "model,item,correct\n", "header_only.csv"))


def test_empty_names_and_bad_weights_name_their_line(tmp_path):
    msg = error_of(read_responses, write(tmp_path, "model,item,correct\na,q1,1\n ,q2,1\n"))
    assert "line 3" in msg and "empty model name" in msg
    msg = error_of(read_responses, write(tmp_path, "model,item,correct,weight\na,q1,1,1\na,q2,0,-2\n", "w.csv"))
    assert "line 3" in msg and "'weight'" in msg


def test_item_ids_repeated_across_benchmarks_suggest_qualified_names(tmp_path):
    text = "model,item,correct,benchmark\na,1,1,X\na,2,0,X\na,1,0,Y\nb,1,1,Y\n"
    msg = error_of(read_responses, write(tmp_path, text))
    assert "item '1'" in msg and "qualify_items=True" in msg and "line 4" in msg
    t = read_responses(write(tmp_path, text, "q.csv"), qualify_items=True)
    assert set(t.item_names) == {"X/1", "X/2", "Y/1"}
    assert t.items.loc["Y/1", "benchmark"] == "Y"


def test_benchmark_in_two_domains_is_an_error(tmp_path):
    msg = error_of(read_responses, write(tmp_path, "model,item,correct,benchmark,domain\na,1,1,X,math\na,2,0,X,code\n"))
    assert "benchmark 'X'" in msg and "domain" in msg


def test_from_codes_validates_its_arrays():
    ok = ResponseTable.from_codes([0, 1], [1, 0], [1, 0], ["m0", "m1"], ["i0", "i1"])
    assert ok.n_obs == 2
    assert "not 0 or 1" in error_of(ResponseTable.from_codes, [0], [0], [0.5], ["m"], ["i"])
    assert "codes must lie" in error_of(ResponseTable.from_codes, [0], [2], [1], ["m"], ["i", "j"])
    assert "more than once" in error_of(ResponseTable.from_codes, [0, 0], [0, 0], [1, 0], ["m"], ["i"])
    assert "has no responses" in error_of(ResponseTable.from_codes, [0], [0], [1], ["m", "n"], ["i"])


def test_filter_drops_models_and_items_left_without_responses():
    t, _ = simulate_responses(30, 40, n_benchmarks=4, n_domains=2, random_state=3)
    sub = t.filter(benchmarks=["b0"], models=list(t.model_names[:10]))
    assert sub.n_models == 10 and sub.n_benchmarks == 1
    assert set(sub.items["benchmark"]) == {"b0"}
    # Index arrays of the sub-table still point at the right names.
    r = sub.responses
    assert (sub.model_names[sub.model_idx] == r["model"].astype(str)).all()
    merged = r.astype({"model": str, "item": str}).merge(
        t.responses.astype({"model": str, "item": str}), on=["model", "item"])
    assert (merged["correct_x"] == merged["correct_y"]).all() and len(merged) == sub.n_obs
    assert "unknown benchmark 'b9'" in error_of(t.filter, benchmarks=["b9"])
    assert "no responses left" in error_of(t.filter, mask=np.zeros(t.n_obs, bool))


def test_disconnected_model_item_graph_is_reported():
    t = ResponseTable.from_codes([0, 0, 1], [0, 1, 2], [1, 0, 1], ["a", "b"], ["q1", "q2", "q3"])
    msg = error_of(t.check_connected)
    assert "2 disconnected parts" in msg
    assert [len(m) for m, _ in t.components()] == [1, 1]


def test_aggregating_to_benchmark_scores_keeps_counts():
    t, _ = simulate_responses(25, 60, n_benchmarks=3, missing=0.2, random_state=5)
    s = t.to_score_table()
    assert (s.n_models, s.n_benchmarks) == (25, 3)
    r = t.responses
    expect = r.groupby(["model", "benchmark"], observed=True)["correct"].agg(["mean", "size"])
    got = s.scores.set_index(["model", "benchmark"])
    np.testing.assert_allclose(got["score"], expect.loc[got.index, "mean"])
    np.testing.assert_array_equal(got["n_items"], expect.loc[got.index, "size"])


def test_wide_and_sparse_views_hold_the_same_responses():
    t, _ = simulate_responses(8, 12, missing=0.4, random_state=2)
    wide = t.to_wide()
    assert int(wide.notna().sum().sum()) == t.n_obs
    np.testing.assert_array_equal(wide.to_numpy()[t.model_idx, t.item_idx], t.correct)
    np.testing.assert_array_equal(t.matrix().toarray(), np.nan_to_num(wide.to_numpy()))


def test_simulation_is_reproducible_and_follows_its_model():
    t1, truth1 = simulate_responses(300, 80, missing=0.3, random_state=11)
    t2, truth2 = simulate_responses(300, 80, missing=0.3, random_state=11)
    t3, _ = simulate_responses(300, 80, missing=0.3, random_state=12)
    pd.testing.assert_frame_equal(t1.responses, t2.responses)
    pd.testing.assert_series_equal(truth1["slope"], truth2["slope"])
    assert not np.array_equal(t1.correct, t3.correct) or not np.array_equal(t1.item_idx, t3.item_idx)
    # Missingness rate and calibration: observed outcomes match the true probabilities within sampling error.
    assert abs(t1.n_obs / (300 * 80) - 0.7) < 0.01
    p = expit(truth1["slope"].to_numpy()[t1.item_idx]
              * (truth1["theta"].to_numpy()[t1.model_idx] - truth1["difficulty"].to_numpy()[t1.item_idx]))
    se = np.sqrt((p * (1 - p)).sum()) / p.size
    assert abs(t1.correct.mean() - p.mean()) < 4 * se
    assert list(truth1["theta"].index) == list(t1.model_names)
    assert list(truth1["slope"].index) == list(t1.item_names)


def test_simulation_keeps_every_model_and_item_even_when_almost_everything_is_missing():
    t, truth = simulate_responses(40, 30, missing=0.97, random_state=0)
    assert (t.responses_per_model() >= 1).all() and (t.responses_per_item() >= 1).all()
    t1, truth1 = simulate_responses(20, 10, model="1pl", n_benchmarks=5, n_domains=2, random_state=0)
    assert (truth1["slope"] == 1).all()
    assert t1.n_benchmarks == 5 and set(t1.items["domain"]) == {"d0", "d1"}
    assert "missing must be" in error_of(simulate_responses, 5, 5, missing=1.0)


def test_nullable_columns_treat_missing_as_not_attempted():
    for correct in (pd.array([True, pd.NA, False, True], dtype="boolean"), pd.array([1, pd.NA, 0, 1], dtype="Int64")):
        df = pd.DataFrame({"model": ["a", "a", "b", "b"], "item": ["q1", "q2", "q1", "q2"], "correct": correct})
        t = responses_from_frame(df)
        assert t.n_obs == 3 and t.correct.tolist() == [1.0, 0.0, 1.0]


def test_aggregating_keeps_models_whose_open_weights_are_unknown(tmp_path):
    text = "model,item,correct,benchmark,open_weights\na,q1,1,B,true\na,q2,0,B,true\nb,q1,1,B,\nb,q2,1,B,\n"
    s = read_responses(write(tmp_path, text)).to_score_table()
    assert s.models["open_weights"].isna().tolist() == [False, True]
    assert s.scores.set_index("model")["score"].to_dict() == {"a": 0.5, "b": 1.0}


def test_qualified_item_names_need_a_benchmark_on_every_row():
    df = pd.DataFrame({"model": ["a", "b"], "item": ["1", "1"], "correct": [1, 0], "benchmark": ["", ""]})
    assert "qualify_items=True needs a benchmark" in error_of(responses_from_frame, df, qualify_items=True)


def test_filter_takes_one_name_as_a_string_and_bad_options_are_named():
    t, _ = simulate_responses(10, 12, n_benchmarks=3, random_state=0)
    assert list(t.filter(models="m0").model_names) == ["m0"]
    assert t.filter(benchmarks="b1").n_benchmarks == 1
    assert "mask has 2 values" in error_of(t.filter, mask=[True, False])
    assert "by must be" in error_of(t.proportion_correct, "benchmark")
    assert "by must be" in error_of(t.to_score_table, "model")
