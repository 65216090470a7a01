"""``irt-elo score``: place new models on a frozen fit -- capability with an interval, and how many months each
trails the closed frontier."""
from __future__ import annotations

import argparse

from irt_elo.cli import options as opt

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

EXAMPLES = """\
examples:
  # Your model's scores (long CSV: model,benchmark,score[,release_date,open_weights]) on the bundled ECI fit:
  irt-elo score my_model.csv
  # ... in percent, against today's Epoch release (after `irt-elo fetch`), written as JSON:
  irt-elo score my_model.csv --percent --against latest -o placed.json
  # CAISI-style Elo on your own table of reference models, 200 bootstrap draws:
  irt-elo score my_model.csv --against reference.csv --preset caisi --bootstrap 200
  # Re-score a model that is already in the fit, from new scores:
  irt-elo score gpt5_rerun.csv --replace

Nothing in the fit moves: each new model gets the capability that minimises the fit's own loss over its scores with
every benchmark's difficulty and slope held fixed. Its interval carries its own measurement error (few benchmarks:
wide; scores simulated from the fit's residual model) and the benchmark parameters' uncertainty (the fit's
bootstrap draws, or Epoch's own draws of a release). Benchmarks the fit does not know are listed and ignored. A
model whose scores all sit at the ceiling (floor) gets no point value and an interval open on that side.
"months behind": on its release day, how long before it the closed frontier first reached its level (CAISI's
question; needs release_date), with an interval from the same paired draws.
"""

HELP = "place new models on a frozen fit: capability, interval, months behind"  # the line `irt-elo --help` lists


def add_parser(sub: Any) -> None:
    p = sub.add_parser("score", help=HELP,
                       description="Score new models on an existing fit without refitting it: capability on the "
                                   "preset's scale with an interval, and the months each trails the closed frontier.",
                       epilog=EXAMPLES, formatter_class=opt.HelpFormatter)
    opt.add_new_models(p, required=True)
    opt.add_frozen_fit(p)
    opt.add_output(p, output="write one row per new model (.csv or .json)", top=True)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from irt_elo.analysis.newmodels import place_new_models
    from irt_elo.cli._common import write_frame
    from irt_elo.cli._newmodel import setup

    s = setup(args, n_boot_default=opt.DEFAULT_DRAWS)
    placed = place_new_models(s.fitter, s.new, draws=s.draws, level=args.level, seed=args.seed,
                              replace=args.replace)
    meta = score_meta(s.fitter, placed, args)
    if args.output:
        write_frame(placed.summary, args.output, meta=meta, key="models", inputs=s.inputs, raw_csv=args.raw_csv)
    if not args.quiet:
        print(report(s.fitter, placed, args.top))
    return 0


def score_meta(fitter: Any, placed: Any, args: argparse.Namespace) -> dict[str, Any]:
    fz = placed.scored.frozen
    return {"against": fitter.table_.name, "preset": fitter.name, "scale": fitter.scale_.name,
            "interval_level": placed.scored.level, "seed": args.seed, "parameter_draws": fz.n_draws,
            "parameter_draws_from": fz.draws_source, "residual_variance_pooled": fz.residuals.pooled,
            "months_behind": f"lead of the {placed.lead} frontier on the model's release day (point criterion)",
            "ignored_benchmarks": placed.ignored}


def report(fitter: Any, placed: Any, top: int) -> str:
    """The terminal report: what the models were placed on, then one line per model."""
    import pandas as pd

    from irt_elo.cli._common import format_table, value_interval

    fz = placed.scored.frozen
    s = placed.summary
    lines = [f"placed on the frozen {fitter.name} fit of {fitter.table_.name} ({fitter.table_.n_models} models x "
             f"{fitter.table_.n_benchmarks} benchmarks; scale {fitter.scale_.name}); intervals "
             f"{placed.scored.level:.0%} from {fz.draws_source or 'no draws'} and the residual model"]
    if placed.ignored:
        from irt_elo.errors import did_you_mean

        lines.append("ignored (not in the fit): " + "; ".join(
            f"{b} ({', '.join(ms[:3])}{', ...' if len(ms) > 3 else ''}){did_you_mean(b, fz.benchmarks)}"
            for b, ms in placed.ignored.items()))
    rows = pd.DataFrame({
        "model": s["model"],
        "capability": [value_interval(v, lo, hi) if pd.notna(v) else (iv or "n/a")
                       for v, lo, hi, iv in zip(s["capability"], s["ci_low"], s["ci_high"], s["interval"])],
        "n_benchmarks": s["n_benchmarks"],
        f"months behind {placed.lead}": [value_interval(v, lo, hi) for v, lo, hi in
                                         zip(s["months_behind"], s["months_low"], s["months_high"])],
        "frontier reached by": s["frontier_reached_by"].fillna(""),
        "note": [n if not m else f"{n}; months: {m}" if n else f"months: {m}" for n, m in
                 zip(s["note"], s["months_note"])],
    })
    lines.append(format_table(rows.head(top or len(rows)), max_width=70))
    if top and len(rows) > top:
        lines.append(f"... {len(rows) - top} more models (--top 0 prints all; -o writes them)")
    return "\n".join(lines)
