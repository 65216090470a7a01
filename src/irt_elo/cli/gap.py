"""``irt-elo gap``: how far open models (or one country, or one model) trail the frontier, by Epoch's or CAISI's
procedure; ``irt-elo plot gap|trend``: the matching figures."""
from __future__ import annotations

import argparse

from irt_elo.cli import options as opt
from irt_elo.errors import IrtEloError

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

EXAMPLES = """\
examples:
  # Epoch's May-2026 procedure on the bundled 2026-08-11 scores (open behind closed, 2026-01-01..2026-05-28):
  irt-elo gap
  # Epoch's Oct-2025 procedure on the Dec-2025 scores, with the point-estimate catch-up criterion:
  irt-elo gap --vintage 2025-12-19 --method epoch-2025 --criterion point
  # CAISI's question: how many months DeepSeek-V4-Pro lags the closed US frontier (JSON with the details):
  irt-elo gap --model DeepSeek-V4-Pro -o v4_lag.json
  # CAISI's per-country trend procedure (US vs China frontiers):
  irt-elo gap --method caisi --from 2024-01-01
  # The same question on a refit with the caisi preset (100 bootstrap draws), as `irt-elo compare` answers it:
  irt-elo gap --preset caisi --model DeepSeek-V4-Pro
  # Your own table: fitted capabilities (model,capability,ci_low,ci_high,release_date,group) or scores (fitted
  # first with a preset and --bootstrap draws; --uncertainty draws uses them as paired draws):
  irt-elo gap my_eci_scores.csv --from 2026-01-01 --to 2026-03-31 -o gap.json
"""

PLOT_EXAMPLES = {
    "gap": "examples:\n  irt-elo plot gap -o gap.png                      # Epoch May-2026 method, bundled data\n"
           "  irt-elo plot gap --method caisi -o caisi.svg\n"
           "  irt-elo plot gap --model DeepSeek-V4-Pro -o v4.png    # the closed frontier against one model\n",
    "trend": "examples:\n  irt-elo plot trend -o trend.png                  # breakpoint scan of the overall frontier\n"
             "  irt-elo plot trend --kind ratio --split 2024-04-01 --vintage 2025-12-19 -o ratio.png\n"
             "  irt-elo plot trend --kind linear --group closed -o closed.svg\n",
}


HELP = "open-vs-closed (or country) gap by Epoch's or CAISI's procedure"  # the line `irt-elo --help` lists


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "gap", help=HELP,
        description="Average gap between two groups' frontiers (months and points, with intervals) by Epoch's "
                    "May-2026 or Oct-2025 procedure or CAISI's trend procedure, or how many months one model lags "
                    "(--model). The catch-up criterion is explicit (--criterion).",
        epilog=EXAMPLES, formatter_class=opt.HelpFormatter)
    add_gap_arguments(p)
    o = opt.add_output(p, output="write the result (numbers, method, series) as JSON")
    o.add_argument("--series-out", metavar="OUT", help="write the per-date series as CSV (or .json)")
    p.set_defaults(run=run)


BOOTSTRAP_HELP = (f"when DATA is a score table (or a fit option is given): bootstrap draws of the fit for the "
                  f"intervals (default {opt.REFIT_BOOTSTRAP}, as `irt-elo compare`); not allowed with a capability "
                  "table")


def add_gap_arguments(p: argparse.ArgumentParser) -> None:
    """Data, question and uncertainty options shared by ``irt-elo gap`` and ``irt-elo plot gap``."""
    add_source_arguments(p)
    m = p.add_argument_group("question")
    m.add_argument("--method", choices=("epoch-2026", "epoch-2025", "caisi"),
                   help="epoch-2026: day by day (Epoch, May 2026; the default); epoch-2025: averaged over the "
                        "capability range (Epoch, Oct 2025); caisi: least-squares trends of per-group frontiers")
    m.add_argument("--from", dest="start", metavar="DATE",
                   help="window start YYYY-MM-DD (default: the published window of the method)")
    m.add_argument("--to", dest="end", metavar="DATE", help="window end YYYY-MM-DD")
    m.add_argument("--criterion", choices=("two-sided", "one-sided", "point"),
                   help="caught up = not significantly different (two-sided), not significantly better "
                        "(one-sided), or point estimate reached (default: two-sided; point with --model)")
    m.add_argument("--alpha", type=float, default=0.05, help="significance level of the catch-up test")
    opt.add_model(m, "instead of the group average: how many months this model lags the leading group "
                     "(CAISI's question)")
    m.add_argument("--how", choices=("record", "trend"), default="record",
                   help="with --model: the leader's frontier models, or its least-squares trend line")
    opt.add_grouping(m, by_help="grouping (default: open vs closed weights; country for --method caisi; closed-us, "
                                "the default with --model: closed US models, CAISI's frontier, vs open)")
    m.add_argument("--days-per-month", type=float, default=30.5, help="months = days / this (IAPS: 30.5)")
    opt.add_uncertainty(p, bootstrap=BOOTSTRAP_HELP, draws=True, test=True)


