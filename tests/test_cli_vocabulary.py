"""One vocabulary on the command line: each option means one thing with one default everywhere, old spellings
still work for a release with a deprecation line, and `--help` starts without the heavy libraries."""
from __future__ import annotations

import argparse
import subprocess
import sys
from collections import defaultdict

import pytest

from irt_elo.cli import build_parser, main
from irt_elo.cli.options import Deprecated

HEAVY = ("pandas", "scipy", "matplotlib", "torch", "numpy")


def command_parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(command path, parser) for the top parser and every subcommand, plot kinds included."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from command_parsers(sub, (*path, name))


def signature(action: argparse.Action) -> tuple:
    return (action.dest, action.default, action.type, tuple(action.choices) if action.choices else None,
            action.const, type(action).__name__)


def all_commands() -> list[list[str]]:
    return [list(path) for path, p in command_parsers(build_parser())
            if path and not any(isinstance(a, argparse._SubParsersAction) for a in p._actions)]


def test_every_option_has_one_meaning_and_default_in_every_command():
    seen: dict[str, dict[tuple, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path, parser in command_parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, (Deprecated, argparse._HelpAction, argparse._SubParsersAction)):
                continue
            for opt in action.option_strings:
                seen[opt][signature(action)].append(" ".join(path) or "irt-elo")
    clashes = {opt: dict(sigs) for opt, sigs in seen.items() if len(sigs) > 1}
    assert clashes == {}
    # The names the issue settled, checked directly as well.
    sig = {opt: next(iter(sigs)) for opt, sigs in seen.items()}
    assert sig["--form"][0] == "form" and sig["--form"][3] == ("2pl", "1pl")
    assert sig["--model"][0] == "model" and sig["--model"][3] is None  # always a model name
    assert sig["--jobs"][:2] == ("jobs", "auto")
    assert sig["--ci-level"][:2] == ("level", 0.90)
    assert sig["--seed"][:2] == ("seed", 12345)


def test_every_fitting_command_offers_the_same_method_options():
    method = {"--preset", "--form", "--loss", "--ridge", "--min-benchmarks", "--since", "--until", "--start-seed"}
    for path, parser in command_parsers(build_parser()):
        opts = {o for a in parser._actions for o in a.option_strings if not isinstance(a, Deprecated)}
        if "--form" in opts:
            assert method <= opts, (path, method - opts)


@pytest.mark.parametrize("argv, dest, value, new", [
    (["fit", "--model", "1pl"], "form", "1pl", "--form"),
    (["diagnose", "--model", "1pl"], "form", "1pl", "--form"),
    (["fit", "--n-jobs", "2"], "jobs", 2, "--jobs"),
    (["gap", "--level", "0.8"], "level", 0.8, "--ci-level"),
    (["compare", "--level", "0.8"], "level", 0.8, "--ci-level"),
    (["fit", "--level", "0.8"], "level", 0.8, "--ci-level"),
    (["plot", "items", "--benchmarks", "GPQA diamond"], "show", "GPQA diamond", "--show"),
])
def test_old_spellings_still_work_for_one_release_with_a_deprecation_line(argv, dest, value, new, capsys):
    args = build_parser().parse_args(argv)
    assert getattr(args, dest) == value
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "deprecated" in err and f"use {new}" in err


def test_fit_level_names_the_data_level_and_rejects_other_words(capsys):
    assert build_parser().parse_args(["fit", "--level", "item"]).data_level == "item"
    assert build_parser().parse_args(["fit"]).data_level == "aggregate"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["fit", "--level", "items"])
    assert "invalid choice: 'items'" in capsys.readouterr().err


def test_deprecated_spelling_gives_the_same_result_as_the_new_one(capsys):
    assert main(["fit", "--model", "1pl", "-q", "--top", "3"]) == 0
    assert main(["fit", "--form", "1pl", "--top", "3"]) == 0
    out_new = capsys.readouterr().out
    assert main(["fit", "--model", "1pl", "--top", "3"]) == 0
    cap = capsys.readouterr()
    assert cap.out == out_new and "use --form" in cap.err


def test_help_of_every_command_imports_no_heavy_library():
    commands = [[]] + all_commands()
    assert len(commands) >= 13  # fit, plot (8 kinds), gap, compare, diagnose, and the top level
    code = ("import sys\nfrom irt_elo.cli import main\n"
            f"for argv in {commands!r}:\n"
            "    try:\n        main([*argv, '--help'])\n    except SystemExit:\n        pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == "[]"
    assert "usage: irt-elo fit" in r.stdout and "usage: irt-elo plot subsets" in r.stdout


def test_importing_the_package_loads_nothing_heavy():
    code = f"import sys, irt_elo; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "[]"


def test_version_is_printed_without_loading_the_library():
    code = ("import sys\nfrom irt_elo.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.startswith("irt-elo ") and r.stdout.splitlines()[1] == "[]"


@pytest.mark.parametrize("argv", [
    ["fit", "--form", "1pl", "--top", "3"], ["gap", "--model", "DeepSeek-V4-Pro", "--by", "closed-us"],
    ["compare", "--preset", "eci", "--bootstrap", "5"], ["diagnose", "--cv", "0"],
    ["plot", "gap", "--draws", "30", "-o", "g.png"], ["plot", "subsets", "--k", "5"], ["fit", "--level", "item", "x.csv"],
])
def test_parser_built_for_one_command_parses_as_the_full_parser(argv):
    # main() builds only the options of the command (and plot kind) on the command line, for a fast start.
    assert vars(build_parser(argv).parse_args(argv)) == vars(build_parser().parse_args(argv))
