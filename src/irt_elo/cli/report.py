"""``irt-elo report``: one self-contained HTML page with the headlines, the decomposition, every published claim,
the gap over time and its trend, and the forecast with its backtest."""
from __future__ import annotations

import argparse

from irt_elo.cli import options as opt
from irt_elo.errors import IrtEloError

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

HELP = "write one HTML page: headlines, decomposition, claims, gap trend, forecast and backtest"

EXAMPLES = """\
examples:
  irt-elo report -o report.html                  # the bundled 2026-08-11 release
  irt-elo report --vintage latest -o today.html  # today's release, after `irt-elo fetch`
  irt-elo report my_eci_scores.csv --claims my_claims.csv -o mine.html
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report", help=HELP, epilog=EXAMPLES, formatter_class=opt.HelpFormatter,
        description="One self-contained HTML page (figures embedded; opens without a network): the data vintage, "
                    "Epoch's and CAISI's headline questions with intervals, the decomposition from the eci to the "
                    "caisi preset, every published gap claim with its verdict, the gap over time and whether it "
                    "is widening, and the forecast with its backtest. The numbers are those of `irt-elo gap`, "
                    "`compare`, `claims` and `forecast` on the same data and seed.")
    from irt_elo.cli.gap import BOOTSTRAP_HELP, add_source_arguments

    add_source_arguments(p)
    g = p.add_argument_group("report")
    opt.add_claims(g)
    opt.add_forecast(g)
    g.add_argument("--title", help="the page's title")
    opt.add_uncertainty(p, bootstrap=BOOTSTRAP_HELP + "; also the draws of each refit of the decomposition")
    o = p.add_argument_group("output")
    o.add_argument("-o", "--output", metavar="OUT", help="the page, .html (default report.html)")
    opt.add_quiet(o)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from irt_elo.analysis.forecast import parse_horizon
    from irt_elo.cli._common import Outputs, check_bootstrap, check_level, check_outputs

    inputs = [x for x in (args.data, args.claims) if x]
    args.output = args.output or "report.html"
    check_outputs((args.output, ("html", "htm")), inputs=inputs)
    check_level(args.level)
    parse_horizon(args.horizon)
    if args.n_paths < 20:
        raise IrtEloError(f"--paths {args.n_paths}: use at least 20 simulated paths (default 500)")
    n_boot = check_bootstrap(opt.REFIT_BOOTSTRAP if args.bootstrap is None else args.bootstrap)
    if n_boot < 2:
        raise IrtEloError(f"--bootstrap {n_boot}: the report's decomposition needs at least 2 draws per refit")
    import matplotlib

    matplotlib.use("Agg")  # files only, whatever backend the environment names
    report = compute(args, n_boot)
    html = report.to_html()
    with Outputs(inputs) as out:
        out.add(args.output, lambda p: p.write_text(html, encoding="utf-8"), ("html", "htm"))
    if not args.quiet:
        n = len(report.claims.table) if report.claims is not None else 0
        print(f"wrote {args.output}: {report.data}, {n} claims, {len(report.figures)} figures")
    return 0


def compute(args: argparse.Namespace, n_boot: int) -> Any:
    """The report's results for the options: the data as `irt-elo gap` reads it, the fit input behind it when there
    is one, the claims as `irt-elo claims` checks them, and the earlier release for the forecast's backtest."""
    from irt_elo.analysis.claims import check_claims
    from irt_elo.cli.claims import load_data
    from irt_elo.cli.forecast import default_earlier_vintage
    from irt_elo.cli.gap import load_capabilities
    from irt_elo.data.claims import read_claims
    from irt_elo.report import build_report

    extra = read_claims(args.claims) if args.claims else None
    caps = load_capabilities(args)
    table = fit_input(args)
    claims = check_claims(**load_data(args), claims=extra, ids=args.claim, level=args.level, seed=args.seed)
    earlier = None
    name = default_earlier_vintage(args)
    if name is not None:
        from irt_elo.analysis.vintages import vintage_capabilities
        from irt_elo.data.vintages import resolve_vintage

        earlier = vintage_capabilities(resolve_vintage(name))
    return build_report(caps, table, claims=claims, earlier=earlier, level=args.level, seed=args.seed,
                        n_boot=n_boot, horizon=args.horizon, n_paths=args.n_paths, title=args.title)


def fit_input(args: argparse.Namespace) -> Any:
    """The score table behind the data (bundled input, a vintage's or release's input, the user's score table), or
    None for a table of fitted capabilities."""
    from irt_elo.cli._common import is_capability_file, load_table

    if args.data is not None and is_capability_file(args.data):
        return None
    return load_table(args)