def add_source_arguments(p: argparse.ArgumentParser) -> None:
    """DATA (capability table, Epoch release or score table) or --vintage, and the fit options for score tables."""
    opt.add_data(p)
    for a in p._actions:  # same positional, gap-specific help
        if a.dest == "data":
            a.help = ("a table of fitted capabilities with intervals (Epoch's eci_scores.csv, or columns model, "
                      "capability, ci_low, ci_high, release_date, group), one of Epoch's releases (zip or folder: "
                      "its published scores and bootstrap draws) or a score table (fitted first); default: the "
                      "bundled Epoch eci_scores.csv of 2026-08-11")
    opt.add_method(p)
    opt.add_scale(p)


FIT_OPTIONS = ("preset", "form", "loss", "precision", "ridge", "penalty", "anchor_benchmark", "min_benchmarks",
               "since", "until", "benchmarks", "start_seed", "scale", "anchor", "points_per_logit", "elo_3x")


def load_capabilities(args: argparse.Namespace):
    """Capabilities from the options: published scores (bundled, a vintage, an Epoch release, a capability table)
    as they are, or a score table fitted (and bootstrapped) first."""
    from pathlib import Path

    from irt_elo.analysis.capabilities import Capabilities
    from irt_elo.cli._common import check_bootstrap, fitter_from_args, is_capability_file, load_table
    from irt_elo.data.readers.epoch_release import is_release, read_release

    fit_options = [o for o in FIT_OPTIONS if getattr(args, o, None)]
    fit_asked = bool(fit_options) or args.bootstrap is not None
    if args.data is None and not fit_asked:
        return published_default(args)
    if args.data is not None:
        path = Path(args.data)
        if is_release(path) and not fit_asked:
            return Capabilities.from_release(read_release(path))
        if is_capability_file(path):
            if fit_asked:
                given = ", ".join("--" + o.replace("_", "-") for o in fit_options) or "--bootstrap"
                raise IrtEloError(f"{path}: is a table of fitted capabilities; {given} apply to score tables only")
            return Capabilities.from_scores(path)
    n_boot = check_bootstrap(opt.REFIT_BOOTSTRAP if args.bootstrap is None else args.bootstrap)
    try:
        table = load_table(args)
    except IrtEloError as e:
        if args.data is None or not Path(args.data).is_file():  # missing file, folder: the reader's message says it
            raise
        raise IrtEloError(f"not a capability table (model, capability, ci_low, ci_high, release_date[, group]) nor a "
                          f"score table: {e}") from None
    fitter = fitter_from_args(args, table).fit(table)
    boot = None
    if n_boot:
        from irt_elo.fit.uncertainty import bootstrap

        boot = bootstrap(fitter, n_boot=n_boot, seed=args.seed, level=args.level, n_jobs=args.jobs,
                         scheduler=args.scheduler)
    return Capabilities.from_fitter(fitter, bootstrap=boot, level=args.level)


def published_default(args: argparse.Namespace):
    """The published capabilities of ``--vintage``, else of the bundled 2026-08-11 release."""
    from irt_elo.analysis.capabilities import Capabilities
    from irt_elo.analysis.vintages import vintage_capabilities
    from irt_elo.cli._common import chosen_vintage
    from irt_elo.data.bundled import bundled_path
    from irt_elo.data.datasets import LATEST_ECI

    vintage = chosen_vintage(args)
    if vintage is not None:
        return vintage_capabilities(vintage)
    return Capabilities.from_scores(bundled_path(f"epoch_eci_{LATEST_ECI}/eci_scores.csv"))


