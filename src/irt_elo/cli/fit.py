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
  # Item-level responses (long CSV: model,item,correct 0/1[,benchmark]), marginal ML; joint MAP with standard errors:
  irt-elo fit --level item responses.csv -o models.csv --benchmarks-out items.csv
  irt-elo fit --level item responses.csv --estimator jmap --se
  # Bayesian fit (needs irt-elo[bayes]): posterior means and 90% posterior intervals by SVI, or by NUTS:
  irt-elo fit --bayes --steps 1000 -o eci_bayes.csv
  irt-elo fit --bayes --level item responses.csv --estimator nuts --form 1pl
"""


HELP = "fit the capability model and print the ranked table"  # the line `irt-elo --help` lists


def add_parser(sub: Any) -> None:
    p = sub.add_parser("fit", help=HELP,
                       description="Fit the 2PL/1PL capability model to a model x benchmark score table and print "
                                   "models ranked by capability.",
                       epilog=EXAMPLES, formatter_class=opt.HelpFormatter)
    opt.add_data(p)
    m = opt.add_method(p, old_model_option=True)
    opt.add_data_level(m)
    opt.add_estimation(m)
    opt.add_scale(p)
    u = opt.add_uncertainty(p, bootstrap="bootstrap draws (Epoch: 500): adds ci_low/ci_high percentile intervals; "
                                          "default: none", old_level_option=False)
    u.add_argument("--se", action="store_true",
                   help="add standard errors: Hessian (observed information) of the aggregate fit; with --level item "
                        "posterior SDs (mml) or curvature SEs (jmap) of the capabilities; with --bayes posterior SDs")
    o = opt.add_output(p, output="write one row per model (.csv or .json)", top=True)
    o.add_argument("--benchmarks-out", metavar="OUT", help="write one row per benchmark (.csv or .json); with "
                                                           "--level item one row per item")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.bayes or args.data_level == "item":
        return run_levels(args)
    from irt_elo.cli._common import (
        Outputs,
        check_bootstrap,
        check_jobs,
        check_level,
        check_outputs,
        fitter_from_args,
        load_table,
    )

    check_estimation(args, "aggregate")
    boot_n = check_bootstrap(args.bootstrap)
    check_level(args.level)
    check_jobs(args.jobs)
    inputs = [args.data] if args.data else []
    check_outputs(args.output, args.benchmarks_out, inputs=inputs)
    table = load_table(args)
    fitter = fitter_from_args(args, table).fit(table)
    if args.se:
        fitter.standard_errors()
    if boot_n:
        fitter.bootstrap(boot_n, args.seed, args.level, n_jobs=args.jobs, scheduler=args.scheduler,
                         progress=not args.quiet and sys.stderr.isatty())
    models, benches = fitter.models_, fitter.benchmarks_
    meta = fit_meta(fitter)
    with Outputs(inputs, raw_csv=args.raw_csv) as out:  # both files land, or neither
        out.frame(models, args.output, meta=meta, key="models")
        out.frame(benches, args.benchmarks_out, meta=meta, key="benchmarks")
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


# --------------------------------------------------------------------------------------------------------------------
# --level item (ItemFitter) and --bayes (BayesFitter): same table, same files, same columns as the aggregate fit.

PATHS = {"item": "--level item", "bayes": "--bayes", "bayes-item": "--bayes --level item"}
# Options of the aggregate point fit that these fitters do not have: (dest, value when not given, option, why).
NOT_FOR_LEVELS: dict[str, tuple[tuple[str, Any, str, str], ...]] = {
    "item": (
        ("loss", None, "--loss", "0/1 responses have one likelihood, the Bernoulli"),
        ("precision", None, "--precision", "0/1 responses have one likelihood, the Bernoulli"),
        ("ridge", None, "--ridge", "item parameters get normal priors instead of a ridge"),
        ("penalty", None, "--penalty", "item parameters get normal priors instead of a ridge"),
        ("anchor_benchmark", None, "--anchor-benchmark", "the population N(0, 1) fixes the scale (use --anchor)"),
        ("min_benchmarks", None, "--min-benchmarks", "filter the response file instead"),
        ("since", None, "--since", "filter the response file instead"),
        ("until", None, "--until", "filter the response file instead"),
        ("bootstrap", None, "--bootstrap", "use --se for standard errors, or --bayes for posterior intervals"),
        ("level", opt.DEFAULT_LEVEL, "--ci-level", "the item fit reports no intervals (--se gives standard errors; "
                                                   "--bayes gives posterior intervals)"),
        ("steps", None, "--steps", "it sets the optimisation steps of --bayes --estimator svi"),
        ("start_seed", None, "--start-seed", "no step of the item fit is random (its starts are data-driven)"),
        ("seed", opt.DEFAULT_SEED, "--seed", "no step of the item fit is random (--seed seeds --bayes)"),
    ),
    "bayes": (
        ("loss", None, "--loss", "the likelihood follows the data (binomial with n_items, else beta)"),
        ("precision", None, "--precision", "the beta likelihood's precisions are estimated per benchmark"),
        ("ridge", None, "--ridge", "the priors take the ridge's place"),
        ("penalty", None, "--penalty", "the priors take the ridge's place"),
        ("start_seed", None, "--start-seed", "its starts are data-driven; --seed seeds SVI and the sampler"),
        ("bootstrap", None, "--bootstrap", "the posterior gives the intervals (ci_low/ci_high at --ci-level)"),
    ),
    "bayes-item": (
        ("preset", None, "--preset", "presets describe aggregate fits; use --form, --anchor-benchmark, --scale"),
        ("min_benchmarks", None, "--min-benchmarks", "filter the response file instead"),
        ("since", None, "--since", "filter the response file instead"),
        ("until", None, "--until", "filter the response file instead"),
    ),
    "levels": (  # every path here
        ("jobs", opt.DEFAULT_JOBS, "--jobs", "it sets the workers of --bootstrap refits"),
        ("scheduler", None, "--scheduler", "it runs --bootstrap refits"),
    ),
    "responses": (  # the input options of score tables
        ("format", "auto", "--format", "a response file is always a long CSV"),
        ("score_scale", "fraction", "--percent/--fraction/--score-scale", "responses are 0/1"),
        ("aggregate", "max", "--aggregate", "a repeated (model, item) response is an error"),
    ),
}
ITEM_PRESETS = ("default", "caisi")  # presets ItemFitter knows: plain, and CAISI's IRT-Elo
ESTIMATOR_NAMES = {"mml": "marginal ML (Bock-Aitkin EM)", "jmap": "joint MAP",
                   "svi": "stochastic variational inference", "nuts": "NUTS sampling"}


def check_estimation(args: argparse.Namespace, path: str) -> str | None:
    """The estimation algorithm of ``path`` ('aggregate', 'item', 'bayes'), checking ``--estimator``/``--steps``."""
    from irt_elo.errors import IrtEloError

    est, steps = args.estimator, args.steps
    if path == "aggregate":
        if est is not None:
            raise IrtEloError(f"--estimator {est} applies to --level item (mml, jmap) or --bayes (svi, nuts); the "
                              "aggregate point fit has one solver")
        if steps is not None:
            raise IrtEloError("--steps applies to --bayes --estimator svi only")
        return None
    if path == "item":
        if est not in (None, *opt.ITEM_ESTIMATORS):
            raise IrtEloError(f"--estimator {est} needs --bayes; --level item fits with mml (marginal ML, the "
                              "default) or jmap (joint MAP)")
        return est or "mml"
    if est not in (None, *opt.BAYES_ESTIMATORS):
        raise IrtEloError(f"--estimator {est} is an item-level point fit (drop --bayes); --bayes fits with svi (the "
                          "default) or nuts")
    est = est or "svi"
    if steps is not None and est != "svi":
        raise IrtEloError(f"--steps applies to --estimator svi; --estimator {est} has no optimisation steps")
    if steps is not None and steps < 1:
        raise IrtEloError(f"--steps {steps}: give a positive number of SVI steps, e.g. 2000")
    return est


def check_path_options(args: argparse.Namespace, path: str, item_data: bool) -> None:
    """Refuse every given option that ``path`` ('item', 'bayes') does not use: one line naming it."""
    from irt_elo.errors import IrtEloError

    where = PATHS["bayes-item" if path == "bayes" and item_data else path]
    groups = [path, "levels"] + (["bayes-item", "responses"] if path == "bayes" and item_data else
                                 ["responses"] if item_data else [])
    for g in groups:
        for dest, unset, option, why in NOT_FOR_LEVELS[g]:
            if getattr(args, dest, unset) != unset:
                raise IrtEloError(f"{option} does not apply to {where}: {why}")


def run_levels(args: argparse.Namespace) -> int:
    """``--level item`` and ``--bayes``: check every option, read, fit, write, print (in that order)."""
    from irt_elo.cli._common import Outputs, check_level, check_outputs
    from irt_elo.fit.fitter import rank_models

    item_data = args.data_level == "item"
    path = "bayes" if args.bayes else "item"
    estimator = check_estimation(args, path)
    check_path_options(args, path, item_data)
    check_level(args.level)
    if item_data and args.data is None:
        from irt_elo.errors import IrtEloError

        raise IrtEloError(f"{PATHS['bayes-item' if args.bayes else 'item']} needs DATA, a response file (long CSV: "
                          "model, item, correct 0/1, optional benchmark); the bundled data are benchmark scores")
    if args.bayes:
        check_bayes_installed()
    inputs = [args.data] if args.data else []
    check_outputs(args.output, args.benchmarks_out, inputs=inputs)
    fitter, table, preset = item_fitter(args, estimator) if path == "item" else bayes_fitter(args, estimator)
    fitter = fitter.clone(progress=not args.quiet and sys.stderr.isatty())  # EM iterations or SVI steps, on a TTY
    fitter.fit(table)
    models, columns = level_frames(fitter, se=args.se)
    meta = level_meta(fitter, args, preset)
    with Outputs(inputs, raw_csv=args.raw_csv) as out:  # both files land, or neither
        out.frame(models, args.output, meta=meta, key="models")
        out.frame(columns, args.benchmarks_out, meta=meta, key="items" if item_data else "benchmarks")
    if not args.quiet:
        print(describe_level(fitter, preset))
        print(format_ranked(rank_models(models), args.top))
    return 0


def check_bayes_installed() -> None:
    """One line naming the extra when Pyro (or torch) cannot be imported; imported here, at run time only."""
    from irt_elo.errors import IrtEloError

    try:
        import pyro  # noqa: F401 - the check is the import
    except ImportError as e:
        raise IrtEloError(f"--bayes needs Pyro and torch: pip install 'irt-elo[bayes]' (import failed: {e})") from None


def read_item_data(args: argparse.Namespace) -> Any:
    """The ResponseTable DATA names, subset to ``--benchmarks``; a file that is not one says how to fix it."""
    from pathlib import Path

    from irt_elo.cli._common import name_list
    from irt_elo.data.responses import read_responses
    from irt_elo.errors import IrtEloError

    try:
        table = read_responses(args.data)
    except IrtEloError as e:
        if not Path(args.data).is_file():
            raise
        raise IrtEloError(f"{e} [--level item reads a long CSV with columns model, item, correct (0/1) and optional "
                          "benchmark; for benchmark scores leave out --level item]") from None
    if args.benchmarks:
        table = table.filter(benchmarks=name_list(args.benchmarks))
    return table


def item_fitter(args: argparse.Namespace, estimator: str) -> tuple[Any, Any, str]:
    """The ItemFitter the options describe (``--preset default|caisi``, --form, --scale...), the responses and the
    preset."""
    from irt_elo.cli._common import one_preset, scale_from_args
    from irt_elo.errors import IrtEloError
    from irt_elo.fit.items import ItemFitter

    preset = one_preset(args) or "default"
    if preset not in ITEM_PRESETS:
        raise IrtEloError(f"--preset {preset} describes an aggregate fit; --level item takes "
                          f"{' or '.join(ITEM_PRESETS)} (or --form, --scale, --anchor)")
    kw: dict[str, Any] = {"method": estimator}
    if args.form is not None:
        kw["model"] = args.form
    scale = scale_from_args(args)
    if scale is not None:
        kw["scale"] = scale
    fitter = ItemFitter.caisi(**kw) if preset == "caisi" else ItemFitter(**kw)
    return fitter, read_item_data(args), preset


def bayes_fitter(args: argparse.Namespace, estimator: str) -> tuple[Any, Any, str | None]:
    """The BayesFitter the options describe, its data and the preset. Aggregate scores: the preset's form, anchor
    benchmark, filters and scale (the bundled data: Epoch's ECI set-up), fitted by Bayes. Item responses: --form,
    --anchor-benchmark (an item) and --scale, no preset."""
    from irt_elo.cli._common import fitter_from_args, load_table, one_preset, scale_from_args
    from irt_elo.fit.bayes import BayesFitter

    kw: dict[str, Any] = {"method": estimator, "level": args.level, "random_state": args.seed, "name": "bayes"}
    if args.steps is not None:
        kw["num_steps"] = args.steps
    if args.data_level == "item":
        table = read_item_data(args)
        kw.update(model=args.form or "2pl", anchor_benchmark=args.anchor_benchmark,
                  scale=scale_from_args(args) or "logit")
        return BayesFitter(**kw), table, None
    table = load_table(args)
    point = fitter_from_args(args, table)  # the preset and its overrides; never fitted
    table = point.prepare(table)
    kw.update(model=point.model, anchor_benchmark=point.anchor_benchmark, anchor_difficulty=point.anchor_difficulty,
              anchor_slope=point.anchor_slope, scale=point.scale)
    return BayesFitter(**kw), table, one_preset(args) or point.name


def level_frames(fitter: Any, *, se: bool) -> tuple[Any, Any]:
    """Per-model and per-benchmark (or per-item) tables with the aggregate fit's columns, in its order:
    model, capability, [ci_low, ci_high], [se], n_benchmarks, model metadata; and benchmark|item, difficulty,
    [difficulty_se], [difficulty_ci_low, difficulty_ci_high], slope, [slope_se, slope_ci_low, slope_ci_high],
    n_models, is_anchor, [precision], metadata."""
    import numpy as np
    import pandas as pd

    from irt_elo.fit.items import ItemFitter

    if isinstance(fitter, ItemFitter):
        t, m, it = fitter.table_, fitter.models_, fitter.items_
        models = pd.DataFrame({"model": m["model"], "capability": m["capability"]})
        if se:
            models["se"] = m["capability_se"].to_numpy()
        models["n_benchmarks"] = benchmarks_per_model(t)
        models = pd.concat([models, m.iloc[:, m.columns.get_loc("proportion_correct") + 1:]], axis=1)
        cols = pd.DataFrame({"item": it["item"], "difficulty": it["difficulty"], "slope": it["slope"],
                             "n_models": it["n_responses"], "is_anchor": False})
        cols = pd.concat([cols, it.iloc[:, it.columns.get_loc("weight") + 1:]], axis=1)
        return models, cols
    m = fitter.models_
    aggregate = fitter.data_ == "aggregate"
    c = fitter.benchmarks_ if aggregate else fitter.items_

    def sd(parameter: str) -> np.ndarray:
        d = fitter.draws(parameter)
        return d.std(axis=0, ddof=1) if len(d) > 1 else np.zeros(d.shape[1])

    models = pd.DataFrame({"model": m["model"], "capability": m["capability"], "ci_low": m["ci_low"],
                           "ci_high": m["ci_high"]})
    if se:
        models["se"] = sd("capability")
    models["n_benchmarks"] = m["n_obs"].to_numpy() if aggregate else benchmarks_per_model(fitter.table_)
    models = pd.concat([models, m.iloc[:, m.columns.get_loc("n_obs") + 1:]], axis=1)
    key = c.columns[0]
    cols = pd.DataFrame({key: c[key]})
    for p in ("difficulty", "slope"):
        cols[p] = c[p].to_numpy()
        if se:
            cols[f"{p}_se"] = sd(p)
        cols[f"{p}_ci_low"], cols[f"{p}_ci_high"] = c[f"{p}_low"].to_numpy(), c[f"{p}_high"].to_numpy()
    cols = pd.concat([cols, c.iloc[:, c.columns.get_loc("n_models"):]], axis=1)
    return models, cols


def benchmarks_per_model(table: Any) -> Any:
    """Distinct benchmarks each model answered (0 without a benchmark column, as ``ResponseTable.n_benchmarks``)."""
    r = table.responses
    if "benchmark" not in r:
        return [0] * table.n_models
    n = r.groupby("model", observed=True, sort=False)["benchmark"].nunique()
    return n.reindex(table.model_names).fillna(0).astype(int).to_numpy()


def level_meta(fitter: Any, args: argparse.Namespace, preset: str | None) -> dict[str, Any]:
    """The JSON ``meta`` of --level item / --bayes: what ran, on what, and how it ended (no timings, so the same
    inputs and seed give the same file)."""
    from irt_elo.fit.items import ItemFitter

    sc = fitter.scale_
    scale = {"scale": sc.name, "scale_definition": sc.description, "scale_intercept": sc.intercept,
             "scale_per_logit": sc.per_logit, "identification": fitter.identification_}
    if isinstance(fitter, ItemFitter):
        t = fitter.table_
        out = {"data": t.name, "level": "item", "fitter": "ItemFitter", "preset": preset, "model": fitter.model,
               "estimator": fitter.method, "estimator_definition": ESTIMATOR_NAMES[fitter.method], **scale,
               "n_models": t.n_models, "n_items": t.n_items, "n_benchmarks": t.n_benchmarks, "n_responses": t.n_obs,
               "converged": bool(fitter.converged_), "iterations": int(fitter.n_iter_),
               "log_likelihood": fitter.log_likelihood_}
        if args.se:
            out["se_method"] = ("posterior SD of each capability (adaptive Gauss-Hermite quadrature)"
                                if fitter.method == "mml" else "curvature of the posterior at each model's MAP, "
                                                               "items held at their estimates")
        return out
    c = fitter.cells_
    nuts = fitter.method == "nuts"
    out = {"data": c.name, "level": "item" if c.kind == "items" else "aggregate", "fitter": "BayesFitter",
           "preset": preset, "model": fitter.model, "estimator": fitter.method,
           "estimator_definition": ESTIMATOR_NAMES[fitter.method], "likelihood": fitter.likelihood_,
           "anchor_benchmark": fitter.anchor_benchmark, **scale, "n_models": c.n_rows,
           ("n_items" if c.kind == "items" else "n_benchmarks"): c.n_cols,
           ("n_responses" if c.kind == "items" else "n_scores"): c.n_obs, "seed": fitter.random_state}
    if nuts:
        out.update(warmup=fitter.warmup, chains=fitter.n_chains_, draws_per_chain=fitter.n_draws_,
                   divergences=fitter.divergences_)
    else:
        out.update(steps=fitter.num_steps, draws=fitter.n_draws_, final_loss=float(fitter.elbo_[-1]))
    out.update(interval_level=fitter.level, interval_method="central posterior interval, each draw on its own "
                                                             "calibration of the scale", device=fitter.device_)
    if args.se:
        out["se_method"] = "posterior standard deviation"
    return out


def describe_level(fitter: Any, preset: str | None) -> str:
    """The header of --level item / --bayes: which fitter and estimator ran on what, scale, how it ended."""
    from irt_elo.fit.items import ItemFitter

    sc = fitter.scale_
    scale = f"scale: {sc.name} ({sc.description}); identification: {fitter.identification_}\n"
    if isinstance(fitter, ItemFitter):
        t = fitter.table_
        status = "converged" if fitter.converged_ else "NOT converged (iteration limit)"
        bench = f" in {t.n_benchmarks} benchmarks" if t.n_benchmarks else ""
        return (f"{fitter.name} fit ({fitter.model.upper()}, {fitter.method}: {ESTIMATOR_NAMES[fitter.method]})"
                f" of {t.name}: {t.n_models} models x {t.n_items} items{bench}, {t.n_obs} responses\n{scale}"
                f"solver {status} after {fitter.n_iter_} iterations in {fitter.seconds_:.2f} s, log-likelihood "
                f"{fitter.log_likelihood_:.4f}\n")
    c = fitter.cells_
    what = f"{c.n_rows} models x {c.n_cols} {c.col_label}s, {c.n_obs} {'responses' if c.kind == 'items' else 'scores'}"
    if fitter.method == "nuts":
        run = (f"NUTS: {fitter.n_chains_} chain(s) x {fitter.n_draws_} draws after {fitter.warmup} warm-up steps, "
               f"{fitter.divergences_} divergent transitions")
    else:
        run = (f"SVI: {fitter.num_steps} steps, final loss (negative ELBO) {fitter.elbo_[-1]:.4f}; "
               f"{fitter.n_draws_} posterior draws")
    return (f"{fitter.name} fit ({fitter.model.upper()}, {fitter.method}: {ESTIMATOR_NAMES[fitter.method]}, "
            f"{fitter.likelihood_} likelihood{f', preset {preset}' if preset else ''}) of {c.name}: {what}\n{scale}"
            f"{run}, {fitter.seconds_:.2f} s on {fitter.device_}\n"
            f"intervals: {fitter.level:.0%} central posterior intervals\n")


PLOT_EXAMPLES = {"capabilities": "example:\n  irt-elo plot capabilities --preset eci -o eci.png\n"}


def add_plot_arguments(p: argparse.ArgumentParser, kind: str) -> None:  # noqa: ARG001 - one kind here
    """Options of ``irt-elo plot capabilities``: the fit and scale options plus an output file."""
    opt.add_data(p)
    opt.add_method(p)
    opt.add_scale(p)
    opt.add_figure_output(p, "capabilities.png")


def run_plot(args: argparse.Namespace) -> int:
    import matplotlib

    from irt_elo.cli._common import check_figure_path, figure_path, fitter_from_args, load_table, save_figure

    matplotlib.use("Agg")
    inputs = [args.data] if args.data else []
    check_figure_path(figure_path(args), inputs=inputs)
    table = load_table(args)
    fitter = fitter_from_args(args, table).fit(table)
    out = save_figure(fitter.plot(), figure_path(args), inputs=inputs)
    print(f"wrote {out}")
    return 0
