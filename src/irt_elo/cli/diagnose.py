"""``irt-elo diagnose``: how well the fit describes the data -- worst-fitting benchmarks and models, warnings, and
a cross-validated comparison of model forms."""
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
  # The bundled Epoch ECI input with the 'eci' preset, 5-fold cross-validation of the model forms:
  irt-elo diagnose
  # Epoch's Benchmarking Hub download (zip or unpacked folder), 10 folds as in the Rosetta Stone paper, JSON out:
  irt-elo diagnose benchmark_data.zip --preset eci --cv 10 -o diagnose.json
  # Your own table, residual statistics only (no cross-validation), 20 rows per list:
  irt-elo diagnose my_scores.csv --percent --cv 0 --top 20

  # Calibration of `irt-elo predict`'s intervals: 10 folds, 200 bootstrap draws per fold:
  irt-elo diagnose --cv 10 --bootstrap 200

Fit statistics (per benchmark and per model, observed cells only): RMSE, mean residual, and infit/outfit mean
squares normalised so that 1 is typical misfit (see irt_elo.analysis.diagnostics). Cross-validation holds out
observed cells (every model keeps data in each training fold) and reports held-out R^2 for: 2PL sigmoid, 2PL
clipped-linear, 1PL, and a binomial likelihood. The same folds check the predictive intervals of `irt-elo predict`:
each fold is refitted and bootstrapped without its cells, and the share of held-out scores inside their interval
(--ci-level) is reported; a calibrated interval covers about that share.
"""

STAT_COLUMNS = ["n", "rmse", "mean_residual", "infit", "outfit", "share_top"]


HELP = "fit statistics, warnings and cross-validation of the model form"  # the line `irt-elo --help` lists


def add_parser(sub: Any) -> None:
    p = sub.add_parser("diagnose", help=HELP,
                       description="Fit the capability model, list the worst-fitting benchmarks and models, warn "
                                   "about thin or saturated data, and cross-validate model forms.",
                       epilog=EXAMPLES, formatter_class=opt.HelpFormatter)
    opt.add_data(p)
    opt.add_method(p, old_model_option=True)
    d = p.add_argument_group("diagnostics")
    d.add_argument("--cv", type=int, default=5, metavar="K", help="cross-validation folds (0 = skip)")
    d.add_argument("--few-benchmarks", type=int, default=5, help="warn about models fitted on fewer benchmarks")
    d.add_argument("--saturated", type=float, default=0.5, metavar="SHARE",
                   help="warn about benchmarks with at least this share of scores >= 0.9")
    d.add_argument("--misfit", type=float, default=2.0, help="warn when infit or outfit exceeds this")
    opt.add_uncertainty(p, bootstrap=f"bootstrap draws per fold for the predictive-interval check (default "
                                     f"{opt.REFIT_BOOTSTRAP}; 0 = skip the check)", old_level_option=False)
    opt.add_output(p, output="write everything as JSON", top=True, csv=False)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from irt_elo.analysis.diagnostics import cross_validate, cv_candidates, diagnose, predictive_check
    from irt_elo.cli._common import (
        check_bootstrap,
        check_jobs,
        check_level,
        check_outputs,
        fitter_from_args,
        load_table,
        write_json,
    )

    n_boot = check_bootstrap(opt.REFIT_BOOTSTRAP if args.bootstrap is None else args.bootstrap)
    check_level(args.level)
    if args.cv != 0 and args.cv < 2:
        raise IrtEloError(f"--cv {args.cv}: use 0 (no cross-validation) or at least 2 folds")
    if args.top < 0:
        raise IrtEloError("--top must be 0 (all rows) or more")
    if args.output and not str(args.output).lower().endswith(".json"):
        raise IrtEloError(f"{args.output}: diagnose writes JSON; give a file name ending in .json")
    check_jobs(args.jobs)
    check_outputs(args.output, inputs=[args.data] if args.data else [], types=("json",))
    table = load_table(args)
    seed = args.seed
    fitter = fitter_from_args(args, table)
    fitter.fit(table)
    diag = diagnose(fitter, few_benchmarks=args.few_benchmarks, saturated_share=args.saturated, misfit=args.misfit)
    cv = pc = None
    progress = not args.quiet and sys.stderr.isatty()
    if args.cv:
        cv = cross_validate(table, cv_candidates(fitter, table), n_folds=args.cv, random_state=seed,
                            n_jobs=args.jobs, scheduler=args.scheduler, progress=progress)
        if n_boot:
            pc = predictive_check(fitter, n_folds=args.cv, level=args.level, n_boot=n_boot, seed=seed,
                                  n_jobs=args.jobs, scheduler=args.scheduler, progress=progress)
    if args.output:
        out = {"meta": _meta(fitter, args, seed), **diag.to_dict(top=all_rows(diag, args.top)),
               "cv": cv.table.to_dict(orient="records") if cv is not None else None,
               "predictive_check": pc.to_dict() if pc is not None else None}
        write_json(out, args.output, inputs=[args.data] if args.data else [])
    if not args.quiet:
        print(report(fitter, diag, cv, args.top, pc))
    return 0


def _meta(fitter: Any, args: argparse.Namespace, seed: int) -> dict[str, Any]:
    return {"data": fitter.table_.name, "preset": fitter.name, "model": fitter.model, "loss": fitter.loss,
            "ridge": fitter.ridge, "cv_folds": args.cv, "cv_seed": seed, "interval_level": args.level,
            "predictive_check_bootstrap": (opt.REFIT_BOOTSTRAP if args.bootstrap is None else args.bootstrap)
            if args.cv else None,
            "few_benchmarks": args.few_benchmarks,
            "saturated_share": args.saturated, "misfit": args.misfit}


def all_rows(diag: Any, top: int) -> int:
    """``--top`` as a row count: 0 means every row."""
    return top or max(len(diag.models), len(diag.benchmarks), len(diag.warnings), 1)


def report(fitter: Any, diag: Any, cv: Any, top: int, pc: Any = None) -> str:
    """The terminal report (also used by notebooks that want the same text); ``top`` rows per list, 0 = all."""
    from irt_elo.cli._common import format_table

    top = all_rows(diag, top)
    o = diag.overall
    lines = [f"{fitter.name} fit of {fitter.table_.name}: {o['n_models']} models x {o['n_benchmarks']} benchmarks, "
             f"{o['n_obs']} scores; {o['link']} link, {o['model'].upper()}, {o['loss']}"
             f"{'' if o['converged'] else ' (NOT converged)'}",
             f"in-sample RMSE {o['rmse']:.4f}, R^2 {o['r2']:.4f}, mean residual {o['mean_residual']:+.4f}",
             "", "worst-fitting benchmarks (by infit; 1 = typical):",
             format_table(diag.worst_benchmarks(top)[STAT_COLUMNS].reset_index(),
                          floats={"share_top": ".2f"}),
             "", "worst-fitting models (by infit):",
             format_table(diag.worst_models(top)[STAT_COLUMNS[:-1] + ["capability"]].reset_index(),
                          floats={"capability": ".1f"})]
    w = diag.warnings
    lines.append("")
    if len(w) == 0:
        lines.append("warnings: none")
    else:
        counts = ", ".join(f"{n} {k}" for k, n in w["kind"].value_counts().items())
        lines.append(f"warnings ({counts}):")
        for kind, g in w.groupby("kind", sort=False):
            for msg in g["message"].head(top):
                lines.append(f"  - {msg}")
            if len(g) > top:
                lines.append(f"  ... {len(g) - top} more {kind} warnings (-o writes them all)")
    if cv is not None:
        lines += ["", f"{cv.n_folds}-fold cross-validation over observed cells (seed {cv.random_state}; "
                      f"{int(cv.table['n_test'].iloc[0])} held-out scores):",
                  format_table(cv.table[["candidate", "cv_r2", "cv_rmse", "in_sample_r2", "n_params"]],
                               floats={"cv_r2": ".4f", "cv_rmse": ".4f", "in_sample_r2": ".4f"})]
    if pc is not None:
        lines += ["", f"predictive intervals ({pc.level:.0%}, `irt-elo predict`) on the same {pc.n_folds} folds, "
                      f"{pc.n_boot} bootstrap draws per fold: {pc.coverage:.1%} of {len(pc.cells)} held-out scores "
                      f"inside ({pc.below:.1%} below, {pc.above:.1%} above; goal {pc.level:.0%})",
                  format_table(pc.by_prediction.rename(columns={"band": "predicted score"}),
                               floats={"coverage": ".3f"})]
    return "\n".join(lines)


PLOT_EXAMPLES = {
    "items": "example:\n  irt-elo plot items --benchmarks 'GPQA diamond,SWE-Bench verified,ARC-AGI-2' -o icc.png\n",
    "information": "example:\n  irt-elo plot information -o information.svg\n",
    "fit": "example:\n  irt-elo plot fit --what models --stat outfit -o outfit.png\n",
}


def add_plot_arguments(p: argparse.ArgumentParser, kind: str) -> None:
    """Options of ``irt-elo plot items|information|fit``: the data, the fit options, and what to draw."""
    opt.add_data(p)
    if kind in ("items", "information"):
        opt.add_method(p, subset=False)
        p.add_argument("--show", metavar="A,B,...",
                       help="comma-separated benchmarks to draw (default: the most-observed ones)")
        p.add_argument("--benchmarks", dest="show", action=opt.Deprecated, new="--show")
    else:
        opt.add_method(p)
        p.add_argument("--what", choices=("benchmarks", "models"), default="benchmarks", help="rows to rank")
        p.add_argument("--stat", choices=("infit", "outfit", "rmse"), default="infit", help="statistic to draw")
        p.add_argument("--top", type=int, default=opt.DEFAULT_TOP, help="rows to draw")
    opt.add_figure_output(p, f"{kind}.png")


def run_plot(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from irt_elo.analysis.diagnostics import diagnose
    from irt_elo.cli._common import check_figure_path, figure_path, fitter_from_args, load_table, name_list, save_figure
    from irt_elo.plots.diagnostics import plot_fit_statistics, plot_information, plot_item_curves

    inputs = [args.data] if args.data else []
    check_figure_path(figure_path(args), inputs=inputs)
    if args.kind == "fit" and args.top < 1:
        raise IrtEloError("--top must be at least 1")
    table = load_table(args)
    fitter = fitter_from_args(args, table).fit(table)
    chosen = getattr(args, "show", None)
    names = name_list(chosen) if chosen else None
    if names:
        fitter.table_.filter(benchmarks=names)  # unknown names: one-line error with close matches
    if args.kind == "items":
        fig = plot_item_curves(fitter, names)
    elif args.kind == "information":
        fig = plot_information(fitter, names)
    else:
        fig = plot_fit_statistics(diagnose(fitter), what=args.what, stat=args.stat, top=args.top,
                                  data=f"{fitter.name} fit of {fitter.table_.name}")
    out = save_figure(fig, figure_path(args), inputs=inputs)
    print(f"wrote {out}")
    return 0
