"""Options every data-reading command shares, and the one place that turns them into a ScoreTable."""
from __future__ import annotations

import argparse

from irt_elo.data.table import ScoreTable
from irt_elo.data.detect import read_table


def add_data_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", nargs="?", metavar="DATA",
                   help="score table CSV (long, wide, or Epoch's eci_benchmarks.csv); default: the bundled Epoch "
                        "ECI snapshot of 2026-08-11")
    g = p.add_argument_group("input")
    g.add_argument("--format", choices=("auto", "long", "wide", "epoch-eci"), default="auto", help="input layout")
    sc = g.add_mutually_exclusive_group()
    sc.add_argument("--percent", dest="score_scale", action="store_const", const="percent",
                    help="scores are percentages (0-100)")
    sc.add_argument("--fraction", dest="score_scale", action="store_const", const="fraction",
                    help="scores are fractions (0-1); a value above 1 is an error")
    sc.add_argument("--score-scale", dest="score_scale", choices=("fraction", "percent", "auto"),
                    help="fraction, percent, or auto (guess from the largest value)")
    g.add_argument("--aggregate", choices=("max", "mean", "error"), default="max",
                   help="combine repeated (model, benchmark) rows: best (Epoch), mean, or refuse")
    p.set_defaults(score_scale="fraction")


def load_table(args: argparse.Namespace) -> ScoreTable:
    if args.data is None:
        from irt_elo.data.datasets import load_epoch_eci

        return load_epoch_eci()
    return read_table(args.data, score_scale=args.score_scale, aggregate=args.aggregate, format=args.format)
