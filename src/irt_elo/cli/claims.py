"""``irt-elo claims``: re-check every published gap claim (the shipped ledger, plus your own rows) on one data set."""
from __future__ import annotations

import argparse

from irt_elo.cli import options as opt
from irt_elo.errors import IrtEloError

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

HELP = "check every published gap claim (Epoch, CAISI, others) against the data"

EXAMPLES = """\
examples:
  # every claim of the shipped ledger, each on the bundled vintage closest to the data it was made on:
  irt-elo claims
  # only Epoch's May-2026 claim and CAISI's V4 Pro claim, written as JSON:
  irt-elo claims --claim E2 --claim C1 -o claims.json
  # every claim on one vintage (claims it does not cover fall back to their own bundled vintage, and say so):
  irt-elo claims --vintage 2025-12-19 -o claims.csv
  # your own claims in the ledger's columns, checked with the shipped ones:
  irt-elo claims --claims my_claims.csv
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "claims", help=HELP,
        description="For each published gap claim (METHODS.md section 6; `--claims FILE` adds rows in the same "
                    "columns): the recomputed answer with its interval, a verdict (consistent: the published value "
                    "lies inside the recomputed interval; not consistent; cannot be checked, with the reason), the "
                    "one method choice that moves the recomputed value closest to the published one, and for named "
                    "models both the matched-model and the trend-line rule.",
        epilog=EXAMPLES, formatter_class=opt.HelpFormatter)
    opt.add_data(p)
    for a in p._actions:  # same positional, claims-specific help
        if a.dest == "data":
            a.help = ("a table of fitted capabilities with intervals (Epoch's eci_scores.csv, or columns model, "
                      "capability, ci_low, ci_high, release_date, group) or one of Epoch's releases (zip or folder); "
                      "default: each claim on the bundled vintage its row names")
    g = p.add_argument_group("claims")
    opt.add_claims(g)
    opt.add_uncertainty(p, bootstrap="bootstrap draws of the harness claim's offset model (default 20)",
                        draws=True, workers=False, old_level_option=False)
    opt.add_output(p, output="write one row per claim: .json ({meta, claims: [...]}) or .csv")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from irt_elo.analysis.claims import check_claims
    from irt_elo.cli._common import check_bootstrap, check_level, check_outputs, write_frame, written_in_place
    from irt_elo.data.claims import read_claims

    inputs = [x for x in (args.data, args.claims) if x]
    if args.output and written_in_place(args.output) and Path(args.output).suffix.lower() not in (".json", ".csv"):
        raise IrtEloError(f"{args.output}: the claims table is written as .json or .csv; use one of those names")
    check_outputs(args.output, inputs=inputs)
    check_level(args.level)
    if args.n_draws < 2:
        raise IrtEloError(f"--draws needs at least 2, got {args.n_draws}")
    n_boot = check_bootstrap(20 if args.bootstrap is None else args.bootstrap)
    extra = read_claims(args.claims) if args.claims else None
    kw: dict[str, Any] = dict(claims=extra, ids=args.claim, level=args.level, seed=args.seed, n_draws=args.n_draws,
                              n_boot=n_boot)
    kw.update(load_data(args))
    res = check_claims(**kw)
    if args.output:
        write_frame(res.table, args.output, meta={"command": "irt-elo claims", "data": res.data,
                                                  "level": res.level, "seed": res.seed, "notes": list(res.notes)},
                    key="claims", inputs=inputs, raw_csv=args.raw_csv)
    if not args.quiet:
        print(describe(res))
    return 0


def load_data(args: argparse.Namespace) -> dict[str, Any]:
    """``check_claims`` keywords for DATA / --vintage: nothing (each claim's own vintage), a bundled vintage, or
    capabilities with the fit input behind them when known."""
    from pathlib import Path

    from irt_elo.cli._common import chosen_vintage

    vintage = chosen_vintage(args)
    if vintage is not None:
        if vintage.kind == "bundled":
            return {"vintage": vintage.date}
        from irt_elo.analysis.vintages import vintage_capabilities
        from irt_elo.data.readers.epoch_release import read_release

        return {"data": vintage_capabilities(vintage), "table": read_release(vintage.path).table}
    if args.data is None:
        return {}
    from irt_elo.analysis.capabilities import Capabilities
    from irt_elo.data.readers.epoch_release import is_release, read_release

    path = Path(args.data)
    if is_release(path):
        release = read_release(path)
        return {"data": Capabilities.from_release(release), "table": release.table}
    if not path.exists():
        raise IrtEloError(f"{path}: no such file")
    from irt_elo.cli._common import is_capability_file

    if not is_capability_file(path):
        raise IrtEloError(f"{path}: not a table of fitted capabilities (model, capability, ci_low, ci_high, "
                          "release_date[, group]); fit a score table first (`irt-elo fit DATA -o caps.csv`)")
    return {"data": Capabilities.from_scores(path)}


def describe(res: Any) -> str:
    """One row per claim, then each claim's reason and closest method choice."""
    import pandas as pd

    from irt_elo.cli._common import format_table, value_interval

    t = res.table
    rows = pd.DataFrame({
        "id": t["id"], "source": t["source"], "data": t["data"].str.replace("epoch_eci_", "", regex=False),
        "published": t["published"],
        "recomputed [interval]": [value_interval(r.recomputed, r.recomputed_low, r.recomputed_high, ".2f", "-")
                                  for r in t.itertuples()],
        "verdict": t["verdict"],
        "closest choice": t["closest_choice"].fillna("")})
    lines = [f"published gap claims re-checked; {res.level:.0%} intervals", format_table(rows, max_width=44), ""]
    for r in t.itertuples():
        lines.append(f"{r.id}: {r.reason}")
        extra = []
        if isinstance(r.closest_value, float) and pd.notna(r.closest_value):
            extra.append(f"closest choice {r.closest_choice}: {r.closest_value:.2f}")
        if isinstance(r.rule_implied, str):
            extra.append(f"rule the wording implies: {r.rule_implied}")
        if isinstance(r.direction_detail, str):
            extra.append(f"direction: {r.direction_detail}")
        if isinstance(r.data_note, str):
            extra.append(r.data_note)
        if extra:
            lines.append("    " + "; ".join(extra))
    lines += ["", *[f"note: {n}" for n in res.notes]]
    return "\n".join(lines)
