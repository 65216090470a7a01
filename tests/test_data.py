"""Reading and validating score tables: the formats users download, and every kind of bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from irt_elo import IrtEloError, from_frame, from_wide, read_table
from irt_elo.data.bundled import bundled_path
from irt_elo.data.datasets import load_epoch_eci, load_epoch_eci_scores


def write(tmp_path, text, name="scores.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p


LONG = """model,benchmark,score,release_date,organization,open_weights,source
a,x,0.2,2024-01-01,OrgA,true,Epoch evaluations
a,y,0.5,2024-01-01,OrgA,true,paper
b,x,0.4,2024-06-01,OrgB,false,Epoch evaluations
b,y,0.9,2024-06-01,OrgB,false,leaderboard
"""


def test_epoch_eci_file_is_read_with_metadata_from_its_scores_file():
    t = load_epoch_eci()
    raw = pd.read_csv(bundled_path("epoch_eci_2026-08-11/eci_benchmarks.csv"))
    pub = pd.read_csv(bundled_path("epoch_eci_2026-08-11/eci_scores.csv"))
    assert t.n_obs == len(raw)
    assert t.n_models == raw["model"].nunique() == len(pub)
    assert t.n_benchmarks == raw["benchmark"].nunique()
    # Scores are Epoch's performance column, untouched.
    merged = t.scores.merge(raw, on=["model", "benchmark"])
    np.testing.assert_array_equal(merged["score"], merged["performance"])
    # Accessibility joins on eci_benchmarks.model == eci_scores.Model.
    expected_open = pub.set_index("Model")["Accessibility group"].eq("Open weights")
    got_open = t.models["open_weights"].fillna(False).astype(bool)
    assert (got_open == expected_open.loc[t.model_names]).all()
    assert t.models.loc["GPT-5", "organization"] == "OpenAI"
    assert str(t.models.loc["GPT-5", "release_date"].date()) == pub.set_index("Model").loc["GPT-5", "date"]
    # Blank sources are external leaderboards, kept apart from Epoch's own runs.
    blank = raw["source"].isna().to_numpy()
    cells = t.scores.set_index(["model", "benchmark"]).loc[list(zip(raw["model"], raw["benchmark"]))]
    assert (cells["source"].to_numpy()[blank] == "unspecified").all()
    assert (cells["source"].to_numpy()[~blank] == raw["source"].to_numpy()[~blank]).all()


def test_models_and_benchmarks_keep_first_appearance_order():
    raw = pd.read_csv(bundled_path("epoch_eci_2026-08-11/eci_benchmarks.csv"))
    t = load_epoch_eci()
    assert list(t.model_names) == list(pd.unique(raw["model"]))
    assert list(t.benchmark_names) == list(pd.unique(raw["benchmark"]))


def test_published_scores_reader_marks_open_closed_and_anchor_intervals():
    s = load_epoch_eci_scores().set_index("model")
    assert np.isnan(s.loc["GPT-5", "ci_low"]) and np.isnan(s.loc["Claude 3.5 Sonnet", "ci_high"])
    assert s.loc["GPT-5", "capability"] == 150.0
    assert s["group"].value_counts().to_dict() == {
        "closed": int((s["accessibility_group"] == "Closed weights").sum()),
        "open": int((s["accessibility_group"] == "Open weights").sum())}


def test_long_csv_with_metadata(tmp_path):
    t = read_table(write(tmp_path, LONG))
    assert (t.n_models, t.n_benchmarks, t.n_obs) == (2, 2, 4)
    assert t.models.loc["a", "open_weights"] == True  # noqa: E712 - pandas boolean NA-able
    assert t.models.loc["b", "group"] == "closed"
    assert t.models["release_date"].dtype.kind == "M"


def test_column_aliases_are_accepted(tmp_path):
    t = read_table(write(tmp_path, "Model,Task,Performance\na,x,0.5\nb,x,0.7\n"))
    assert t.n_obs == 2


def test_wide_matrix_treats_empty_cells_as_unobserved(tmp_path):
    t = read_table(write(tmp_path, "model,release_date,x,y,z\na,2024-01-01,0.2,,0.3\nb,2024-02-01,0.4,0.9,\n"))
    assert t.n_obs == 4 and t.n_benchmarks == 3
    assert "release_date" in t.models and t.models.loc["b", "release_date"] == pd.Timestamp("2024-02-01")
    w = t.to_wide()
    assert np.isnan(w.loc["a", "y"]) and w.loc["b", "y"] == 0.9


def test_percent_scores_and_percent_strings(tmp_path):
    t = read_table(write(tmp_path, "model,benchmark,score\na,x,86\nb,x,40.5\n"), score_scale="percent")
    np.testing.assert_allclose(t.score, [0.86, 0.405])
    t2 = read_table(write(tmp_path, "model,benchmark,score\na,x,86%\nb,x,0.4\n", "p.csv"))
    np.testing.assert_allclose(t2.score, [0.86, 0.4])
    t3 = read_table(write(tmp_path, "model,benchmark,score\na,x,86\nb,x,4\n", "a.csv"), score_scale="auto")
    np.testing.assert_allclose(t3.score, [0.86, 0.04])


@pytest.mark.parametrize("how,expected", [("max", 0.6), ("mean", 0.4)])
def test_duplicate_pairs_are_aggregated(how, expected):
    df = pd.DataFrame({"model": ["a", "a", "b"], "benchmark": ["x", "x", "x"], "score": [0.2, 0.6, 0.5],
                       "source": ["s1", "s2", "s3"]})
    t = from_frame(df, aggregate=how)
    assert t.n_obs == 2
    assert t.scores.set_index("model").loc["a", "score"] == pytest.approx(expected)
    if how == "max":
        assert t.scores.set_index("model").loc["a", "source"] == "s2"  # the best row's provenance


def test_duplicate_pairs_can_be_refused():
    df = pd.DataFrame({"model": ["a", "a"], "benchmark": ["x", "x"], "score": [0.2, 0.6]})
    with pytest.raises(IrtEloError, match="appears more than once"):
        from_frame(df, aggregate="error")


def test_filter_min_benchmarks_dates_and_subset():
    t = load_epoch_eci()
    f = t.filter(min_benchmarks=10, since="2025-01-01")
    assert f.benchmarks_per_model().min() >= 10
    assert (f.models["release_date"] >= pd.Timestamp("2025-01-01")).all()
    sub = t.filter(benchmarks=["GPQA diamond", "Winogrande"])
    assert list(sub.benchmark_names) == ["Winogrande", "GPQA diamond"]  # data order, not the order asked
    assert set(sub.scores["benchmark"]) == {"Winogrande", "GPQA diamond"}
    with pytest.raises(IrtEloError, match="did you mean"):
        t.filter(benchmarks=["winogrande"])


def test_rows_resample_keeps_indexing():
    t = load_epoch_eci()
    r = t.rows(np.array([0, 0, 5]))
    assert r.n_models == t.n_models and list(r.model_idx) == [t.model_idx[0]] * 2 + [t.model_idx[5]]


# ---------------------------------------------------------------------------------------------------------------
# Bad input: one clear message naming the file / line / column.

BAD = {
    "empty": ("", "empty"),
    "header_only_blank": ("\n\n", "empty"),
    "missing_score_column": ("model,benchmark,result\na,x,0.5\n", "missing column 'score'"),
    "misnamed_model_column": ("modle,benchmark,score\na,x,0.5\n", "missing column 'model'"),
    "non_numeric": ("model,benchmark,score\na,x,0.5\nb,x,high\n", r"line 3, column 'score'.*'high' is not a number"),
    "nan_score": ("model,benchmark,score\na,x,0.5\nb,x,\n", r"line 3, column 'score'.*empty"),
    "nan_literal": ("model,benchmark,score\na,x,NaN\nb,x,0.3\n", r"line 2, column 'score'"),
    "above_one": ("model,benchmark,score\na,x,0.5\nb,x,86\n", r"line 3.*above 1.*--percent"),
    "negative": ("model,benchmark,score\na,x,-0.1\n", r"line 2.*negative score"),
    "bad_date": ("model,benchmark,score,release_date\na,x,0.5,2024-13-45\n", r"line 2, column 'release_date'.*date"),
    "empty_model_name": ("model,benchmark,score\n,x,0.5\n", r"line 2, column 'model'.*empty model name"),
    "bad_open_flag": ("model,benchmark,score,open_weights\na,x,0.5,maybe\n", r"line 2.*'maybe' is not true/false"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_long_input_gives_one_line_error(tmp_path, case):
    text, pattern = BAD[case]
    p = write(tmp_path, text)
    with pytest.raises(IrtEloError, match=pattern) as e:
        read_table(p)
    msg = str(e.value)
    assert "\n" not in msg and p.name in msg


def test_percent_above_100_is_rejected(tmp_path):
    with pytest.raises(IrtEloError, match="above 100"):
        read_table(write(tmp_path, "model,benchmark,score\na,x,101\n"), score_scale="percent")


def test_non_utf8_file_names_the_line(tmp_path):
    p = write(tmp_path, "model,benchmark,score\nCaf\xe9,x,0.5\n", encoding="latin-1")
    with pytest.raises(IrtEloError, match=r"line 2 is not valid UTF-8"):
        read_table(p)


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(IrtEloError, match="is a directory"):
        read_table(tmp_path)
    with pytest.raises(IrtEloError, match="no such file"):
        read_table(tmp_path / "nope.csv")


def test_wide_benchmark_column_without_scores(tmp_path):
    with pytest.raises(IrtEloError, match="benchmark column 'y' has no scores"):
        read_table(write(tmp_path, "model,x,y\na,0.2,\nb,0.4,\n"))


def test_wide_model_row_without_scores(tmp_path):
    with pytest.raises(IrtEloError, match=r"line 3: model 'b' has no scores"):
        read_table(write(tmp_path, "model,x,y\na,0.2,0.3\nb,,\n"))


def test_fitted_scores_file_is_not_mistaken_for_scores():
    with pytest.raises(IrtEloError, match="fitted capabilities"):
        read_table(bundled_path("epoch_eci_2026-08-11/eci_scores.csv"))


def test_disconnected_graph_names_its_parts():
    df = pd.DataFrame({"model": ["a", "b", "c", "d"], "benchmark": ["x", "x", "y", "y"],
                       "score": [0.1, 0.2, 0.3, 0.4]})
    t = from_frame(df)
    assert len(t.components()) == 2
    with pytest.raises(IrtEloError, match=r"2 disconnected parts.*a, b.*x.*c, d.*y"):
        t.check_connected()


def test_wide_frame_from_python():
    w = pd.DataFrame({"model": ["a", "b"], "x": [0.2, 0.4], "y": [0.5, np.nan]})
    assert from_wide(w).n_obs == 3


def test_input_file_is_not_modified(tmp_path):
    p = write(tmp_path, LONG)
    before = p.read_bytes()
    read_table(p)
    assert p.read_bytes() == before


# ---------------------------------------------------------------------------------------------------------------
# CSV layout problems that pandas alone would misread, and edge cases of the table itself.


def test_trailing_commas_and_blank_rows_are_harmless(tmp_path):
    t = read_table(write(tmp_path, "model,benchmark,score,\na,x,0.5,\n\n,,,\nb,x,0.4,\n"))
    assert list(t.model_names) == ["a", "b"] and t.score.tolist() == [0.5, 0.4]


def test_a_row_longer_than_the_header_is_an_error_not_a_shifted_row(tmp_path):
    # pandas would take the first column of such a file as an index and shift every value one column left.
    p = write(tmp_path, "model,benchmark,score\na,x,0.5,junk\nb,x,0.4,junk\n")
    with pytest.raises(IrtEloError, match=r"line 2 has 4 fields but the header has 3") as e:
        read_table(p)
    assert "\n" not in str(e.value) and p.name in str(e.value)


def test_a_column_named_twice_is_an_error(tmp_path):
    with pytest.raises(IrtEloError, match=r"column 'score' appears more than once in the header"):
        read_table(write(tmp_path, "model,benchmark,score,score\na,x,0.5,0.9\n"))


def test_line_numbers_count_quoted_line_breaks_and_blank_lines(tmp_path):
    text = 'model,benchmark,score,note\na,x,0.5,"first\nsecond\nthird"\n\nb,x,high,\n'
    assert text.splitlines()[5] == "b,x,high,"  # the bad row is line 6 of the file
    with pytest.raises(IrtEloError, match=r"line 6, column 'score'.*'high' is not a number"):
        read_table(write(tmp_path, text))


def test_an_unclosed_quote_is_an_error_not_a_swallowed_file(tmp_path):
    # Without the check the rest of the file would become one cell of line 3 and rows b, c would vanish.
    p = write(tmp_path, 'model,benchmark,score,note\na,x,0.5,ok\nb,x,0.4,"oops\nc,x,0.3,\n')
    with pytest.raises(IrtEloError, match=r"line 3: a quote opened in this row is never closed"):
        read_table(p)


def test_percent_strings_above_100_percent_are_rejected_whatever_the_scale(tmp_path):
    p = write(tmp_path, "model,benchmark,score\na,x,150%\nb,x,0.5\n")
    for scale in ("fraction", "percent", "auto"):
        with pytest.raises(IrtEloError, match=r"line 2, column 'score'.*'150%' is above 100%"):
            read_table(p, score_scale=scale)


def test_non_ascii_names_and_a_single_cell_table_are_read(tmp_path):
    t = read_table(write(tmp_path, "model,benchmark,score\nCafé-模型,Ünïcode ✓,0.25\n"))
    assert (t.n_models, t.n_benchmarks, t.n_obs) == (1, 1, 1)
    assert t.model_names[0] == "Café-模型" and t.to_wide().loc["Café-模型", "Ünïcode ✓"] == 0.25
    assert t.components() == [(["Café-模型"], ["Ünïcode ✓"])]
    t.check_connected()


def test_missing_open_weights_values_of_any_kind_are_unknown():
    base = {"model": ["a", "b", "c"], "benchmark": ["x", "x", "x"], "score": [0.2, 0.3, 0.4]}
    for missing in (pd.array([True, pd.NA, False], dtype="boolean"), [True, None, False], [True, np.nan, False]):
        t = from_frame(pd.DataFrame({**base, "open_weights": missing}))
        assert t.models["open_weights"].isna().tolist() == [False, True, False]
        assert t.models["group"].tolist()[::2] == ["open", "closed"] and pd.isna(t.models.loc["b", "group"])


def test_invalid_options_and_inconsistent_metadata_are_refused():
    df = pd.DataFrame({"model": ["a", "b"], "benchmark": ["x", "x"], "score": [0.2, 0.3]})
    with pytest.raises(IrtEloError, match="aggregate must be"):
        from_frame(df, aggregate="median")  # refused even though nothing needs aggregating
    with pytest.raises(IrtEloError, match="score_scale must be"):
        from_frame(df, score_scale="permille")
    extra = pd.DataFrame({"org": ["O1", "O2"]}, index=["a", "a"])
    with pytest.raises(IrtEloError, match="lists 'a' more than once"):
        from_frame(df, models_extra=extra)
    with pytest.raises(IrtEloError, match=r"line 3, column 'n_items'"):
        from_frame(df.assign(n_items=[10, np.inf]))


def test_filter_takes_one_name_as_a_string_and_checks_the_mask_length():
    t = load_epoch_eci()
    one = t.filter(models="GPT-5")
    assert list(one.model_names) == ["GPT-5"] and one.n_obs == int((t.scores["model"] == "GPT-5").sum())
    assert list(t.filter(exclude_benchmarks="Winogrande").benchmark_names) == [
        b for b in t.benchmark_names if b != "Winogrande"]
    with pytest.raises(IrtEloError, match=f"mask has 3 values but the table has {t.n_obs} rows"):
        t.filter(mask=np.ones(3, bool))


def test_wide_view_of_a_resampled_table_holds_the_resampled_cells():
    t = load_epoch_eci()
    r = t.rows(np.array([0, 0, 7]))  # repeats, as in a bootstrap draw
    w = r.to_wide()
    assert w.shape == (t.n_models, t.n_benchmarks) and int(w.notna().sum().sum()) == 2
    for i in (0, 7):
        assert w.loc[t.scores["model"][i], t.scores["benchmark"][i]] == t.scores["score"][i]


def test_unknown_format_and_foreign_zip_are_one_line_errors(tmp_path):
    import zipfile

    p = write(tmp_path, LONG)
    with pytest.raises(IrtEloError, match="format must be"):
        read_table(p, format="excel")
    z = tmp_path / "scores.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.write(p, "scores.csv")
    with pytest.raises(IrtEloError, match="not a known layout") as e:
        read_table(z)
    assert "\n" not in str(e.value)


def test_metadata_with_a_repeated_name_is_refused_when_built_directly():
    t = from_frame(pd.DataFrame({"model": ["a", "b"], "benchmark": ["x", "x"], "score": [0.2, 0.3]}))
    models = pd.concat([t.models, t.models.iloc[:1]])
    with pytest.raises(IrtEloError, match="model 'a' has two metadata rows"):
        type(t)(t.scores, models, t.benchmarks, "dup")
