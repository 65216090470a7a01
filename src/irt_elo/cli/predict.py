"""``irt-elo predict``: expected scores of a model on benchmarks, with predictive intervals."""
from __future__ import annotations

import argparse

from irt_elo.cli import options as opt

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

EXAMPLES = """\
examples:
  # What DeepSeek-V4-Pro would score on every benchmark of the bundled ECI fit (observed ones shown beside):
  irt-elo predict --model DeepSeek-V4-Pro
  # Two benchmarks, 80% intervals:
  irt-elo predict --model DeepSeek-V4-Pro --benchmark "SWE-Bench verified" --benchmark HLE --ci-level 0.8
  # A new model (placed on the frozen fit first) on the benchmarks it has not run, as CSV:
  irt-elo predict my_model.csv -o predicted.csv

The predictive interval of a score covers the benchmark parameters' and the model's uncertainty (bootstrap draws,
or Epoch's own) and the spread of a score around its expected value (the fit's residual model). `irt-elo diagnose`
checks its coverage on held-out scores.
"""

HELP = "expected scores of a model on any benchmark, with predictive intervals"  # the line `irt-elo --help` lists


def add_parser(sub: Any) -> None:
    p = sub.add_parser("predict", help=HELP,
                       description="Predict a model's score on benchmarks it has (or has not) run, with predictive "
                                   "intervals, from a frozen fit.",
                       epilog=EXAMPLES, formatter_class=opt.HelpFormatter)
    opt.add_new_models(p, required=False)
    w = p.add_argument_group("what")
    opt.add_model(w, help="the model (in NEW, or in the fit); NEW with one model needs no --model")
    opt.add_benchmark(w, help="a benchmark to predict; repeat for several (default: every benchmark of the fit)")
    opt.add_frozen_fit(p)
    opt.add_output(p, output="write one row per benchmark (.csv or .json)", top=True)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from irt_elo.cli._common import write_frame
    from irt_elo.cli._newmodel import model_scores, setup
    from irt_elo.errors import IrtEloError, did_you_mean
    from irt_elo.fit.frozen import predict_cells, score_models

    s = setup(args, n_boot_default=opt.DEFAULT_DRAWS)
    fz = s.frozen
    model, cells, is_new = model_scores(s, args.model, args.replace)
    benches = list(dict.fromkeys(args.benchmark)) if args.benchmark else list(fz.benchmarks)
    for b in benches:
        if b not in fz.benchmarks:
            raise IrtEloError(f"--benchmark {b!r} is not in the fit{did_you_mean(b, fz.benchmarks)}")
    observed = cells.set_index("benchmark")["score"]
    todo = pd.DataFrame({"model": model, "benchmark": benches, "score": observed.reindex(benches).to_numpy()})
    draws = cap = None
    note = ""
    if is_new:
        placed = score_models(fz, cells, level=args.level, seed=args.seed, replace=True)
        row = placed.summary.iloc[0]
        if not pd.notna(row["capability"]):
            raise IrtEloError(f"{model}: {row['note']}; its scores cannot be predicted")
        draws, cap = placed.draws, placed.summary.set_index("model")["capability"]
        note = f" (placed on the frozen fit from {int(row['n_benchmarks'])} benchmarks: {row['capability']:.1f} " \
               f"{row['interval']})"
        if model in fz.capability.index:  # --replace: its own scores stand in for the fit's
            fz = _without(fz, model)
    out = predict_cells(fz, todo, capability_draws=draws, capability=cap, interval=args.level, seed=args.seed)
    meta = {"model": model, "against": s.fitter.table_.name, "preset": s.fitter.name, "interval_level": args.level,
            "seed": args.seed, "parameter_draws": fz.n_draws, "parameter_draws_from": fz.draws_source,
            "interval": "parameter draws plus a residual draw per score (Var = v_b mu (1 - mu)), percentiles"}
    if args.output:
        write_frame(out, args.output, meta=meta, key="predictions", inputs=s.inputs, raw_csv=args.raw_csv)
    if not args.quiet:
        print(report(model, note, s.fitter, out, args.level, args.top))
    return 0


def _without(fz: Any, model: str) -> Any:
    from dataclasses import replace

    d = None if fz.draws is None else {**fz.draws, "capability": fz.draws["capability"].drop(columns=[model])}
    return replace(fz, capability=fz.capability.drop(index=model), draws=d)


def report(model: str, note: str, fitter: Any, out: Any, level: float, top: int) -> str:
    import pandas as pd

    from irt_elo.cli._common import format_table

    t = pd.DataFrame({
        "benchmark": out["benchmark"],
        "predicted %": 100 * out["predicted"],
        f"{level:.0%} interval %": [f"[{100 * a:.1f}, {100 * b:.1f}]" for a, b in zip(out["pi_low"], out["pi_high"])],
        "observed %": 100 * out["observed"],
    })
    lines = [f"{model} on the frozen {fitter.name} fit of {fitter.table_.name}{note}",
             format_table(t.head(top or len(t)), floats={"predicted %": ".1f", "observed %": ".1f"})]
    if top and len(t) > top:
        lines.append(f"... {len(t) - top} more benchmarks (--top 0 prints all; -o writes them)")
    return "\n".join(lines)
