"""``irt-elo fetch``: download Epoch's ``benchmark_data.zip`` into the per-user cache, or list the vintages
available offline."""
from __future__ import annotations

import argparse
import sys

from irt_elo.cli import options as opt
from irt_elo.errors import IrtEloError

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

EXAMPLES = """\
examples:
  # Today's zip from Epoch (updated daily) into the per-user cache; prints its date, path, sha256 and size:
  irt-elo fetch
  # The vintages available offline: the bundled ECI releases and every distinct zip fetched so far:
  irt-elo fetch --list
  # A mirror, kept in a project folder instead of the per-user cache (then `--vintage` finds it too):
  IRT_ELO_CACHE_DIR=.irt-elo-cache irt-elo fetch --url https://mirror.example.org/benchmark_data.zip

Each distinct download is kept as <cache>/epoch/<date>_<sha256[:12]>/benchmark_data.zip with provenance.json
beside it (URLs, ETag, Last-Modified, sizes, sha256, time, layout, licence and citation); the same bytes again are
reported as unchanged and not stored twice. The cache is --cache-dir, else $IRT_ELO_CACHE_DIR, else the per-user
cache folder. Epoch's data is CC BY 4.0: cite "Epoch AI, 'Capabilities & Benchmarking'. Published online at
epoch.ai."
"""

HELP = "download Epoch's latest benchmark_data.zip into the cache, or list the vintages available offline"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("fetch", help=HELP,
                       description="Download Epoch's benchmark_data.zip (checked: HTTP 200, a zip, complete) into "
                                   "the per-user cache as a dated vintage, or list the vintages available offline.",
                       epilog=EXAMPLES, formatter_class=opt.HelpFormatter)
    opt.add_fetch(p)
    o = p.add_argument_group("output")
    opt.add_quiet(o)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from irt_elo.data.vintages import DEFAULT_URL, cache_root, fetch, list_vintages

    if args.list:
        if args.url:
            raise IrtEloError("--list downloads nothing; drop --url (or --list to download)")
        print(vintage_table(list_vintages(args.cache_dir)))
        print(f"cache: {cache_root(args.cache_dir)}")
        return 0
    if not args.timeout > 0:
        raise IrtEloError(f"--timeout {args.timeout:g}: give a positive number of seconds")
    url = args.url or DEFAULT_URL
    v = fetch(url, cache_dir=args.cache_dir, timeout=args.timeout,
              progress=not args.quiet and sys.stderr.isatty())
    if not args.quiet:
        what = "new vintage" if v.status == "new" else f"unchanged: the same content as vintage {v.name}"
        print(f"fetched {url}: {what}")
        for key, value in (("date", v.date), ("path", v.path), ("sha256", v.sha256),
                           ("size", f"{human_size(v.size)} ({v.size:,} bytes)"), ("layout", v.layout)):
            print(f"  {key:<7}{value}")
    return 0


def vintage_table(vintages: list[Any]) -> str:
    """The vintages as a fixed-width table, newest first, the latest marked."""
    rows = [("vintage", "kind", "layout", "size", "sha256", "path")]
    rows += [(v.name + (" (latest)" if i == 0 else ""), v.kind, v.layout, human_size(v.size), v.sha256[:12],
              str(v.path)) for i, v in enumerate(vintages)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join([c.ljust(w) for c, w in zip(r, widths)] + [r[-1]]) for r in rows]
    lines.insert(1, "  ".join(["-" * w for w in widths] + ["-" * 4]))
    return "\n".join(lines)


def human_size(n: int) -> str:
    """Bytes in the largest unit that keeps the number at least 1 (decimal units, as HTTP and file managers)."""
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"  # pragma: no cover


__all__ = ["HELP", "add_parser", "run", "vintage_table", "human_size"]
