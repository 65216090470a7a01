"""``irt-elo forecast``: both frontiers and the gap projected forward, with a backtest; ``irt-elo plot forecast``."""
from __future__ import annotations

import argparse

from irt_elo.cli import options as opt
from irt_elo.errors import IrtEloError

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

HELP = "project both frontiers and the gap forward, with a backtest of such forecasts"

EXAMPLES = """\
examples:
  # 12 months ahead from the bundled 2026-08-11 scores, backtested by release-date cuts and on the 2025-12-19 release:
  irt-elo forecast
  # two years ahead, one straight line per frontier, everything as JSON:
  irt-elo forecast --horizon 2y --trend linear -o forecast.json
  # China vs the US (country frontiers), the backtest rows as CSV:
  irt-elo forecast --by country --backtest-out backtest.csv
  # the figure: frontiers with their projected bands, the gap in months, and the backtest
  irt-elo plot forecast -o forecast.png
"""

PLOT_EXAMPLES = {"forecast": "examples:\n  irt-elo plot forecast -o forecast.png\n"
                             "  irt-elo plot forecast --horizon 2y --backtest none -o forecast.svg\n"}

BACKTESTS = ("both", "cuts", "vintage", "none")
DEFAULT_EARLIER_VINTAGE = "2025-12-19"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "forecast", help=HELP, epilog=EXAMPLES, formatter_class=opt.HelpFormatter,
        description="Project the leading and trailing groups' frontiers (open vs closed weights by default) and the "
                    "gap between them --horizon ahead, with prediction intervals; say when the trailing frontier "
                    "reaches the leader's current level and whether the gap closes within the horizon. Backtest: "
                    "the same forecast made at past release dates, and from an earlier Epoch release, scored "
                    "against what the data show happened (coverage of the intervals, median error in months).")
    add_forecast_arguments(p)
    o = opt.add_output(p, output="write the forecast (trends, projected path, catch-up, backtests) as JSON, or the "
                                 "projected path as CSV")
    o.add_argument("--backtest-out", metavar="OUT", help="write the backtest rows as CSV (or .json)")
    p.set_defaults(run=run)


def add_forecast_arguments(p: argparse.ArgumentParser) -> None:
    """Data and question options shared by ``irt-elo forecast`` and ``irt-elo plot forecast``."""
    from irt_elo.cli.gap import add_source_arguments

    add_source_arguments(p)
    q = p.add_argument_group("question")
    opt.add_forecast(q)
    q.add_argument("--as-of", metavar="DATE",
                   help="forecast date: use only models released on or before it (default: the newest release)")
    q.add_argument("--from", dest="start", metavar="DATE",
                   help="fit the trends on models released on or after DATE (default: all)")
    q.add_argument("--trend", choices=("auto", "linear", "breakpoint"), default="auto",
                   help="trend of each frontier: one line, two pieces joined at a break, or auto (two pieces where "
                        "the records' BIC prefers them)")
    opt.add_grouping(q, by_help="grouping (default: open vs closed weights)")
    b = p.add_argument_group("backtest")
    b.add_argument("--backtest", choices=BACKTESTS, default="both",
                   help="release-date cuts of the data, a forecast from --earlier-vintage, both, or none")
    b.add_argument("--every", default="3m", metavar="DURATION",
                   help="spacing of the release-date backtest's cut dates and of the dates each of its forecasts is "
                        "scored on (the vintage backtest's one forecast is scored every month)")
    b.add_argument("--earlier-vintage", metavar="VINTAGE",
                   help=f"the earlier Epoch release the vintage backtest forecasts from (default "
                        f"{DEFAULT_EARLIER_VINTAGE}, with the bundled data or a later vintage)")
    from irt_elo.cli.gap import BOOTSTRAP_HELP

    opt.add_uncertainty(p, bootstrap=BOOTSTRAP_HELP)