def freshness(args: argparse.Namespace) -> str | None:
    """How old the bundled data is and how to get newer, when the command used the bundled default."""
    if args.data is not None or getattr(args, "vintage", None) is not None:
        return None
    from datetime import date

    from irt_elo.data.datasets import LATEST_ECI

    age = (date.today() - date.fromisoformat(LATEST_ECI)).days
    return (f"  data vintage: Epoch's ECI release of {LATEST_ECI}, bundled with irt-elo ({age} days old); "
            "`irt-elo fetch` downloads today's release, then add --vintage latest")


def compute(args: argparse.Namespace):
    """(capabilities, result) for the options; validates cheap options before any fitting."""
    from irt_elo.analysis.capabilities import to_date
    from irt_elo.analysis.gap import gap, model_lag
    from irt_elo.cli._common import check_jobs, check_level

    start = to_date(args.start, "--from") if args.start else None
    end = to_date(args.end, "--to") if args.end else None
    if start is not None and end is not None and start > end:
        raise IrtEloError(f"--from {start:%Y-%m-%d} is after --to {end:%Y-%m-%d}; swap them")
    check_level(args.level)
    if args.n_draws < 2:
        raise IrtEloError(f"--draws needs at least 2, got {args.n_draws}")
    check_jobs(args.jobs)
    if args.model:
        for opt, val in (("--from", args.start), ("--trail", args.trail), ("--method", args.method)):
            if val:
                raise IrtEloError(f"{opt} does not apply with --model (the lag is measured at the model's release, "
                                  "against the leading group's frontier; --how trend uses its trend line)")
    caps = load_capabilities(args)
    if args.uncertainty == "draws" and caps.draws is None:
        raise IrtEloError("--uncertainty draws needs bootstrap draws: an Epoch release that ships them "
                          "(eci_bootstraps.json), or a score table (or a fit option such as --preset) with "
                          "--bootstrap N")
    by = args.by or ("closed-us" if args.model else None)  # CAISI's question is asked of the closed US frontier
    common = dict(level=args.level, alpha=args.alpha, by=by, unknown=args.unknown_as, n_draws=args.n_draws,
                  seed=args.seed, days_per_month=args.days_per_month, uncertainty=args.uncertainty)
    if args.model:
        default_lead = {"country": "United States of America", "closed-us": "closed US"}.get(by, "closed")
        res = model_lag(caps, args.model, lead=args.lead or default_lead,
                        criterion=args.criterion or "point", how=args.how, end=end, **common)
    else:
        res = gap(caps, args.method or "epoch-2026", start=start, end=end, lead=args.lead, trail=args.trail,
                  criterion=args.criterion or "two-sided", **common)
    return caps, res


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from irt_elo.cli._common import Outputs, check_outputs, written_in_place

    inputs = [args.data] if args.data else []
    if args.output and written_in_place(args.output) and Path(args.output).suffix.lower() != ".json":
        raise IrtEloError(f"{args.output}: the gap result is written as JSON; use a .json file name")
    check_outputs(args.output, args.series_out, inputs=inputs)
    if args.vintage == "all":
        return run_all_vintages(args)
    caps, res = compute(args)
    with Outputs(inputs, raw_csv=args.raw_csv) as out:  # both files land, or neither
        out.json({**res.to_dict(), "command": "irt-elo gap"}, args.output)
        out.frame(res.series, args.series_out, meta={"method": res.method, "data": res.data}, key="series")
    if not args.quiet:
        print(describe(res))
        note = freshness(args)
        if note:
            print(note)
    return 0


ALL_VINTAGES_REFUSES = ("data", "by", "lead", "trail", "unknown_as", "series_out")  # a Question cannot carry them


