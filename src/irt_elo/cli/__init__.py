"""``irt-elo`` command line: a thin layer over the public API.

Each subcommand lives in its own module exposing ``add_parser(subparsers)`` and ``run(args) -> int``. Errors in the
input become one line on stderr and exit status 2; nothing is written when a command fails.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from irt_elo.cli.options import HelpFormatter
from irt_elo.errors import IrtEloError

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

# Subcommand modules, in the order `irt-elo --help` lists them.
COMMANDS = ("fit", "score", "predict", "next", "plot", "gap", "compare", "claims", "forecast", "report", "diagnose",
            "fetch")

EPILOG = """\
examples:
  irt-elo fit                                   # Epoch's ECI from the bundled 2026-08-11 snapshot
  irt-elo gap                                   # Epoch's open-vs-closed gap (May-2026 procedure)
  irt-elo compare                               # ECI vs CAISI presets, both questions, and why they differ
  irt-elo claims                                # every published gap claim re-checked, with a verdict
  irt-elo forecast --horizon 12m                # both frontiers and the gap projected, with a backtest
  irt-elo report -o report.html                 # all of it on one self-contained HTML page
  irt-elo score my_model.csv                    # place a new model on the ECI scale, months behind closed
  irt-elo next --model DeepSeek-V4-Pro          # which benchmark would pin a model down best
  irt-elo fetch                                 # download Epoch's current release, then use --vintage latest
  irt-elo fit scores.csv --percent -o ranks.csv # your own long or wide table, scores in %
  irt-elo fit --scale elo --anchor GPT-5=1500   # same fit on an Elo scale

Run `irt-elo COMMAND --help` for each command's options and a worked example.
"""


class VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked (package metadata is slow to read)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from irt_elo._version import version_string

        sys.stdout.write(version_string() + "\n")
        parser.exit()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``irt-elo`` parser. Without ``argv`` every command's options are built; with it only those of the command
    (and plot kind) that ``argv`` names, the others listed by name and help: building every parser would cost more
    start-up time than all the rest of ``irt-elo --help``."""
    parser = argparse.ArgumentParser(
        prog="irt-elo", formatter_class=HelpFormatter, epilog=EPILOG,
        description="Recompute AI capability indices (Epoch's ECI, CAISI's IRT-Elo) with item response theory.")
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    words = None if argv is None else [a for a in argv if not a.startswith("-")]
    command = None if not words else words[0]
    for name in COMMANDS:
        mod = importlib.import_module(f"{__name__}.{name}")
        if words is not None and name != command:
            sub.add_parser(name, help=mod.HELP)
        elif name == "plot":
            mod.add_parser(sub, kind=words[1] if words and len(words) > 1 else None)
        else:
            mod.add_parser(sub)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (``timeout``, CI runners, schedulers), raised where the program is, so that it unwinds as Ctrl-C
    does: worker processes stopped, temporary files removed, nothing half-written."""


def _raise_terminated(signum: int, frame: object) -> None:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``irt-elo ARGV``; returns the exit status (0, 2 for bad input, 130 on Ctrl-C, 143 on SIGTERM).

    Everything printed goes through :func:`irt_elo.data.safe_text.terminal_safe` (names from other people's files
    cannot send escape sequences to the terminal), and SIGTERM is handled like Ctrl-C."""
    import signal
    import threading

    from irt_elo.data.safe_text import SafeStream

    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    in_main_thread = threading.current_thread() is threading.main_thread()  # signals can be set only there
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if in_main_thread else None
    try:
        return _run(argv)
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
        sys.stdout, sys.stderr = streams


def _run(argv: Sequence[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    import warnings

    def one_line(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: Any = None,
                 line: str | None = None) -> None:
        # A warning is a sentence for the user, not a source location: one line, like the errors.
        print(f"irt-elo {args.command}: warning: {message}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = one_line
            return int(args.run(args) or 0)
    except IrtEloError as e:
        print(f"irt-elo {args.command}: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`irt-elo fit | head`): stop quietly, as a command killed by SIGPIPE would (141), and
        # point stdout at /dev/null so the interpreter's final flush does not complain either.
        import os

        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
        except (OSError, AttributeError, ValueError):
            pass
        return 141
    except (OSError, PermissionError) as e:
        print(f"irt-elo {args.command}: error: {e.strerror or e}: {getattr(e, 'filename', '') or ''}".rstrip(": "),
              file=sys.stderr)
        return 2
    except Terminated:
        print("irt-elo: terminated (SIGTERM)", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("irt-elo: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