def compute(args: argparse.Namespace) -> Any:
    """The forecast for the options, with the backtests asked for attached."""
    from irt_elo.analysis.capabilities import to_date
    from irt_elo.analysis.forecast import backtest, forecast, parse_horizon, vintage_backtest
    from irt_elo.cli._common import check_level
    from irt_elo.cli.gap import load_capabilities

    horizon = parse_horizon(args.horizon)
    every = parse_horizon(args.every)
    check_level(args.level)
    if args.n_paths < 20:
        raise IrtEloError(f"--paths {args.n_paths}: use at least 20 simulated paths (default 500)")
    as_of = to_date(args.as_of, "--as-of") if args.as_of else None
    start = to_date(args.start, "--from") if args.start else None
    earlier_name = earlier_vintage(args)
    caps = load_capabilities(args)
    if args.by or args.unknown_as:
        caps = caps.regroup(args.by or "open", unknown=args.unknown_as)
    by = args.by or "open"
    lead = args.lead or {"country": "United States of America", "closed-us": "closed US"}.get(by, "closed")
    trail = args.trail or {"country": "China"}.get(by, "open")
    common = dict(start=start, form=args.trend, level=args.level, seed=args.seed)
    res = forecast(caps, lead, trail, horizon=horizon, as_of=as_of, n_draws=args.n_paths, **common)
    if args.backtest in ("both", "cuts"):
        res.backtests.append(backtest(caps, lead, trail, horizon=horizon, every=every,
                                      n_draws=min(args.n_paths, 200), **common))
    if args.backtest in ("both", "vintage") and earlier_name is not None:
        from irt_elo.analysis.vintages import vintage_capabilities
        from irt_elo.data.vintages import resolve_vintage

        earlier = vintage_capabilities(resolve_vintage(earlier_name))
        if args.by or args.unknown_as:
            earlier = earlier.regroup(by, unknown=args.unknown_as)
        res.backtests.append(vintage_backtest(earlier, caps, lead, trail, n_draws=min(args.n_paths, 200),
                                              **common))
    return caps, res


def earlier_vintage(args: argparse.Namespace) -> str | None:
    """The earlier release of the vintage backtest: the option, else 2025-12-19 when the data are the bundled
    release or a later vintage; None when there is nothing earlier to forecast from."""
    if args.backtest not in ("both", "vintage"):
        if args.earlier_vintage:
            raise IrtEloError(f"--earlier-vintage does not apply with --backtest {args.backtest}")
        return None
    if args.earlier_vintage:
        return args.earlier_vintage
    if default_earlier_vintage(args) is not None:
        return DEFAULT_EARLIER_VINTAGE
    if args.backtest == "vintage":
        raise IrtEloError("--backtest vintage needs --earlier-vintage with your own data (the earlier release to "
                          "forecast from)")
    return None


def default_earlier_vintage(args: argparse.Namespace) -> str | None:
    """2025-12-19 when the data are the bundled release or a later vintage (the earlier release a forecast can be
    made from and scored against the data); None for the user's own data."""
    from irt_elo.cli._common import chosen_vintage

    chosen = chosen_vintage(args)
    if args.data is None and (chosen is None or chosen.date > DEFAULT_EARLIER_VINTAGE):
        return DEFAULT_EARLIER_VINTAGE
    return None


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from irt_elo.cli._common import Outputs, check_outputs

    inputs = [args.data] if args.data else []
    check_outputs(args.output, args.backtest_out, inputs=inputs)
    caps, res = compute(args)
    rows = _backtest_rows(res)
    with Outputs(inputs, raw_csv=args.raw_csv) as out:  # every file lands, or none
        if args.output and Path(args.output).suffix.lower() == ".json":
            out.json({**res.to_dict(), "command": "irt-elo forecast"}, args.output)
        else:
            out.frame(res.path, args.output, meta={"data": res.data, "as_of": str(res.as_of.date())}, key="path")
        out.frame(rows, args.backtest_out, meta={"data": res.data}, key="backtest")
    if not args.quiet:
        from irt_elo.cli.gap import freshness

        print(describe(res))
        note = freshness(args)
        if note:
            print(note)
    return 0