def vintage_question(args: argparse.Namespace) -> Any:
    """The one question `--vintage all` asks of every vintage (Epoch's, or CAISI's with --model)."""
    from irt_elo.analysis.capabilities import to_date
    from irt_elo.analysis.compare import CAISI_QUESTION, EPOCH_QUESTION
    from irt_elo.cli._common import check_level

    for dest in ALL_VINTAGES_REFUSES + tuple(FIT_OPTIONS) + ("bootstrap",):
        if getattr(args, dest, None) not in (None, False):
            option = "DATA" if dest == "data" else "--" + dest.replace("_", "-")
            raise IrtEloError(f"{option} does not apply with --vintage all: every vintage's published scores are "
                              "asked the same question (Epoch's, or CAISI's with --model)")
    check_level(args.level)
    for opt_name, value in (("--from", args.start), ("--to", args.end)):
        if value:
            to_date(value, opt_name)
    if args.model:
        return CAISI_QUESTION.with_(model=args.model, criterion=args.criterion or "point", uncertainty=args.uncertainty,
                                    label=f"months {args.model} lags the closed US frontier")
    method = args.method or "epoch-2026"
    from irt_elo.analysis.gap import DEFAULT_WINDOWS

    start, end = DEFAULT_WINDOWS[method]
    return EPOCH_QUESTION.with_(method=method, start=args.start or start, end=args.end or end,
                                criterion=args.criterion or "two-sided", uncertainty=args.uncertainty,
                                label=f"average lag of the best open-weights model ({method}, "
                                      f"{args.start or start or 'start'}..{args.end or end or 'end'})")


def all_vintages(args: argparse.Namespace) -> Any:
    """The question answered on every available vintage (bundled and fetched), oldest first."""
    from irt_elo.analysis.vintages import gap_all_vintages

    return gap_all_vintages(vintage_question(args), level=args.level, seed=args.seed)


def run_all_vintages(args: argparse.Namespace) -> int:
    from irt_elo.cli._common import write_json

    vg = all_vintages(args)
    if args.output:
        write_json({**vg.to_dict(), "command": "irt-elo gap --vintage all"}, args.output)
    if not args.quiet:
        print(describe_vintages(vg))
    return 0


def describe_vintages(vg: Any) -> str:
    """The table of --vintage all: one row per vintage, then what moved the answer between consecutive ones."""
    import pandas as pd

    from irt_elo.cli._common import format_table, value_interval

    f = vg.frame
    rows = pd.DataFrame({
        "vintage": f["vintage"], "data": f["data"], "models": f["n_models"].astype(str),
        "last release": f["last_release"],
        "months": [value_interval(r.gap_months, r.gap_months_low, r.gap_months_high, ".2f", "")
                   for r in f.itertuples()],
        "points": [value_interval(r.gap_points, r.gap_points_low, r.gap_points_high, ".2f", "")
                   for r in f.itertuples()],
        "note": f["error"].fillna("")})
    lines = [f"{vg.question.label}; caught up = {vg.question.criterion}, {vg.level:.0%} intervals",
             format_table(rows, max_width=70)]
    if len(vg.changes):
        c = vg.changes
        ch = pd.DataFrame({
            "from -> to": c["from"] + " -> " + c["to"], "new models": c["new_models"].astype(str),
            "dropped": c["dropped_models"].astype(str),
            "revised (>0.5)": c["revised_models"].astype(str),
            "new benchmarks": c["new_benchmarks"].map(lambda n: "" if pd.isna(n) else str(int(n))),
            "change": [f"{v:+.2f}" if pd.notna(v) else "" for v in c["change_months"]],
            "from revisions": [f"{v:+.2f}" if pd.notna(v) else "" for v in c["revised_scores_months"]],
            "from new models": [f"{v:+.2f}" if pd.notna(v) else "" for v in c["new_models_months"]],
            "strongest new models": c["examples_new"]})
        lines += ["", "what moved the answer (months): revised scores of the models both releases have, and new models",
                  format_table(ch, max_width=60)]
    return "\n".join(lines)


def _iv(lo: float, hi: float, fmt: str = ".2f") -> str:
    import math

    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return "no interval"
    return f"{lo:{fmt}} to {hi:{fmt}}"


