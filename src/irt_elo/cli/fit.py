"""``irt-elo fit``: fit the capability model and print / write the ranked table."""
from __future__ import annotations

import argparse
import sys

from irt_elo.cli import options as opt

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

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
  irt-elo fit --bootstrap 500 --ci-level 0.95 --scheduler tcp://10.0.0.5:8786 --se
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser("fit", help="fit the capability model and print the ranked table",
                       description="Fit the 2PL/1PL capability model to a model x benchmark score table and print "
                                   "models ranked by capability.",
                       epilog=EXAMPLES, formatter_class=opt.HelpFormatter)
    opt.add_data(p)
    m = opt.add_method(p, old_model_option=True)
    opt.add_data_level(m)
    opt.add_scale(p)
    u = opt.add_uncertainty(p, bootstrap="bootstrap draws (Epoch: 500): adds ci_low/ci_high percentile intervals; "
                                          "default: none", old_level_option=False)
    u.add_argument("--se", action="store_true", help="add Hessian (observed-information) standard errors")
    o = opt.add_output(p, output="write one row per model (.csv or .json)", top=True)
    o.add_argument("--benchmarks-out", metavar="OUT", help="write one row per benchmark (.csv or .json)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from irt_elo.cli._common import (
        check_bootstrap,
        check_jobs,
        check_level,
        check_outputs,
        fitter_from_args,
        load_table,
        write_frame,
    )

    boot_n = check_bootstrap(args.bootstrap)
    check_level(args.level)
    check_jobs(args.jobs)
    inputs = [args.data] if args.data else []
    check_outputs(args.output, args.benchmarks_out, inputs=inputs)
    table = load_table(args)
    fitter = fitter_from_args(args).fit(table)
    if args.se:
        fitter.standard_errors()
    if boot_n:
        fitter.bootstrap(boot_n, args.seed, args.level, n_jobs=args.jobs, scheduler=args.scheduler,
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
    from irt_elo.cli._common import format_table

    cols = [c for c in ("rank", "model", "capability", "ci_low", "ci_high", "se", "n_benchmarks", "release_date",
                        "organization", "group") if c in summary]
    shown = summary if top <= 0 else summary.head(top)
    text = format_table(shown[cols])
    if 0 < top < len(summary):
        text += f"\n... {len(summary) - top} more models (--top 0 prints all; -o writes them)"
    return text


PLOT_EXAMPLES = {"capabilities": "example:\n  irt-elo plot capabilities --preset eci -o eci.png\n"}


def add_plot_arguments(p: argparse.ArgumentParser, kind: str) -> None:  # noqa: ARG001 - one kind here
    """Options of ``irt-elo plot capabilities``: the fit and scale options plus an output file."""
    opt.add_data(p)
    opt.add_method(p)
    opt.add_scale(p)
    opt.add_figure_output(p, "capabilities.png")


def run_plot(args: argparse.Namespace) -> int:
    import matplotlib

    from irt_elo.cli._common import (
        check_figure_path,
        figure_path,
        fitter_from_args,
        load_table,
        save_figure,
    )

    matplotlib.use("Agg")
    inputs = [args.data] if args.data else []
    check_figure_path(figure_path(args), inputs=inputs)
    fitter = fitter_from_args(args).fit(load_table(args))
    out = save_figure(fitter.plot(), figure_path(args), inputs=inputs)
    print(f"wrote {out}")
    return 0
