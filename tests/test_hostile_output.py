"""The output side: files that cannot damage (devices, FIFOs, links, modes, several outputs together), names made
safe for spreadsheets and terminals, and ``--jobs auto``. The shell-level cases are in ``hostile/cases/output.toml``."""
from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from irt_elo.cli._common import Outputs, check_figure_path, check_outputs, format_table, write_frame
from irt_elo.data.files import OutputSet, output_kind
from irt_elo.data.safe_text import SafeStream, csv_safe_frame, is_formula, terminal_safe
from irt_elo.errors import IrtEloError
from irt_elo.fit.executor import auto_workers, parallel_map

FRAME = pd.DataFrame({"model": ["=HYPERLINK(\"http://x\",\"y\")", "-1.5", "GPT-5", "@SUM(A1)"],
                      "capability": [-1.5, 2.0, -0.25, 1.0]})


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_dev_null_is_written_through_and_stays_a_device(tmp_path):
    before = os.stat("/dev/null")
    write_frame(FRAME, "/dev/null")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_fifo_gets_the_table_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    write_frame(FRAME, fifo)
    reader.join(10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and got[0].startswith("model,capability\n")
    assert _listing(tmp_path) == ["pipe.csv"]  # no temporary file left beside it


def test_symlink_keeps_pointing_at_its_target_which_gets_the_table(tmp_path, umask_022):
    (tmp_path / "sub").mkdir()
    real = tmp_path / "sub" / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_frame(FRAME, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("model,capability\n")
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "sub" / "new.csv")
    write_frame(FRAME, dangling)  # like the shell's `>`: the link's target is created
    assert dangling.is_symlink() and (tmp_path / "sub" / "new.csv").is_file()


@pytest.mark.parametrize("mask,mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600), (0o027, 0o640)])
def test_new_output_mode_follows_the_umask(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        write_frame(FRAME, tmp_path / "m.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "m.csv").st_mode) == mode


def test_replaced_output_keeps_its_own_mode(tmp_path, umask_022):
    out = tmp_path / "m.csv"
    out.write_text("old\n")
    os.chmod(out, 0o600)
    write_frame(FRAME, out)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600 and out.read_text().startswith("model,")


def test_socket_and_folder_outputs_are_refused_with_the_path(tmp_path):
    sock_path = tmp_path / "s.csv"
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(sock_path))
        with pytest.raises(IrtEloError, match=r"s\.csv: is a socket; refusing to write to it"):
            check_outputs(sock_path)
    finally:
        s.close()
    with pytest.raises(IrtEloError, match="is a directory"):
        check_outputs(tmp_path)


def test_unknown_extension_is_refused_and_devices_take_any_name(tmp_path):
    for bad in ("out.txt", "out", "out.csv.bak"):
        with pytest.raises(IrtEloError, match="unsupported output type"):
            check_outputs(tmp_path / bad)
    with pytest.raises(IrtEloError, match=r"use \.json"):
        check_outputs((tmp_path / "gap.csv", ("json",)))
    with pytest.raises(IrtEloError, match="unsupported figure type"):
        check_figure_path(tmp_path / "fig.csv")
    check_outputs(tmp_path / "ok.CSV", tmp_path / "ok.json", "/dev/null", "/dev/stdout")
    check_figure_path("/dev/null")
    assert _listing(tmp_path) == []


def test_a_failing_second_output_leaves_neither_and_names_it(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"

    def fail(p: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(IrtEloError, match=r"b\.csv: could not be written \(No space left on device\)"):
        with OutputSet() as out:
            out.add(first, lambda p: p.write_text("a"))
            out.add(second, fail)
    assert _listing(tmp_path) == []


def test_a_failing_rename_undoes_the_renames_already_done(tmp_path, umask_022):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("old a\n")
    out = OutputSet()
    out.add(first, lambda p: p.write_text("new a\n"))
    out.add(second, lambda p: p.write_text("new b\n"))
    second.mkdir()  # appears after the checks: the rename onto it fails for real
    (second / "keep").write_text("x")
    with pytest.raises(IrtEloError, match=r"b\.csv: could not be written"):
        out.commit()
    assert first.read_text() == "old a\n"  # restored from its hard link
    assert _listing(tmp_path) == ["a.csv", "b.csv"] and second.is_dir()


def test_an_exception_inside_the_block_writes_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with Outputs() as out:
            out.frame(FRAME, tmp_path / "m.csv")
            raise KeyboardInterrupt
    assert _listing(tmp_path) == []


def test_output_kinds_follow_the_path():
    assert output_kind("/dev/stdout")[0] == "fd" and output_kind("/proc/self/fd/1")[0] == "fd"
    assert output_kind("/dev/null") == ("through", Path("/dev/null"))
    assert output_kind("new-file.csv") == ("replace", Path("new-file.csv"))


def test_formula_cells_get_an_apostrophe_and_numbers_stay_numbers(tmp_path):
    assert [is_formula(v) for v in ("=1+2", "+cmd|x", "-2+3", "@A1", "\tx", "\rx", "-1.5", "+2", "GPT-5", -1.5)] == \
        [True, True, True, True, True, True, False, False, False, False]
    safe = csv_safe_frame(FRAME)
    assert list(safe["model"]) == ["'=HYPERLINK(\"http://x\",\"y\")", "-1.5", "GPT-5", "'@SUM(A1)"]
    assert list(safe["capability"]) == [-1.5, 2.0, -0.25, 1.0]
    assert csv_safe_frame(pd.DataFrame({"=bad": [1.0]})).columns.tolist() == ["'=bad"]
    write_frame(FRAME, tmp_path / "safe.csv")
    write_frame(FRAME, tmp_path / "raw.csv", raw_csv=True)
    write_frame(FRAME, tmp_path / "m.json")
    assert (tmp_path / "safe.csv").read_text().splitlines()[1] == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-1.5"
    assert (tmp_path / "raw.csv").read_text().splitlines()[1] == "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-1.5"
    assert "\"=HYPERLINK" in (tmp_path / "m.json").read_text()  # JSON keeps the names as they are


def test_control_characters_are_shown_as_escapes():
    assert terminal_safe("evil\x1b]0;pwned\x07") == "evil\\x1b]0;pwned\\x07"
    assert terminal_safe("a\tb\nc") == "a\tb\nc"
    assert terminal_safe("c1\x9b31m \x7f \u202eabc") == "c1\\x9b31m \\x7f \\u202eabc"
    table = format_table(pd.DataFrame({"model": ["red\x1b[31mX"], "capability": [1.0]}))
    assert "\x1b" not in table and "red\\x1b[31mX" in table


def test_safe_stream_escapes_what_is_written_and_passes_the_rest_through(capsys):
    import sys

    stream = SafeStream(sys.stdout)
    print("name\x1b[2J", file=stream)
    stream.flush()
    assert capsys.readouterr().out == "name\\x1b[2J\n"
    assert stream.wrapped is sys.stdout


def test_auto_jobs_start_workers_only_when_the_work_repays_them():
    assert auto_workers(0.02, 99, 2) == 1  # 2 s of refits: serial
    assert auto_workers(0.02, 1999, 2) == 2  # 40 s: both cores
    assert auto_workers(10.0, 1000, 1) == 1  # one free core: serial whatever the work
    assert auto_workers(0.5, 3, 16) == 1  # 1.5 s on 16 cores: serial
    assert auto_workers(1.0, 8, 16) == 8  # never more workers than tasks
    assert auto_workers(0.02, 600, 2, start_seconds=0.1) == 2


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def test_auto_jobs_run_small_work_in_this_process_with_the_same_results():
    out = parallel_map(_pid_and_square, list(range(20)), n_jobs="auto")
    assert [sq for _, sq in out] == [x * x for x in range(20)]
    assert {pid for pid, _ in out} == {os.getpid()}


def test_bootstrap_is_identical_with_auto_jobs_when_auto_starts_workers(eci_fit, monkeypatch):
    from irt_elo.fit import executor
    from irt_elo.fit.uncertainty import bootstrap

    serial = bootstrap(eci_fit, n_boot=6, seed=3, n_jobs=1)
    # Make 'auto' start a pool of 2 whatever the machine's load, so the parallel path is the one compared.
    monkeypatch.setattr(executor, "POOL_START_S", 0.0)
    monkeypatch.setattr(executor, "free_cores", lambda: 2)
    assert executor.auto_workers(0.01, 5, executor.free_cores()) == 2
    auto = bootstrap(eci_fit, n_boot=6, seed=3, n_jobs="auto")
    pd.testing.assert_frame_equal(serial.capability, auto.capability, check_exact=True)


def test_jobs_option_takes_auto_or_a_nonzero_number():
    from irt_elo.cli import build_parser

    parser = build_parser(["fit"])
    assert parser.parse_args(["fit"]).jobs == "auto"
    assert parser.parse_args(["fit", "--jobs", "AUTO"]).jobs == "auto"
    assert parser.parse_args(["fit", "--jobs", "-1"]).jobs == -1
    for bad in ("0", "two"):
        with pytest.raises(SystemExit):
            parser.parse_args(["fit", "--jobs", bad])


def test_output_linked_to_an_input_is_refused(tmp_path):
    data = tmp_path / "in.csv"
    data.write_text("model,benchmark,score\n")
    (tmp_path / "out.csv").symlink_to(data)
    with pytest.raises(IrtEloError, match="refusing to overwrite an input file"):
        check_outputs(tmp_path / "out.csv", inputs=[data])


def test_main_restores_the_streams_and_refuses_an_unknown_extension(tmp_path, capsys):
    import sys

    from irt_elo.cli import main

    before = sys.stdout, sys.stderr
    assert main(["fit", "-q", "-o", str(tmp_path / "out.txt")]) == 2
    assert (sys.stdout, sys.stderr) == before
    assert "out.txt: unsupported output type '.txt'; use .csv or .json" in capsys.readouterr().err
    assert _listing(tmp_path) == []


def test_fetched_vintage_files_follow_the_umask(tmp_path, umask_022):
    import io
    import zipfile

    from irt_elo.data.vintages import fetch
    from release_fixture import serve_once

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("README.md", "a release\n")
    srv, url = serve_once(buf.getvalue())
    try:
        v = fetch(url, cache_dir=tmp_path / "cache", timeout=10, today="2026-09-23")
    finally:
        srv.shutdown()
        srv.server_close()
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in v.path.parent.iterdir()}
    assert modes == {"benchmark_data.zip": 0o644, "provenance.json": 0o644}


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_read_only_output_is_not_replaced(tmp_path):
    out = tmp_path / "m.csv"
    out.write_text("keep\n")
    os.chmod(out, 0o444)
    with pytest.raises(IrtEloError, match="read-only; refusing to replace it"):
        write_frame(FRAME, out)
    assert out.read_text() == "keep\n"


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    # `irt-elo fit | head -1`: the pipe closes after one line; no "Broken pipe" error line, no traceback.
    p = subprocess.run(f"'{sys.executable}' -m irt_elo fit | head -1", shell=True, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert p.stdout.startswith("eci fit of ")
    assert p.stderr == ""