def describe(res: Any) -> str:
    """A readable summary of a GapResult."""
    d = res.details
    lines = []
    pct = f"{res.level:.0%}"
    if res.method == "model-lag":
        lines.append(f"{res.model} ({res.scale} {d['model_capability']:.2f}, released {d['model_release_date']}) "
                     f"behind the {res.lead} frontier - data {res.data}")
        lines.append(f"  lag:            {res.gap_months:6.2f} months   {pct} interval "
                     f"{_iv(res.gap_months_low, res.gap_months_high)}")
        lines.append(f"  points behind:  {res.gap_points:6.2f} {res.scale} points (leader's best at release minus "
                     f"the model)   {pct} interval {_iv(res.gap_points_low, res.gap_points_high)}")
        if d.get("how") == "record":
            first = (f"{d['first_better']} ({d['first_better_capability']:.2f}, {d['first_better_date']})"
                     if d.get("first_better") else f"none released by {d['model_release_date']}")
            lines.append(f"  caught up = {res.criterion_text}: the {res.lead} frontier was last not better on "
                         f"{d.get('not_better_until')} ({d.get('last_not_better')}); first better: {first}")
        else:
            lines.append(f"  the leader's trend line ({d.get('trend_slope_per_year', float('nan')):.1f} "
                         f"{res.scale}/yr) reached the model's level on {d.get('trend_reached_on')}")
    else:
        lines.append(f"{res.trail} behind {res.lead} - method {res.method}: {d['method_description']}")
        w0 = res.window[0].strftime("%Y-%m-%d") if res.window[0] is not None else "start"
        w1 = res.window[1].strftime("%Y-%m-%d") if res.window[1] is not None else "end"
        lines.append(f"  data {res.data} ({res.scale}); window {w0}..{w1}")
        if res.criterion != "trend":
            lines.append(f"  caught up = {res.criterion_text}")
        lines.append(f"  horizontal gap: {res.gap_months:6.2f} months   {pct} interval "
                     f"{_iv(res.gap_months_low, res.gap_months_high)}   (spread of the "
                     f"{'per-level' if res.method == 'epoch-2025' else 'daily'} values "
                     f"{_iv(res.spread_months_low, res.spread_months_high, '.1f')})")
        lines.append(f"  vertical gap:   {res.gap_points:6.2f} {res.scale} points   {pct} interval "
                     f"{_iv(res.gap_points_low, res.gap_points_high)}   (spread of the daily values "
                     f"{_iv(res.spread_points_low, res.spread_points_high, '.1f')})")
        if res.method == "caisi":
            lines.append(f"  at the window's end: {d['gap_months_at_end']:.2f} months, {d['gap_points_at_end']:.2f} "
                         f"points; slopes {d['lead_slope_per_year']:.1f} (lead) vs {d['trail_slope_per_year']:.1f} "
                         f"(trail) {res.scale}/yr")
        bc = d.get("by_criterion")
        if bc:
            parts = [f"{k} {v['gap_months']:.2f}" for k, v in bc.items() if v]
            lines.append(f"  months by criterion (central): {', '.join(parts)}")
        lines += describe_trend(res)
    for key in ("note", "window_note", "unknown_note"):
        if d.get(key):
            lines.append(f"  note: {d[key]}")
    lines.append(f"  significance: {res.uncertainty}")
    lines.append(f"  interval: {res.interval}; months = days / {res.days_per_month:g}")
    pub = d.get("published")
    if pub:
        nums = [f"{pub['gap_months']:g} months" if pub.get("gap_months") is not None else ""]
        if pub.get("gap_months_low") is not None:
            nums[0] += f" ({pub['gap_months_low']:g}-{pub['gap_months_high']:g})"
        if pub.get("gap_points") is not None:
            pts = f"{pub['gap_points']:g} points"
            if pub.get("gap_points_low") is not None:
                pts += f" ({pub['gap_points_low']:g}-{pub['gap_points_high']:g})"
            nums.append(pts)
        lines.append(f"  published: {pub['source']}: {', '.join(n for n in nums if n)} - on {pub['data']}")
    return "\n".join(lines)


def describe_trend(res: Any) -> list[str]:
    """The 'is the gap widening?' lines: slope per year with its interval and verdict, and the range of the gap."""
    t, g = getattr(res, "trend", None), getattr(res, "range", None)
    lines = []
    if t is not None:
        m_iv = _brackets(t.months_per_year_low, t.months_per_year_high)
        p_iv = _brackets(t.points_per_year_low, t.points_per_year_high)
        lines.append(f"  trend:          {t.months_per_year:+.2f} months per year {m_iv} ({t.level:.0%}), "
                     f"{t.points_per_year:+.2f} points per year {p_iv}: {t.verdict}")
        lines.append(f"                  fitted to {t.basis}")
    if g is not None:
        per = "months per level, points per day" if res.method == "epoch-2025" else "per day"
        lines.append(f"  range:          {g.months_min:.2f} to {g.months_max:.2f} months, {g.points_min:.2f} to "
                     f"{g.points_max:.2f} points ({per}, {g.start:%Y-%m-%d}..{g.end:%Y-%m-%d})")
    return lines


