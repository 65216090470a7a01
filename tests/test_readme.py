"""The README's promises: its Python tour runs, and .ci/run calls exactly its two set-up commands."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_ci_runs_exactly_the_readme_setup_commands():
    setup = [ln for ln in code_blocks("bash")[0].splitlines() if ln and not ln.startswith("#")]
    assert len(setup) == 2, "the README's first block must hold the two set-up commands"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in setup:
        assert command in ci


def test_readme_python_tour_runs():
    import matplotlib

    matplotlib.use("Agg")
    (block,) = code_blocks("python")
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    r = namespace["r"]
    assert r.method == "epoch-2026" and r.gap_months > 0
    assert list(namespace["elo"].capability_.sort_values(ascending=False).index[:1]) == ["GPT-5.5"]


@pytest.mark.parametrize("line", [ln for ln in code_blocks("bash")[1].splitlines() if ln.startswith("irt-elo ")])
def test_readme_cli_examples_parse(line):
    # Each documented command line is accepted by the parser (options exist, choices are valid).
    from irt_elo.cli import build_parser

    argv = line.split("#")[0].split()[1:]
    if "|" in " ".join(argv):  # `plot trend|compare|...` lists alternatives
        kinds = next(a for a in argv if "|" in a).split("|")
        argv = [a for a in argv if "|" not in a]
        for k in kinds:
            build_parser().parse_args(argv[:1] + [k] + argv[1:])
        return
    build_parser().parse_args(argv)