def _backtest_rows(res: Any) -> Any:
    import pandas as pd

    frames = [b.rows.assign(backtest=b.kind) for b in res.backtests if len(b.rows)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def describe(res: Any) -> str:
    """The printed report: trends, the projected path, catch-up, closing, and each backtest's summary."""
    import pandas as pd

    from irt_elo.cli._common import format_table, value_interval

    def d(ts: Any) -> str:
        return "" if ts is None or pd.isna(ts) else f"{ts:%Y-%m-%d}"

    lines = [f"Forecast: {res.trail} frontier vs {res.lead} frontier, {res.horizon} from {d(res.as_of)} (to "
             f"{d(res.end)}); {res.scale}; {res.level:.0%} prediction intervals", f"  data: {res.data}",
             f"  paths: {res.draws_text}"]
    for t in res.trends.values():
        form = (f"two pieces, break {d(t.break_date)}" if t.form == "breakpoint" else "one line")
        lines.append(f"  {t.group}: now {t.level_now:.1f} ({t.leader_now}); trend {form}, {t.slope:+.1f}/yr "
                     f"(projected drift {t.drift:+.1f} [{t.drift_low:+.1f}, {t.drift_high:+.1f}]/yr from "
                     f"{t.n_jumps} record jumps); {t.n_records} frontier records")
    lines.append(f"  gap now: {res.gap_now_points:.1f} points, {res.gap_now_months:.1f} months")
    p = res.path
    keep = p.iloc[sorted({*range(2, len(p), 3), len(p) - 1})]
    table = pd.DataFrame({
        "date": keep["date"].dt.strftime("%Y-%m-%d"),
        res.lead: [value_interval(r[0], r[1], r[2]) for r in keep[[res.lead, f"{res.lead}_low",
                                                                    f"{res.lead}_high"]].to_numpy()],
        res.trail: [value_interval(r[0], r[1], r[2]) for r in keep[[res.trail, f"{res.trail}_low",
                                                                     f"{res.trail}_high"]].to_numpy()],
        "gap (points)": [value_interval(r[0], r[1], r[2]) for r in keep[["gap_points", "gap_points_low",
                                                                         "gap_points_high"]].to_numpy()],
        "gap (months)": [value_interval(r[0], r[1], r[2]) for r in keep[["gap_months", "gap_months_low",
                                                                         "gap_months_high"]].to_numpy()]})
    lines += [format_table(table, max_width=40), f"  {res.catch_up_text}", f"  {res.close_text}"]
    for b in res.backtests:
        lines.append(f"Backtest ({b.kind}): {b.description}")
        s = b.summary
        if not len(s):
            lines.append("  nothing to score")
            continue
        lines.append(format_table(pd.DataFrame({
            "quantity": s["quantity"], "targets": s["n"].astype(str),
            f"inside {b.level:.0%} interval": [f"{c:.0%}" for c in s["coverage"]],
            "median |error| (months)": [f"{v:.1f}" for v in s["median_abs_error_months"]],
            "median error (months)": [f"{v:+.1f}" for v in s["median_error_months"]]}), max_width=40))
    return "\n".join(lines)


def add_plot_arguments(p: argparse.ArgumentParser, kind: str) -> None:
    """Options of ``irt-elo plot forecast``: those of ``irt-elo forecast`` and a figure file."""
    add_forecast_arguments(p)
    opt.add_quiet(p.add_argument_group("output"))
    opt.add_figure_output(p, "forecast.png")


def run_plot(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from irt_elo.cli._common import check_figure_path, figure_path, save_figure
    from irt_elo.plots.forecast import plot_forecast

    inputs = [args.data] if args.data else []
    check_figure_path(figure_path(args), inputs=inputs)
    _, res = compute(args)
    fig = plot_forecast(res)
    out = save_figure(fig, figure_path(args), inputs=inputs)
    plt.close(fig)
    if not args.quiet:
        print(describe(res))
        print(f"wrote {out}")
    return 0
