"""``irt-elo compare``: Epoch's and CAISI's headline gaps side by side, and the decomposition between them."""
from __future__ import annotations

import argparse

from irt_elo.cli import options as opt
from irt_elo.errors import IrtEloError, did_you_mean

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

EXAMPLES = """\
examples:
  # Both presets, both questions (Epoch's average open-frontier lag, CAISI's DeepSeek-V4-Pro lag), and the
  # one-choice-at-a-time decomposition from the ECI headline to the CAISI headline:
  irt-elo compare
  # The same numbers as `irt-elo gap --preset eci` (Epoch's procedure); --uncertainty draws for the paired test:
  irt-elo compare --uncertainty draws
  # Save everything as JSON (one object per preset with the same gap keys as `irt-elo gap`):
  irt-elo compare -o compare.json --decomposition-out steps.csv
  # Add benchmark-choice robustness (200 random 9-benchmark subsets, leave-one-out) and the harness control:
  irt-elo compare --subsets 200 --k 9 --loo --harness --jobs -1
  # CAISI's own published table (4 models x 9 benchmarks) against CAISI's Elo:
  irt-elo compare --caisi-table --no-decomposition
"""


HELP = "ECI vs CAISI headline gaps side by side, and what moves one to the other"  # the line `irt-elo --help` lists


def add_parser(sub: Any) -> None:
    p = sub.add_parser("compare", help=HELP,
                       description="Fit each preset to the same data, answer Epoch's question (average lag of the "
                                   "best open model) and CAISI's (one named model's lag) with bootstrap intervals, "
                                   "and decompose the difference one method choice at a time. Each question is "
                                   "answered as `irt-elo gap` answers it on the same fit (Epoch's procedure: "
                                   "independent CI-derived sigmas, unless --uncertainty draws).",
                       epilog=EXAMPLES, formatter_class=opt.HelpFormatter)
    opt.add_data(p)
    add_method_arguments(p)
    a = p.add_argument_group("analyses")
    a.add_argument("--no-decomposition", action="store_true", help="skip the one-choice-at-a-time decomposition")
    add_subset_arguments(a, subsets="also refit each preset on N random benchmark subsets (default: none)")
    a.add_argument("--loo", action="store_true", help="also leave each benchmark out in turn")
    a.add_argument("--harness", action="store_true",
                   help="also the harness control: gaps by evaluation source and with a per-source offset")
    a.add_argument("--caisi-table", action="store_true",
                   help="also fit CAISI's published 4-model table and compare with CAISI's Elo")
    o = opt.add_output(p, output="write all results as JSON")
    o.add_argument("--decomposition-out", metavar="OUT", help="write the decomposition table (.csv or .json)")
    p.set_defaults(run=run)


MODEL_HELP = "the named model of CAISI's question (default: DeepSeek-V4-Pro)"


def add_method_arguments(p: argparse.ArgumentParser) -> None:
    m = p.add_argument_group("method")
    opt.add_preset(m, help="preset to fit and compare; repeat for several (default: eci and caisi)")
    opt.add_model(m, MODEL_HELP)
    m.add_argument("--sources", choices=("all", "uniform", "reported"), default="all",
                   help="evaluations to use: all, Epoch's own runs (uniform harness), or reported scores")
    m.add_argument("--common-models", action="store_true",
                   help="answer the questions on the models every preset fitted")
    m.add_argument("--elo-3x", action="store_true",
                   help="Elo with exactly 3x odds per 200 points (182.0/logit) for the caisi preset")
    opt.add_uncertainty(p, bootstrap=f"bootstrap draws per fit (default {opt.REFIT_BOOTSTRAP}; 0 = none: every "
                                     "question then uses the point criterion)", test=True)


def add_subset_arguments(g: Any, *, subsets: str) -> None:
    g.add_argument("--subsets", type=int, metavar="N", help=subsets)
    g.add_argument("--k", type=int, default=9, help="benchmarks per random subset (CAISI: 9)")
    g.add_argument("--pool", choices=("recent", "all"), default="recent",
                   help="draw subsets from benchmarks with >= 5 models released since 2025-06-01, or from all")
    g.add_argument("--any-subset", action="store_true",
                   help="do not require the named model to keep enough benchmarks in each subset")


