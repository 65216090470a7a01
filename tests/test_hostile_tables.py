"""Reading foreign and malformed tables: one date format per column, plausible release dates, no silent
rescaling, no silent choice between conflicting metadata, no tracebacks or memory exhaustion on odd input, zip
members checked before inflating, and foreign wide leaderboards read with --model-column / --benchmarks /
--drop-columns."""
from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import irt_elo
from irt_elo import IrtEloError, from_frame, from_wide, read_table
from irt_elo.data.archive import check_zip_sizes, read_member
from irt_elo.data.table import EARLIEST_RELEASE, detect_separator, parse_dates, read_bytes_limited, warn_average_columns

OLL_BENCHMARKS = ["ARC", "HellaSwag", "MMLU", "TruthfulQA", "Winogrande", "GSM8K"]
OLL_TEXT = ["Precision", "Type", "Hub License", "model_link"]


def write(tmp_path: Path, text: str, name: str = "scores.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def open_llm_leaderboard(n: int = 40, seed: int = 7) -> pd.DataFrame:
    """An Open-LLM-Leaderboard-v1 style wide table: an id column, text and size columns, the row average, six
    benchmarks in percent and a link, from a seeded 1PL model with noise."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0, 1.2, n)
    delta = np.array([-0.3, -1.2, 0.2, 0.4, -0.9, 0.8])
    p = 100 / (1 + np.exp(-(theta[:, None] - delta)))
    p = np.clip(p + rng.normal(0, 2, p.shape), 0.5, 99.5).round(2)
    names = [f"org{i % 7}/model-{i}" for i in range(n)]
    df = pd.DataFrame({"eval_name": [m.replace("/", "_") + "_bfloat16" for m in names],
                       "Precision": rng.choice(["bfloat16", "float16"], n),
                       "Type": rng.choice(["🟢 pretrained", "💬 chat models (RLHF, DPO, IFT, ...)"], n),
                       "#Params (B)": rng.choice([1.1, 6.74, 7.24, 13.02, 70.55, 141.0], n),
                       "Hub License": rng.choice(["apache-2.0", "llama2", "mit", "other"], n)})
    df["Average ⬆️"] = p.mean(axis=1).round(2)
    for j, b in enumerate(OLL_BENCHMARKS):
        df[b] = p[:, j]
    df["model_link"] = ["https://huggingface.co/" + m for m in names]
    return df


@pytest.fixture()
def oll(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    df = open_llm_leaderboard()
    path = tmp_path / "open_llm_leaderboard.csv"
    df.to_csv(path, index=False)
    return path, df


# -- dates ----------------------------------------------------------------------------------------------------------

DAY_FIRST = "model,benchmark,score,release_date\na,x,0.2,01/02/2024\nb,x,0.4,13/02/2024\na,y,0.5,01/02/2024\n"


def test_a_column_of_non_iso_dates_is_refused_not_read_cell_by_cell(tmp_path):
    with pytest.raises(IrtEloError, match=r"line 2, column 'release_date': cannot read '01/02/2024' as a date: not "
                                          r"ISO \(YYYY-MM-DD\) \(3 such rows\).*--date-format"):
        read_table(write(tmp_path, DAY_FIRST))


def test_date_format_reads_every_cell_of_the_column_the_same_way(tmp_path):
    t = read_table(write(tmp_path, DAY_FIRST), date_format="%d/%m/%Y")
    assert t.models["release_date"].tolist() == [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-13")]
    us = read_table(write(tmp_path, DAY_FIRST.replace("13/02", "02/13"), "us.csv"), date_format="%m/%d/%Y")
    assert us.models["release_date"].tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-02-13")]


def test_a_cell_in_another_format_than_the_given_one_names_its_line(tmp_path):
    text = "model,benchmark,score,release_date\na,x,0.2,01/02/2024\nb,x,0.4,2024-02-13\n"
    with pytest.raises(IrtEloError, match=r"line 3, column 'release_date': cannot read '2024-02-13' as a date in "
                                          r"the format '%d/%m/%Y'"):
        read_table(write(tmp_path, text), date_format="%d/%m/%Y")


@pytest.mark.parametrize("date", ["1850-01-01", "0001-01-01", "1999-12-31", "2999-01-01"])
def test_implausible_release_dates_are_refused(tmp_path, date):
    text = f"model,benchmark,score,release_date\na,x,0.2,{date}\nb,x,0.4,2024-02-13\n"
    with pytest.raises(IrtEloError, match=rf"line 2, column 'release_date': '{date}'.*not a plausible release date"):
        read_table(write(tmp_path, text))


def test_the_edges_of_the_plausible_range_and_blank_dates_are_accepted(tmp_path):
    soon = (pd.Timestamp.now().normalize() + pd.Timedelta(days=300)).strftime("%Y-%m-%d")
    text = (f"model,benchmark,score,release_date\na,x,0.2,{EARLIEST_RELEASE:%Y-%m-%d}\nb,x,0.4,{soon}\n"
            "c,x,0.5,\n")
    t = read_table(write(tmp_path, text))
    assert t.models["release_date"].iloc[0] == EARLIEST_RELEASE and pd.isna(t.models["release_date"].iloc[2])


def test_benchmark_release_dates_are_not_held_to_the_model_range():
    lines = np.array([2, 3])
    old = parse_dates(pd.Series(["1998-11-01", "2019-07-01"]), lines, "b.csv", "benchmark_release_date",
                      release=False)
    assert old.iloc[0] == pd.Timestamp("1998-11-01")
    with pytest.raises(IrtEloError, match="plausible"):
        parse_dates(pd.Series(["1998-11-01", "2019-07-01"]), lines, "b.csv", "release_date")


def test_since_and_until_are_iso_dates_not_guesses():
    t = read_table(Path(irt_elo.datasets.bundled_path("epoch_eci_2026-08-11/eci_benchmarks.csv")))
    assert t.filter(since="2025-02-01").models["release_date"].min() >= pd.Timestamp("2025-02-01")
    with pytest.raises(IrtEloError, match=r"since: cannot read '01/02/2025' as a date; use YYYY-MM-DD"):
        t.filter(since="01/02/2025")


def test_capability_tables_read_one_date_format_per_column(tmp_path):
    from irt_elo.data.readers.capabilities import read_capability_file

    p = write(tmp_path, "model,capability,release_date,group\na,1,01/02/2024,open\nb,2,13/02/2024,closed\n")
    with pytest.raises(IrtEloError, match=r"line 2, column 'release_date': cannot read '01/02/2024' as a date"):
        read_capability_file(p)
    caps = read_capability_file(p, date_format="%d/%m/%Y")
    assert caps["release_date"].tolist() == [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-13")]


def test_a_bad_date_format_is_one_line():
    with pytest.raises(IrtEloError, match=r"cannot read dates with the format '%Q'"):
        parse_dates(pd.Series(["2024-01-01"]), np.array([2]), "f.csv", "release_date", date_format="%Q")


# -- score scale ----------------------------------------------------------------------------------------------------


def test_auto_scale_refuses_one_percentage_among_fractions_and_names_its_row(tmp_path):
    text = "model,benchmark,score\na,x,0.2\nb,x,85\nc,x,0.4\nd,x,0.7\na,y,0.3\nb,y,0.6\n"
    with pytest.raises(IrtEloError, match=r"benchmark 'x' mixes scales: line 3 \(85\) is above 1 \(percentages\?\) "
                                          r"among 3 on the other scale; pass --percent or --fraction"):
        read_table(write(tmp_path, text), score_scale="auto")
    # Said explicitly, the same file is read (percent) or refused with the usual line (fraction).
    assert read_table(write(tmp_path, text), score_scale="percent").n_obs == 6
    with pytest.raises(IrtEloError, match=r"line 3, column 'score': score 85 is above 1"):
        read_table(write(tmp_path, text), score_scale="fraction")


def test_auto_scale_refuses_a_fraction_benchmark_beside_percentage_benchmarks(tmp_path):
    text = "model,benchmark,score\na,x,86\nb,x,4\na,y,0.5\nb,y,0.6\n"
    with pytest.raises(IrtEloError, match=r"'y' hold only scores up to 1 \(fractions\?, lines 4 \(0.5\), 5 \(0.6\)\) "
                                          r"while 'x' hold scores above 1"):
        read_table(write(tmp_path, text), score_scale="auto")


def test_auto_scale_still_reads_unambiguous_files(tmp_path):
    frac = read_table(write(tmp_path, "model,benchmark,score\na,x,0.86\nb,x,0.04\n"), score_scale="auto")
    np.testing.assert_allclose(frac.score, [0.86, 0.04])
    pct = read_table(write(tmp_path, "model,benchmark,score\na,x,86\nb,x,4\na,y,0\nb,y,1\n", "p.csv"),
                     score_scale="auto")
    np.testing.assert_allclose(pct.score, [0.86, 0.04, 0.0, 0.01])  # file order


# -- conflicting metadata -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("col,first,second,shown", [
    ("release_date", "2024-01-01", "2024-03-01", "'2024-01-01' (line 2) and '2024-03-01' (line 3)"),
    ("open_weights", "true", "false", "True (line 2) and False (line 3)"),
    ("organization", "OpenAI", "Meta", "'OpenAI' (line 2) and 'Meta' (line 3)"),
])
def test_two_values_of_one_models_metadata_are_refused_naming_both(tmp_path, col, first, second, shown):
    text = f"model,benchmark,score,{col}\na,x,0.2,{first}\na,y,0.5,{second}\nb,x,0.4,{first}\n"
    with pytest.raises(IrtEloError, match=rf"model 'a' has two {col} values, {re.escape(shown)}"):
        read_table(write(tmp_path, text))


def test_repeated_or_blank_metadata_is_no_conflict(tmp_path):
    text = "model,benchmark,score,release_date,organization\na,x,0.2,2024-01-01,\na,y,0.5,,OrgA\nb,x,0.4,,\n"
    t = read_table(write(tmp_path, text))
    assert t.models.loc["a", "release_date"] == pd.Timestamp("2024-01-01") and t.models.loc["a", "organization"] == \
        "OrgA"


# -- odd input: one line, never a traceback or a full memory --------------------------------------------------------


def test_format_wide_on_a_long_file_says_it_looks_long(tmp_path):
    p = write(tmp_path, "model,benchmark,score\na,x,0.2\nb,x,0.4\n")
    with pytest.raises(IrtEloError, match=r"has a 'benchmark' column, so it looks long.*--format long"):
        read_table(p, format="wide")


def test_one_column_named_twice_is_refused(tmp_path):
    with pytest.raises(IrtEloError, match=r"columns 'score' and 'Score' both name the score"):
        read_table(write(tmp_path, "model,benchmark,score,Score\na,x,0.2,0.3\n"))
    with pytest.raises(IrtEloError, match=r"columns 'Model' and 'model' both look like the model column"):
        read_table(write(tmp_path, "Model,model,x,y\na,a,0.2,0.3\n", "w.csv"))
    df = pd.DataFrame([["a", "x", 0.1, 0.2]], columns=["model", "benchmark", "score", "score"])
    with pytest.raises(IrtEloError, match=r"column 'score' appears more than once"):
        from_frame(df)


def test_a_device_is_refused_before_anything_is_read():
    with pytest.raises(IrtEloError, match=r"/dev/zero: is a device, not a file"):
        read_table("/dev/zero")


def test_a_file_over_the_limit_is_refused_by_its_size(tmp_path):
    p = write(tmp_path, "model,benchmark,score\n" + "a,x,0.5\n" * 200)
    assert len(read_bytes_limited(p, limit=10_000)) == p.stat().st_size
    with pytest.raises(IrtEloError, match=r"larger than .* MB, the most irt-elo reads into memory"):
        read_bytes_limited(p, limit=1000)


@pytest.mark.parametrize("call", [
    lambda p: irt_elo.Fitter().fit(str(p)),
    lambda p: irt_elo.Fitter().fit(p),
    lambda p: from_frame(str(p)),
    lambda p: from_wide(p),
])
def test_public_entry_points_given_a_path_say_to_read_it(tmp_path, call):
    p = write(tmp_path, "model,benchmark,score\na,x,0.2\nb,x,0.4\n")
    with pytest.raises(IrtEloError, match=r"is a path, not a table; read it with irt_elo.read_table\("):
        call(p)


def test_other_objects_are_refused_in_one_line():
    with pytest.raises(IrtEloError, match=r"expected a ScoreTable or a pandas DataFrame .* not list"):
        from_frame([("a", "x", 0.2)])


# -- zips -----------------------------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_sizes_are_checked_from_the_directory_before_inflating():
    raw = _zip({"a.csv": b"0" * 100_000, "b.csv": b"x,y\n"})
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        check_zip_sizes(z.infolist(), "ok.zip", limit=200_000)
        with pytest.raises(IrtEloError, match=r"bomb.zip: refused before unpacking: its 2 member\(s\) declare .* "
                                              r"\(largest 'a.csv'"):
            check_zip_sizes(z.infolist(), "bomb.zip", limit=50_000)


def test_a_member_that_inflates_past_its_declared_size_is_refused():
    raw = bytearray(_zip({"a.csv": b"0" * 1_000_000}))
    # Forge the declared size (local header and central directory) down to 100 bytes.
    struct.pack_into("<I", raw, raw.find(b"PK\x03\x04") + 22, 100)
    struct.pack_into("<I", raw, raw.find(b"PK\x01\x02") + 24, 100)
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as z:
        info = z.infolist()[0]
        assert info.file_size == 100
        with pytest.raises(IrtEloError, match=r"forged.zip/a.csv: damaged or forged zip member"):
            read_member(z, info, "forged.zip")


# -- foreign wide tables --------------------------------------------------------------------------------------------


def test_a_foreign_leaderboard_names_its_text_columns_not_a_score_column(oll):
    path, _ = oll
    with pytest.raises(IrtEloError) as e:
        read_table(path, score_scale="percent")
    msg = str(e.value)
    assert "'score'" not in msg and "\n" not in msg
    assert "columns 'Precision', 'Type', 'Hub License', 'model_link' hold text, not scores" in msg
    assert "--drop-columns 'Precision,Type,Hub License,model_link'" in msg and "--benchmarks" in msg


def test_model_column_and_benchmarks_read_a_foreign_leaderboard(oll):
    path, df = oll
    t = read_table(path, score_scale="percent", model_column="eval_name", benchmarks=",".join(OLL_BENCHMARKS))
    assert list(t.model_names) == df["eval_name"].tolist()
    assert list(t.benchmark_names) == OLL_BENCHMARKS
    np.testing.assert_allclose(t.to_wide().to_numpy(), df[OLL_BENCHMARKS].to_numpy() / 100)


def test_dropping_the_average_column_gives_the_same_table_without_a_warning(oll):
    path, _ = oll
    chosen = read_table(path, score_scale="percent", model_column="eval_name", benchmarks=OLL_BENCHMARKS)
    drop = [*OLL_TEXT, "#Params (B)", "Average ⬆️"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dropped = read_table(path, score_scale="percent", model_column="eval_name", drop_columns=drop)
    pd.testing.assert_frame_equal(dropped.scores, chosen.scores)


def test_an_average_column_left_in_gets_one_warning_naming_it(oll):
    path, _ = oll
    with pytest.warns(UserWarning, match=r"column 'Average ⬆️' is the row mean of the other 6 benchmark columns.*"
                                         r"--drop-columns 'Average ⬆️'") as rec:
        t = read_table(path, score_scale="percent", model_column="eval_name",
                       drop_columns=[*OLL_TEXT, "#Params (B)"])
    assert len(rec) == 1 and "Average ⬆️" in t.benchmark_names


def test_only_a_near_mean_column_is_taken_for_an_average():
    rng = np.random.default_rng(3)
    v = {b: rng.uniform(0, 1, 30) for b in "abcd"}
    mean = np.mean(list(v.values()), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_average_columns(v, "t") == []
        assert warn_average_columns({**v, "avg": mean + rng.normal(0, 0.05, 30)}, "t") == []
    with pytest.warns(UserWarning):
        assert warn_average_columns({**v, "avg": mean + rng.uniform(-1e-3, 1e-3, 30)}, "t") == ["avg"]


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read_like_commas(tmp_path, sep):
    df = open_llm_leaderboard(n=12)[["eval_name", *OLL_BENCHMARKS]]
    df.to_csv(tmp_path / "c.csv", index=False)
    df.to_csv(tmp_path / "s.csv", index=False, sep=sep)
    a = read_table(tmp_path / "c.csv", score_scale="percent")
    b = read_table(tmp_path / "s.csv", score_scale="percent")
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert detect_separator(f"model{sep}x,y{sep}z\n") == sep


def test_a_file_that_splits_into_one_column_names_the_separators(tmp_path):
    with pytest.raises(IrtEloError, match=r"one column only \('model\|x\|y'\); separate columns with commas, "
                                          r"semicolons or tabs"):
        read_table(write(tmp_path, "model|x|y\na|0.1|0.2\n"))


def test_a_decimal_comma_is_named_as_such(tmp_path):
    with pytest.raises(IrtEloError, match=r"line 2, column 'x': '0,5' uses a decimal comma; write 0.5"):
        read_table(write(tmp_path, "model;x;y\na;0,5;0,7\n"))


def test_model_column_in_a_long_file_and_its_refusals(tmp_path):
    text = "id,benchmark,score,url\na,x,0.2,u\nb,x,0.4,v\n"
    t = read_table(write(tmp_path, text), model_column="id", drop_columns="url")
    assert list(t.model_names) == ["a", "b"]
    with pytest.raises(IrtEloError, match=r"unknown model column \(--model-column\) 'ID' \(did you mean: 'id'"):
        read_table(write(tmp_path, text), model_column="ID")
    with pytest.raises(IrtEloError, match=r"column 'model' also names models; drop it"):
        read_table(write(tmp_path, "id,model,benchmark,score\na,a,x,0.2\n", "m.csv"), model_column="id")
    with pytest.raises(IrtEloError, match=r"unknown column to drop \(--drop-columns\) 'nope'"):
        read_table(write(tmp_path, text), drop_columns=["nope"])


def _cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "irt_elo", *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_the_command_line_passes_the_column_options_to_the_reader(oll, tmp_path):
    path, df = oll
    proc = _cli("fit", path.name, "--model-column", "eval_name", "--benchmarks", ",".join(OLL_BENCHMARKS),
                "--percent", "-o", "ranks.csv", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = pd.read_csv(tmp_path / "ranks.csv")
    assert sorted(out["model"]) == sorted(df["eval_name"]) and (out["n_benchmarks"] == 6).all()
    bad = _cli("fit", "--date-format", "%d/%m/%Y", cwd=tmp_path)
    assert bad.returncode == 2 and "--date-format: only for a CSV given as DATA" in bad.stderr
