"""The regression corpus of hostile and foreign input, one TOML file per area under ``cases/``.

Each ``[[case]]`` is a small scenario run in a fresh directory, as a user would run it:

- ``id`` (unique), ``defect`` (what went wrong before, in words);
- ``files``: ``{path = "in.csv", text = "..."}`` written before the run, or ``{path = "l", symlink = "target"}``;
- ``prepare``: Python code run first with the case directory as the working directory (large or binary inputs);
- ``argv``: the ``irt-elo`` arguments, or ``script``: Python code run with ``python -c`` (API cases);
- ``exit`` (default 2), ``stderr`` / ``stdout``: regular expressions that must match (``re.search``);
- ``no_traceback`` (default true): stderr never shows a Python traceback;
- ``left``: the exact sorted list of files left in the directory afterwards (inputs included), when given;
- ``unchanged`` (default: every file written by ``files``): byte-identical afterwards;
- ``root_only``: runs only as root (device files); ``timeout`` seconds (default 120);
- ``env``: extra environment variables.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

CASES_DIR = Path(__file__).parent / "cases"


def _cases() -> list[tuple[str, dict]]:
    out = []
    for f in sorted(CASES_DIR.glob("*.toml")):
        for case in tomllib.loads(f.read_text(encoding="utf-8")).get("case", []):
            out.append((f"{f.stem}:{case['id']}", case))
    return out


CASES = _cases()


def test_corpus_ids_are_unique_and_cases_are_well_formed() -> None:
    ids = [name for name, _ in CASES]
    assert len(ids) == len(set(ids))
    for name, case in CASES:
        assert ("argv" in case) != ("script" in case), f"{name}: give exactly one of argv or script"
        assert case.get("defect"), f"{name}: say which defect the case guards against"


def _snapshot(root: Path) -> dict[str, bytes | str]:
    snap: dict[str, bytes | str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            snap[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            snap[rel] = p.read_bytes()
    return snap


@pytest.mark.parametrize("name,case", CASES, ids=[n for n, _ in CASES])
def test_hostile_case(name: str, case: dict, tmp_path: Path) -> None:
    if case.get("root_only") and os.geteuid() != 0:
        pytest.skip("needs root (writes next to a device file)")
    written = []
    for spec in case.get("files", []):
        p = tmp_path / spec["path"]
        p.parent.mkdir(parents=True, exist_ok=True)
        if "symlink" in spec:
            p.symlink_to(spec["symlink"])
        else:
            p.write_text(spec["text"], encoding="utf-8")
            written.append(spec["path"])
    env = {**os.environ, "PYTHONHASHSEED": "0", "COLUMNS": "120", **case.get("env", {})}
    if "prepare" in case:
        subprocess.run([sys.executable, "-c", case["prepare"]], cwd=tmp_path, env=env, check=True, timeout=300)
    before = _snapshot(tmp_path)
    cmd = ([sys.executable, "-m", "irt_elo", *case["argv"]] if "argv" in case
           else [sys.executable, "-c", case["script"]])
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=case.get("timeout", 120))
    where = f"{name}\nstdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}"
    assert proc.returncode == case.get("exit", 2), where
    if case.get("no_traceback", True):
        assert "Traceback (most recent call last)" not in proc.stderr, where
    for stream, text in (("stderr", proc.stderr), ("stdout", proc.stdout)):
        if stream in case:
            assert re.search(case[stream], text, flags=re.S), f"{stream} does not match {case[stream]!r}\n{where}"
    after = _snapshot(tmp_path)
    if "left" in case:
        assert sorted(after) == sorted(case["left"]), where
    for rel in case.get("unchanged", list(before)):
        assert after.get(rel) == before.get(rel), f"{rel} was changed\n{where}"