def resolve(args: argparse.Namespace) -> None:
    """Fill in the defaults that depend on the command: the model, the bootstrap draws."""
    from irt_elo.analysis.compare import CAISI_MODEL

    args.model = args.model or CAISI_MODEL
    if hasattr(args, "bootstrap"):
        args.bootstrap = opt.REFIT_BOOTSTRAP if args.bootstrap is None else args.bootstrap


# --------------------------------------------------------------------------------------------------------------------
# Shared checks (everything that can fail fast fails before any fitting and before anything is written)


def specs_from_args(args: argparse.Namespace) -> list[Any]:
    from irt_elo.analysis.compare import MethodSpec
    from irt_elo.fit.presets import caisi_scale, get_preset

    names = args.preset or ["eci", "caisi"]
    specs = []
    for n in names:
        get_preset(n)
        over = {"scale": caisi_scale(three_x=True)} if (n == "caisi" and args.elo_3x) else {}
        specs.append(MethodSpec(n, over, sources=args.sources))
    return specs


def check_model(table: Any, name: str) -> None:
    if name not in table.model_names:
        raise IrtEloError(f"{table.name}: unknown model {name!r} for --model{did_you_mean(name, table.model_names)}")


def check_common(args: argparse.Namespace) -> None:
    from irt_elo.cli._common import check_bootstrap, check_jobs, check_level

    check_bootstrap(args.bootstrap)
    check_level(args.level)
    check_jobs(args.jobs)
    if args.uncertainty == "draws" and not args.bootstrap:
        raise IrtEloError("--uncertainty draws needs bootstrap draws; give --bootstrap N (N >= 2)")


def check_subset_size(table: Any, specs: list[Any], k: int, pool: str) -> None:
    """Fail fast when ``--k`` does not fit the benchmark pool of every preset."""
    from irt_elo.analysis.robustness import benchmark_pool

    if k < 1:
        raise IrtEloError(f"--k {k}: a subset needs at least 1 benchmark")
    for s in specs:
        n = len(benchmark_pool(table, s, pool))
        if k > n:
            raise IrtEloError(f"--k {k} is larger than the number of benchmarks available to draw from ({n} with "
                              f"--pool {pool}); choose --k between 1 and {n}")


def decomposition_steps(args: argparse.Namespace, specs: list[Any]) -> list[Any]:
    """The eci -> caisi path for the options; without a bootstrap every question uses the point criterion."""
    from dataclasses import replace

    from irt_elo.analysis.compare import MethodSpec, default_steps

    caisi_like = next((s for s in specs if s.preset == "caisi"), MethodSpec("caisi"))
    steps = default_steps(args.model, end=MethodSpec("caisi", caisi_like.overrides), sources=args.sources,
                          uncertainty=args.uncertainty, test_step=bool(args.bootstrap))
    if not args.bootstrap:
        steps = [replace(s, question=s.question.with_(criterion="point")) for s in steps]
    return steps


def questions_for(model: str, n_boot: int, uncertainty: str = "sigma") -> tuple[Any, ...]:
    from irt_elo.analysis.compare import CAISI_QUESTION, EPOCH_QUESTION

    q_epoch = EPOCH_QUESTION if n_boot else EPOCH_QUESTION.with_(criterion="point")
    q_caisi = CAISI_QUESTION.with_(model=model, label=f"months {model} lags the closed US frontier (CAISI's question)")
    return tuple(q.with_(uncertainty=uncertainty) for q in (q_epoch, q_caisi))


def published_capabilities(args: argparse.Namespace) -> Any:
    """The published capabilities of the data, when it is one of Epoch's releases (bundled, a vintage, or a release
    zip or folder given as DATA); None for any other table."""
    from pathlib import Path

    from irt_elo.analysis.capabilities import Capabilities
    from irt_elo.cli.gap import published_default
    from irt_elo.data.readers.epoch_release import is_release, read_release

    if args.data is not None:
        return Capabilities.from_release(read_release(args.data)) if is_release(Path(args.data)) else None
    return published_default(args)


