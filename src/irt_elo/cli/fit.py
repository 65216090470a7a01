"""``irt-elo fit``: fit the capability model and print / write the ranked table."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from irt_elo.errors import IrtEloError
from irt_elo.core.scale import ELO_3X_PER_LOGIT, make_scale
from irt_elo.cli._common import (HelpFormatter, check_figure_path, check_outputs, format_table, save_figure,
    write_frame)
from irt_elo.cli._data_args import add_data_arguments, load_table

EXAMPLES = """\
examples:
  # Reproduce Epoch's published ECI from the bundled 2026-08-11 input (preset 'eci'):
  irt-elo fit
  # Save the per-model and per-benchmark results:
  irt-elo fit --preset eci -o eci.csv --benchmarks-out edi.csv
  # Same fit on an Elo scale, GPT-5 at 1500, CAISI's "200 points = 3x odds":
  irt-elo fit --scale elo --anchor GPT-5=1500 --elo-3x
  # Your own table (long: model,benchmark,score; or wide: one column per benchmark), scores in percent:
  irt-elo fit my_scores.csv --percent --min-benchmarks 3 -o out.json
  # Epoch's 90% bootstrap intervals (500 draws, seed 12345), adds ci_low/ci_high columns:
  irt-elo fit --bootstrap 500 --seed 12345 -o eci_ci.csv
  # ... on a Dask cluster, 95% intervals, plus Hessian standard errors:
  irt-elo fit --bootstrap 500 --level 0.95 --scheduler tcp://10.0.0.5:8786 --se
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser("fit", help="fit the capability model and print the ranked table",
                       description="Fit the 2PL/1PL capability model to a model x benchmark score table and print "
                                   "models ranked by capability.",
                       epilog=EXAMPLES, formatter_class=HelpFormatter)
    add_data_arguments(p)
    m = add_method_arguments(p)
    m.add_argument("--penalty", choices=("l2", "log_slope", "none"), help="ridge penalty form")
    m.add_argument("--anchor-benchmark", help="benchmark held at difficulty 0 and slope 1")
    m.add_argument("--until", help="keep models released on or before this date (YYYY-MM-DD)")
    m.add_argument("--benchmarks", help="comma-separated benchmark subset")
    m.add_argument("--seed", type=int, help="seed of every random step: the start values (default: the "
                                            "preset's, 42 for eci) and the bootstrap draws (default 12345)")
    s = p.add_argument_group("scale")
    s.add_argument("--scale", choices=("eci", "elo", "logit"),
                   help="output scale (default: the preset's; ECI for 'eci', logit for 'default')")
    s.add_argument("--anchor", action="append", metavar="NAME=VALUE",
                   help="scale anchor; twice for eci (default Claude 3.5 Sonnet=130, GPT-5=150), once for elo")
    pp = s.add_mutually_exclusive_group()
    pp.add_argument("--points-per-logit", type=float, help="Elo points per logit (default 400/ln 10 = 173.7)")
    pp.add_argument("--elo-3x", action="store_true", help="Elo with exactly 3x odds per 200 points (182.0/logit)")
    u = p.add_argument_group("uncertainty")
    u.add_argument("--bootstrap", type=int, default=0, metavar="N",
                   help="bootstrap draws (Epoch: 500): adds ci_low/ci_high percentile intervals; 0 = none")
    u.add_argument("--level", type=float, default=0.90, help="interval level")
    u.add_argument("--jobs", "--n-jobs", dest="jobs", type=int, default=-1, metavar="N",
                   help="local worker processes for the bootstrap (-1: all cores)")
    u.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the bootstrap on this Dask scheduler (e.g. tcp://host:8786); needs irt-elo[dask]")
    u.add_argument("--se", action="store_true", help="add Hessian (observed-information) standard errors")
    o = p.add_argument_group("output")
    o.add_argument("-o", "--output", metavar="OUT", help="write one row per model (.csv or .json)")
    o.add_argument("--benchmarks-out", metavar="OUT", help="write one row per benchmark (.csv or .json)")
    o.add_argument("--top", type=int, default=30, help="rows to print (0 = all)")
    o.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(run=run)


def add_method_arguments(p: argparse.ArgumentParser) -> Any:
    """The fit options every fitting command shares; returns the 'method' group so a command can add its own."""
    m = p.add_argument_group("method")
    m.add_argument("--preset", help="method preset: eci, caisi, default, rosetta (default: eci for the bundled "
                                    "data, 'default' for your own table)")
    m.add_argument("--model", choices=("2pl", "1pl"), help="free slopes (2PL) or all slopes 1 (1PL)")
    m.add_argument("--loss", choices=("least_squares", "binomial", "bernoulli", "beta"),
                   help="loss: least squares (Epoch), binomial (needs n_items), fractional Bernoulli, or beta "
                        "(for unknown n_items)")
    m.add_argument("--precision", help="beta loss: 'common' (one estimated precision), 'benchmark' (one per "
                                       "benchmark) or a fixed number")
    m.add_argument("--ridge", type=float, help="ridge strength lambda")
    m.add_argument("--min-benchmarks", type=int, help="drop models with fewer benchmarks")
    m.add_argument("--since", help="keep models released on or after this date (YYYY-MM-DD)")
    return m


def fitter_from_args(args: argparse.Namespace):
    """Build the Fitter that the options describe (shared with other commands that fit)."""
    from irt_elo.fit.fitter import Fitter

    preset = args.preset or ("eci" if args.data is None else "default")
    overrides: dict[str, Any] = {}
    for opt in ("model", "loss", "ridge", "penalty", "anchor_benchmark", "min_benchmarks", "since", "until"):
        v = getattr(args, opt, None)
        if v is not None:
            overrides[opt] = v
    prec = getattr(args, "precision", None)
    if prec is not None:
        if prec not in ("common", "benchmark"):
            try:
                prec = float(prec)
            except ValueError:
                raise IrtEloError(f"--precision {prec!r}: use 'common', 'benchmark' or a positive number") from None
        overrides["precision"] = prec
    if getattr(args, "seed", None) is not None:
        overrides["random_state"] = args.seed
    if getattr(args, "benchmarks", None):
        overrides["benchmarks"] = [b.strip() for b in args.benchmarks.split(",") if b.strip()]
    if args.scale or args.anchor or args.points_per_logit or args.elo_3x:
        kind = args.scale or ("elo" if (args.points_per_logit or args.elo_3x) else None)
        if kind is None:
            raise IrtEloError("--anchor needs --scale eci or --scale elo")
        if kind != "elo" and (args.points_per_logit or args.elo_3x):
            raise IrtEloError("--points-per-logit / --elo-3x only apply to --scale elo")
        ppl = ELO_3X_PER_LOGIT if args.elo_3x else args.points_per_logit
        overrides["scale"] = make_scale(kind, args.anchor, points_per_logit=ppl)
    return Fitter.from_preset(preset, **overrides)


def run(args: argparse.Namespace) -> int:
    boot_n = getattr(args, "bootstrap", 0) or 0
    if boot_n < 0 or boot_n == 1:
        raise IrtEloError(f"--bootstrap {boot_n}: give the number of draws, at least 2 (Epoch uses 500), or 0")
    if not 0.0 < args.level < 1.0:
        raise IrtEloError(f"--level {args.level:g}: give a level strictly between 0 and 1, e.g. 0.90")
    inputs = [args.data] if args.data else []
    check_outputs(args.output, args.benchmarks_out, inputs=inputs)
    table = load_table(args)
    fitter = fitter_from_args(args).fit(table)
    if args.se:
        fitter.standard_errors()
    if boot_n:
        seed = 12345 if args.seed is None else args.seed
        fitter.bootstrap(boot_n, seed, args.level, n_jobs=args.jobs, scheduler=args.scheduler,
                         progress=not args.quiet and sys.stderr.isatty())
    models, benches = fitter.models_, fitter.benchmarks_
    meta = fit_meta(fitter)
    if args.output:
        write_frame(models, args.output, meta=meta, key="models", inputs=inputs)
    if args.benchmarks_out:
        write_frame(benches, args.benchmarks_out, meta=meta, key="benchmarks", inputs=inputs)
    if not args.quiet:
        print(describe(fitter))
        print(format_ranked(fitter.summary, args.top))
    return 0


def fit_meta(fitter: Any) -> dict[str, Any]:
    r = fitter.result_
    return {
        "data": fitter.table_.name, "preset": fitter.name, "model": fitter.model, "loss": fitter.loss,
        "ridge": fitter.ridge, "penalty": fitter.penalty, "scale": fitter.scale_.name,
        "scale_definition": fitter.scale_.description, "scale_intercept": fitter.scale_.intercept,
        "scale_per_logit": fitter.scale_.per_logit, "identification": fitter.identification_,
        "n_models": fitter.table_.n_models, "n_benchmarks": fitter.table_.n_benchmarks,
        "n_scores": fitter.table_.n_obs, "converged": r.success, "solver_message": r.message,
        "objective": r.cost,
        **uncertainty_meta(fitter),
    }


def uncertainty_meta(fitter: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    b = getattr(fitter, "bootstrap_", None)
    if b is not None:
        out.update(bootstrap_draws=b.n_boot, bootstrap_seed=b.seed, interval_level=b.level,
                   interval_method="percentile bootstrap, rows resampled within each model, refits warm-started, "
                                   "each draw re-anchored and re-scaled",
                   bootstrap_converged=int(b.converged.sum()))
    se = getattr(fitter, "standard_errors_", None)
    if se is not None:
        out.update(se_method="observed information (exact Hessian of the penalised objective), delta method",
                   se_dispersion=se.dispersion, se_condition_number=se.condition_number)
    return out


def describe(fitter: Any) -> str:
    t, r = fitter.table_, fitter.result_
    status = "converged" if r.success else f"NOT converged ({r.message})"
    return (f"{fitter.name} fit of {t.name}: {t.n_models} models x {t.n_benchmarks} benchmarks, {t.n_obs} scores\n"
            f"scale: {fitter.scale_.name} ({fitter.scale_.description}); identification: "
            f"{fitter.identification_}\nsolver {status} in {r.seconds:.2f} s, objective {r.cost:.6f}\n"
            + _describe_uncertainty(fitter))


def _describe_uncertainty(fitter: Any) -> str:
    b = getattr(fitter, "bootstrap_", None)
    if b is None:
        return ""
    bad = b.n_boot - int(b.converged.sum())
    return (f"intervals: {b.level:.0%} percentile bootstrap, {b.n_boot} draws, seed {b.seed}"
            + (f" ({bad} refits stopped early)" if bad else "") + "\n")


def format_ranked(summary: Any, top: int) -> str:
    cols = [c for c in ("rank", "model", "capability", "ci_low", "ci_high", "se", "n_benchmarks", "release_date",
                        "organization", "group") if c in summary]
    shown = summary if top <= 0 else summary.head(top)
    text = format_table(shown[cols])
    if 0 < top < len(summary):
        text += f"\n... {len(summary) - top} more models (--top 0 prints all; -o writes them)"
    return text


PLOT_EXAMPLES = {"capabilities": "example:\n  irt-elo plot capabilities --preset eci -o eci.png\n"}


def add_plot_arguments(p: argparse.ArgumentParser, kind: str) -> None:  # noqa: ARG001 - one kind here
    """Options of ``irt-elo plot capabilities``: the fit options plus an output file."""
    from irt_elo.cli.plot import add_figure_output

    add_data_arguments(p)
    p.add_argument("--preset", help="method preset (default: eci for bundled data, 'default' otherwise)")
    p.add_argument("--scale", choices=("eci", "elo", "logit"), help="capability scale")
    p.add_argument("--anchor", action="append", metavar="NAME=VALUE", help="scale anchor (see `irt-elo fit`)")
    p.set_defaults(points_per_logit=None, elo_3x=False)
    add_figure_output(p, "capabilities.png")


def run_plot(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    check_figure_path(args.output, inputs=[args.data] if args.data else [])
    fitter = fitter_from_args(args).fit(load_table(args))
    fig = fitter.plot()
    out = save_figure(fig, args.output, inputs=[args.data] if args.data else [])
    print(f"wrote {out}")
    return 0
