"""``irt-elo plot KIND``: write a figure (PNG, SVG or PDF by the output suffix).

Each plot kind lives with the command that computes its data; this module only dispatches. A kind is registered
as ``name: (module, help)`` where the module exposes ``add_plot_arguments(parser)`` and ``run_plot(args)``.
"""
from __future__ import annotations

import importlib

from irt_elo.cli.options import HelpFormatter

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

# name -> (module under irt_elo.cli, one-line help)
KINDS: dict[str, tuple[str, str]] = {
    "capabilities": ("fit", "fitted capability against release date, open vs closed"),
    "gap": ("gap", "both frontiers with interval bands and the gap over time (points and months)"),
    "trend": ("gap", "frontier trend: slope per year, breakpoint scan or slope ratio"),
    "forecast": ("forecast", "both frontiers projected with prediction bands, the gap in months, and the backtest"),
    "compare": ("compare", "waterfall: the headline gap after each method choice from the eci to the caisi preset"),
    "subsets": ("compare", "distribution of the headline gap over random benchmark subsets"),
    "items": ("diagnose", "item characteristic curves: predicted score vs capability, with observed scores"),
    "information": ("diagnose", "benchmark information curves and their total: where the fit pins capability down"),
    "fit": ("diagnose", "worst fit statistics (infit/outfit mean squares) per benchmark or model"),
}

EXAMPLES = """\
examples:
  irt-elo plot capabilities -o eci.png          # the bundled ECI fit, capability vs release date
  irt-elo plot capabilities my.csv -o fig.svg   # your own table
  irt-elo plot gap -o gap.png                   # open vs closed frontiers and the gap over time
  irt-elo plot compare -o waterfall.svg         # which method choice moves the headline gap
"""


HELP = "draw a figure (PNG/SVG/PDF)"  # the line `irt-elo --help` lists


def add_parser(sub: Any, kind: str | None = None) -> None:
    """``irt-elo plot``; with ``kind`` (the kind on the command line) only that kind's options are built."""
    p = sub.add_parser("plot", help=HELP, description=__doc__.splitlines()[0],
                       epilog=EXAMPLES, formatter_class=HelpFormatter)
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    for name, (module, help_) in KINDS.items():
        if kind is not None and name != kind:
            kinds.add_parser(name, help=help_)
            continue
        mod = importlib.import_module(f"{__package__}.{module}")
        kp = kinds.add_parser(name, help=help_, description=help_, formatter_class=HelpFormatter,
                              epilog=getattr(mod, "PLOT_EXAMPLES", {}).get(name, ""))
        mod.add_plot_arguments(kp, name)
        kp.set_defaults(run=mod.run_plot)