def published_scores(questions: tuple[Any, ...], caps: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Each question answered on a release's published capabilities and intervals (no refit), exactly as
    `irt-elo gap` answers it on the same data: one result dict per question (or its error)."""
    out: dict[str, Any] = {}
    for q in questions:
        try:
            out[q.key] = q.answer(caps, level=args.level, seed=args.seed).to_dict()
        except IrtEloError as e:
            out[q.key] = {"error": str(e)}
    return out


# --------------------------------------------------------------------------------------------------------------------
# Printing


def headline_table(frame: Any) -> str:
    import pandas as pd

    from irt_elo.cli._common import format_table, value_interval

    rows = []
    for _, r in frame.iterrows():
        rows.append({"preset": r["preset"], "question": r["question"] + (" *" if r.get("headline") else ""),
                     "criterion": r.get("criterion") or "",
                     "months": value_interval(r["gap_months"], r["gap_months_low"], r["gap_months_high"]),
                     "points": value_interval(r["gap_points"], r["gap_points_low"], r["gap_points_high"]),
                     "scale": r["scale"],
                     "Elo-equivalent": value_interval(r["gap_elo"], r["gap_elo_low"], r["gap_elo_high"], ".0f"),
                     "models": str(r.get("n_models", "")), "benchmarks": str(r.get("n_benchmarks", "")),
                     "note": r.get("error") or ""})
    return format_table(pd.DataFrame(rows), max_width=60)


def published_table(results: dict[str, Any]) -> str:
    import pandas as pd

    from irt_elo.cli._common import format_table, value_interval

    rows = [{"question": k, "criterion": r.get("criterion") or "",
             "months": value_interval(r.get("gap_months"), r.get("gap_months_low"), r.get("gap_months_high")),
             "points": value_interval(r.get("gap_points"), r.get("gap_points_low"), r.get("gap_points_high")),
             "scale": r.get("scale") or "", "note": r.get("error") or ""} for k, r in results.items()]
    return format_table(pd.DataFrame(rows), max_width=60)


def decomposition_table(frame: Any) -> str:
    import math

    import pandas as pd

    from irt_elo.cli._common import format_table, value_interval

    rows = []
    for _, r in frame.iterrows():
        d = r["delta_months"]
        rows.append({"#": str(r["step_no"]) + ("" if r["on_path"] else " (off path)"), "step": r["step"],
                     "question": r["question"], "months": value_interval(r["gap_months"], r["gap_months_low"],
                                                              r["gap_months_high"]),
                     "change": "" if not math.isfinite(d) else f"{d:+.1f}",
                     "points": value_interval(r["gap_points"], r["gap_points_low"], r["gap_points_high"]),
                     "scale": r["scale"], "models": str(r["n_models"]), "benchmarks": str(r["n_benchmarks"])})
    return format_table(pd.DataFrame(rows), max_width=40)


def run(args: argparse.Namespace) -> int:
    from irt_elo.cli._common import JSON_TYPES, Outputs, check_outputs, load_table

    resolve(args)
    check_common(args)
    inputs = [args.data] if args.data else []
    check_outputs((args.output, JSON_TYPES), args.decomposition_out, inputs=inputs)
    specs = specs_from_args(args)
    if args.subsets is not None and args.subsets < 1:
        raise IrtEloError(f"--subsets must be at least 1, not {args.subsets}")
    if not args.no_decomposition and not {"eci", "caisi"} <= {s.preset for s in specs}:
        raise IrtEloError("the decomposition runs from the eci preset to the caisi preset; include both "
                          "(--preset eci --preset caisi) or pass --no-decomposition")
    table = load_table(args)
    check_model(table, args.model)
    if args.subsets:
        check_subset_size(table, specs, args.k, args.pool)
    say = (lambda *a: None) if args.quiet else print
    comp, out = headlines(table, specs, args, say)
    dec = None
    if not args.no_decomposition:
        dec = decomposition(table, specs, comp, args, say)
        out["decomposition"] = dec.to_dict()
    if args.subsets or args.loo:
        out.update(robustness(table, specs, args, say))
    if args.harness:
        out["harness"] = harness(table, specs, args, say)
    if args.caisi_table:
        out["caisi_table"] = caisi_table(comp, args, say)
    with Outputs(inputs, raw_csv=args.raw_csv) as files:  # both files land, or neither
        if dec is not None:
            files.frame(dec.frame, args.decomposition_out, meta={"data": table.name}, key="steps")
        files.json(out, args.output)
    return 0


def run_kw(args: argparse.Namespace) -> dict[str, Any]:
    """Bootstrap and executor options every refit of the command shares."""
    return dict(seed=args.seed, level=args.level, n_jobs=args.jobs, scheduler=args.scheduler)


def headlines(table: Any, specs: list[Any], args: argparse.Namespace, say: Any) -> tuple[Any, dict[str, Any]]:
    """Each preset's answer to each question (and, on the bundled data, the published scores' answers)."""
    from irt_elo.analysis.compare import compare

    questions = questions_for(args.model, args.bootstrap, args.uncertainty)
    comp = compare(table, specs, questions, n_boot=args.bootstrap, common_models=args.common_models, **run_kw(args))
    out: dict[str, Any] = comp.to_dict()
    test = ("independent CI-derived sigmas (Epoch's procedure, as `irt-elo gap`)" if args.uncertainty == "sigma"
            else "paired bootstrap draws")
    say(f"Headline gaps on {table.name} ({args.bootstrap} bootstrap draws per fit, {args.level:.0%} intervals, "
        f"catch-up test on {test}; * = the preset's own headline question)")
    for q in questions:
        say(f"  {q.key}: {q.label}; caught up = {q.criterion}")
    say(headline_table(comp.to_frame()))
    for r in comp.results:
        if r.notes:
            say(f"  {r.spec.name}: " + "; ".join(r.notes))
    published = published_capabilities(args)
    if published is not None:
        out["published_scores"] = published_scores(questions, published, args)
        say("")
        say(f"The same questions on Epoch's published scores of {published.source} (what `irt-elo gap` answers "
            "on this data without fit options):")
        say(published_table(out["published_scores"]))
    return comp, out


def decomposition(table: Any, specs: list[Any], comp: Any, args: argparse.Namespace, say: Any) -> Any:
    from irt_elo.analysis.compare import decompose

    dec = decompose(table, decomposition_steps(args, specs), n_boot=args.bootstrap,
                    reuse=[] if args.common_models else comp.results, **run_kw(args))
    say("")
    say("Decomposition: one method choice at a time, eci preset -> caisi preset (cumulative; gap in months)")
    say(decomposition_table(dec.frame))
    say(f"  total change {dec.total_months:+.1f} months = sum of the step changes")
    return dec


def robustness(table: Any, specs: list[Any], args: argparse.Namespace, say: Any) -> dict[str, Any]:
    """Random benchmark subsets and leave-one-out, point criterion, per preset."""
    from irt_elo.analysis.robustness import leave_one_out, subset_gaps
    from irt_elo.cli._common import format_table

    out: dict[str, Any] = {"subsets": {}, "leave_one_out": {}}
    questions = questions_for(args.model, 0)
    workers = dict(n_jobs=args.jobs, scheduler=args.scheduler)
    for s in specs:
        if args.subsets:
            sr = subset_gaps(table, s, k=args.k, n_subsets=args.subsets, seed=args.seed, pool=args.pool,
                             questions=questions, require_model=None if args.any_subset else args.model, **workers)
            out["subsets"][s.name] = sr.to_dict()
            say("")
            say(f"{s.name}: gap over {args.subsets} random {args.k}-benchmark subsets ({args.pool} pool"
                f"{'' if args.any_subset else ', each keeping ' + args.model}; point criterion; "
                f"subsets by status {sr.counts()})")
            say(format_table(sr.summary(args.level), max_width=40))
        if args.loo:
            lo = leave_one_out(table, s, questions=questions, seed=args.seed, **workers)
            out["leave_one_out"][s.name] = lo.to_dict()
            inf = lo.frame[["benchmarks", "status"]].copy()
            for q in questions:
                inf[f"{q.key}_months"] = lo.frame[f"{q.key}_months"]
                inf[f"{q.key}_effect"] = lo.frame[f"{q.key}_months"] - lo.full[f"{q.key}_months"]
            size = inf[[f"{q.key}_effect" for q in questions]].abs().max(axis=1)
            inf = inf.loc[size.sort_values(ascending=False, na_position="last").index].head(10)
            say("")
            say(f"{s.name}: leave one benchmark out: gap months without it and the change (point criterion; "
                f"largest 10 of {len(lo.frame)})")
            say(format_table(inf, max_width=40))
    return out


def harness(table: Any, specs: list[Any], args: argparse.Namespace, say: Any) -> dict[str, Any]:
    """Gaps by evaluation source and with a per-source offset, per preset."""
    from irt_elo.analysis.harness import harness_control
    from irt_elo.cli._common import format_table

    out = {}
    questions = questions_for(args.model, args.bootstrap, args.uncertainty)
    for s in specs:
        hr = harness_control(table, s, questions, n_boot=args.bootstrap, **run_kw(args))
        out[s.name] = hr.to_dict()
        say("")
        say(f"{s.name}: harness control")
        cols = [c for c in ("sources", "question", "gap_months", "gap_months_low", "gap_months_high",
                            "gap_points", "gap_points_low", "gap_points_high", "n_models", "n_benchmarks",
                            "n_scores", "error") if c in hr.by_source]
        say(format_table(hr.by_source[cols]))
        say(format_table(hr.offsets))
        say("  " + hr.verdict)
    return out


def caisi_table(comp: Any, args: argparse.Namespace, say: Any) -> dict[str, Any]:
    """CAISI's published four-model table refitted, against CAISI's Elo."""
    from irt_elo.analysis.compare import caisi_table_elo
    from irt_elo.cli._common import format_table

    eci_fit = next((r.fitter for r in comp.results if r.spec.preset == "eci" and r.spec.sources == "all"
                    and not r.spec.overrides and args.data is None), None)
    ct = caisi_table_elo(reference=eci_fit, three_x=args.elo_3x)
    say("")
    say("CAISI's published table (4 models x 9 benchmarks): Elo, Claude Opus 4.6 = 999")
    say(format_table(ct.frame.reset_index(), max_width=30))
    say(format_table(ct.differences, floats={c: ".2f" for c in ct.differences.columns if "ratio" in c}))
    for n in ct.notes:
        say(f"  {n}")
    return ct.to_dict()


# --------------------------------------------------------------------------------------------------------------------
# irt-elo plot compare | subsets

PLOT_EXAMPLES = {
    "compare": "example:\n  irt-elo plot compare -o waterfall.png --bootstrap 50\n",
    "subsets": "example:\n  irt-elo plot subsets --preset caisi --subsets 200 --k 9 -o subsets.svg\n",
}


def add_plot_arguments(p: argparse.ArgumentParser, kind: str) -> None:
    opt.add_data(p)
    if kind == "compare":
        add_method_arguments(p)
        opt.add_figure_output(p, "waterfall.png")
        return
    g = p.add_argument_group("method")
    opt.add_preset(g, help="preset refitted on each subset (default: caisi)")
    opt.add_model(g, MODEL_HELP + "; kept in every subset")
    add_subset_arguments(g, subsets=f"number of random subsets (default: {PLOT_SUBSETS})")
    u = p.add_argument_group("uncertainty")
    opt.add_seed(u)
    opt.add_workers(u)
    opt.add_figure_output(p, "subsets.png")


PLOT_SUBSETS = 200


def run_plot(args: argparse.Namespace) -> int:
    import matplotlib

    from irt_elo.cli._common import check_figure_path, figure_path, load_table, save_figure
    from irt_elo.plots.compare import plot_subsets, plot_waterfall

    matplotlib.use("Agg")
    resolve(args)
    inputs = [args.data] if args.data else []
    check_figure_path(figure_path(args), inputs=inputs)
    if args.kind == "compare":
        check_common(args)
        specs = specs_from_args(args)
    else:
        from irt_elo.analysis.compare import MethodSpec

        args.subsets = PLOT_SUBSETS if args.subsets is None else args.subsets
        if args.subsets < 1:
            raise IrtEloError(f"--subsets must be at least 1, not {args.subsets}")
        from irt_elo.cli._common import one_preset

        specs = [MethodSpec(one_preset(args) or "caisi")]
    table = load_table(args)
    check_model(table, args.model)
    if args.kind == "compare":
        from irt_elo.analysis.compare import decompose

        dec = decompose(table, decomposition_steps(args, specs), n_boot=args.bootstrap, seed=args.seed,
                        level=args.level, n_jobs=args.jobs, scheduler=args.scheduler)
        fig = plot_waterfall(dec)
    else:
        from irt_elo.analysis.robustness import subset_gaps

        check_subset_size(table, specs, args.k, args.pool)
        sr = subset_gaps(table, specs[0], k=args.k, n_subsets=args.subsets, seed=args.seed, pool=args.pool,
                         questions=questions_for(args.model, 0),
                         require_model=None if args.any_subset else args.model, n_jobs=args.jobs,
                         scheduler=args.scheduler)
        fig = plot_subsets(sr)
    out = save_figure(fig, figure_path(args), inputs=inputs)
    print(f"wrote {out}")
    return 0