def _brackets(lo: float, hi: float) -> str:
    import math

    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return "[no interval]"
    return f"[{lo:+.2f}, {hi:+.2f}]"


# -- plots ---------------------------------------------------------------------------------------------------------


def add_plot_arguments(p: argparse.ArgumentParser, kind: str) -> None:
    """Options of ``irt-elo plot gap`` (the gap options) and ``irt-elo plot trend``."""
    if kind == "gap":
        add_gap_arguments(p)
        opt.add_figure_output(p, "gap.png")
        return
    add_source_arguments(p)
    t = p.add_argument_group("trend")
    t.add_argument("--kind", choices=("breakpoint", "linear", "ratio"), default="breakpoint",
                   help="breakpoint scan (two-piece, continuous), one line, or slope ratio split at --split")
    t.add_argument("--split", metavar="MODEL|DATE", help="with --kind ratio: split at this model or date")
    t.add_argument("--group", help="frontier of this group only (e.g. closed, open); default: all models")
    t.add_argument("--from", dest="start", metavar="DATE", help="only models released on or after DATE")
    t.add_argument("--to", dest="end", metavar="DATE", help="only models released on or before DATE")
    opt.add_uncertainty(p, bootstrap=BOOTSTRAP_HELP, draws=True)
    opt.add_figure_output(p, "trend.png")


def run_plot(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from pathlib import Path

    import matplotlib.pyplot as plt

    from irt_elo.analysis.capabilities import to_date
    from irt_elo.cli._common import check_figure_path, check_level, figure_path, save_figure
    from irt_elo.plots.gap import plot_frontiers, plot_gap, plot_trend

    out = Path(figure_path(args))
    inputs = [args.data] if args.data else []
    check_figure_path(out, inputs=inputs)
    if args.kind == "gap" and args.vintage == "all":
        from irt_elo.plots.gap import plot_gap_by_vintage

        vg = all_vintages(args)
        fig, summary = plot_gap_by_vintage(vg), describe_vintages(vg)
    elif args.kind == "gap":
        caps, res = compute(args)
        fig = plot_frontiers(caps, res.lead, result=res) if res.method == "model-lag" else plot_gap(res, caps)
        summary = describe(res)
    else:
        from irt_elo.analysis.trends import breakpoint_scan, frontier_trend, slope_ratio

        if args.start and args.end and to_date(args.start, "--from") > to_date(args.end, "--to"):
            raise IrtEloError(f"--from {args.start} is after --to {args.end}; swap them")
        check_level(args.level)
        if args.n_draws < 2:
            raise IrtEloError(f"--draws needs at least 2, got {args.n_draws}")
        if args.kind == "ratio" and not args.split:
            raise IrtEloError("--kind ratio needs --split MODEL or --split YYYY-MM-DD")
        caps = load_capabilities(args)
        kw = dict(group=args.group, start=args.start, end=args.end, level=args.level, n_draws=args.n_draws,
                  seed=args.seed)
        if args.kind == "linear":
            tr = frontier_trend(caps, **kw)
            summary = (f"frontier slope {tr.slope:.2f} {tr.scale}/yr ({tr.level:.0%} interval "
                       f"{_iv(tr.slope_low, tr.slope_high)}), {tr.details['n_frontier_models']} frontier models")
        else:
            tr = breakpoint_scan(caps, **kw) if args.kind == "breakpoint" else slope_ratio(caps, args.split, **kw)
            summary = (f"{tr.kind}: break {tr.break_date:%Y-%m-%d}"
                       f"{' (' + tr.break_model + ')' if tr.break_model else ''}; slope {tr.slope_before:.2f} -> "
                       f"{tr.slope_after:.2f} {tr.scale}/yr, ratio {tr.ratio:.2f} ({tr.level:.0%} interval "
                       f"{_iv(tr.ratio_low, tr.ratio_high)})")
        fig = plot_trend(tr)
    try:
        written = save_figure(fig, out, inputs=inputs)
    finally:
        plt.close(fig)
    print(summary)
    print(f"wrote {written}")
    return 0
