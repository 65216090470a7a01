"""``irt-elo next``: which benchmark a model should run next to pin its capability down."""
from __future__ import annotations

import argparse

from irt_elo.cli import options as opt

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

EXAMPLES = """\
examples:
  # The benchmarks DeepSeek-V4-Pro has not run, most useful first, on the bundled ECI fit:
  irt-elo next --model DeepSeek-V4-Pro
  # A new model from its first scores; how many more benchmarks until its 90% interval is 3 ECI points wide:
  irt-elo next my_model.csv --target-width 3

Ranking: the information one more score would carry about the capability under the fit's residual model, averaged
over the capabilities its scores so far leave plausible (posterior-weighted information, the rule of adaptive
testing). "width after": the predicted interval width with that one benchmark added (measurement variance plus the
benchmark parameters' variance over the draws). The path to --target-width adds, each time, the benchmark that
leaves the narrowest predicted interval (a steep benchmark with an uncertain difficulty can rank high on information
and still widen the interval).
"""

HELP = "rank the benchmarks a model has not run by how much each would narrow its interval"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("next", help=HELP,
                       description="Rank the benchmarks a model has not run by how much each would narrow its "
                                   "capability interval, and say how many it takes to reach a target width.",
                       epilog=EXAMPLES, formatter_class=opt.HelpFormatter)
    opt.add_new_models(p, required=False)
    w = p.add_argument_group("what")
    opt.add_model(w, help="the model (in NEW, or in the fit); NEW with one model needs no --model")
    w.add_argument("--target-width", type=float, metavar="POINTS",
                   help="interval width (scale points) to reach: how many of the ranked benchmarks it takes")
    opt.add_frozen_fit(p)
    opt.add_output(p, output="write the ranking (.csv, or .json with the path)", top=True)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from irt_elo.cli._common import write_frame
    from irt_elo.cli._newmodel import model_scores, setup
    from irt_elo.fit.frozen import next_benchmarks

    s = setup(args, n_boot_default=opt.DEFAULT_DRAWS)
    model, cells, _ = model_scores(s, args.model, args.replace)
    choice = next_benchmarks(s.frozen, cells, level=args.level, target_width=args.target_width)
    meta = {"model": model, "against": s.fitter.table_.name, "preset": s.fitter.name,
            "capability": choice.capability, "interval_level": args.level, "width_now": choice.width_now,
            "target_width": args.target_width, "needed": choice.needed,
            "path": choice.path.to_dict(orient="records"),
            "rule": "posterior-weighted Fisher information under the residual model"}
    if args.output:
        write_frame(choice.ranking, args.output, meta=meta, key="ranking", inputs=s.inputs, raw_csv=args.raw_csv)
    if not args.quiet:
        print(report(choice, s.fitter, args.top))
        unknown = sorted(set(cells["benchmark"]) - set(s.frozen.benchmarks))
        if unknown:
            print(f"ignored (not in the fit): {', '.join(unknown)}")
    return 0


def report(choice: Any, fitter: Any, top: int) -> str:
    from irt_elo.cli._common import format_table

    scale = fitter.scale_.name
    where = f"on the frozen {fitter.name} fit of {fitter.table_.name}"
    if choice.status == "no known benchmark":
        head = (f"{choice.model} {where}: no score on a benchmark of the fit yet; ranked for a model typical of the "
                f"fit (mean capability {choice.capability:.1f})")
    elif choice.status in ("ceiling", "floor"):
        head = (f"{choice.model} {where}: its scores sit at the {choice.status} of every benchmark it ran, so it has "
                f"no point value; the ranking weighs the capabilities those scores leave open")
    else:
        head = (f"{choice.model} {where}: {choice.capability:.1f}, {choice.level:.0%} interval about "
                f"{choice.width_now:.1f} {scale} points wide (normal approximation)")
    lines = [head]
    r = choice.ranking.rename(columns={"expected_score": "expected score", "width_after": "width after",
                                       "narrows_by": "narrows by"})
    lines.append(format_table(r[["benchmark", "information", "expected score", "width after", "narrows by"]]
                              .head(top or len(r)), floats={"information": ".3g", "expected score": ".2f",
                                                             "width after": ".2f", "narrows by": ".2f"}))
    if choice.target_width is not None:
        if choice.needed is None:
            best = choice.path["width"].min() if len(choice.path) else float("nan")
            lines.append(f"target width {choice.target_width:g}: not reached with the {len(choice.path)} best "
                         f"benchmarks (narrowest predicted {best:.2f})")
        elif choice.needed == 0:
            lines.append(f"target width {choice.target_width:g}: already reached")
        else:
            names = ", ".join(choice.path["benchmark"].head(choice.needed))
            lines.append(f"target width {choice.target_width:g}: {choice.needed} more benchmark"
                         f"{'s' if choice.needed > 1 else ''} ({names}; predicted width "
                         f"{choice.path['width'].iloc[choice.needed - 1]:.2f})")
    return "\n".join(lines)
