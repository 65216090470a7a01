"""What ``score``, ``predict`` and ``next`` share at run time: the frozen fit with its draws, and the model whose
scores a command works on (from NEW, or a model of the fit)."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

import pandas as pd

from irt_elo.errors import IrtEloError, did_you_mean


@dataclass(frozen=True)
class Setup:
    """The fitted fit, frozen (with draws), and NEW when given."""

    fitter: Any
    frozen: Any
    draws: Any  # Epoch's own draws of the release, or None (the fitter's bootstrap)
    new: Any  # ScoreTable or None
    inputs: list[str]


def setup(args: argparse.Namespace, *, n_boot_default: int) -> Setup:
    """Read NEW (when given), fit ``--against`` and freeze it: Epoch's own draws when the release ships them, else
    ``--bootstrap`` draws (default ``n_boot_default``)."""
    from irt_elo.cli import _common as common

    common.check_level(args.level)
    common.check_jobs(args.jobs)
    n_boot = common.check_bootstrap(n_boot_default if args.bootstrap is None else args.bootstrap)
    if n_boot == 0:
        raise IrtEloError("--bootstrap 0: intervals need parameter draws; give at least 2")
    if args.top < 0:
        raise IrtEloError("--top must be 0 (all rows) or more")
    width = getattr(args, "target_width", None)
    if width is not None and not 0 < width < float("inf"):
        raise IrtEloError(f"--target-width {width:g}: give a positive width in scale points")
    inputs = ([args.new] if getattr(args, "new", None) else []) + ([args.against] if args.against else [])
    common.check_outputs(args.output, inputs=inputs)
    new = common.read_new_models(args) if getattr(args, "new", None) else None
    fitter, draws, _ = common.frozen_fit(args)
    if draws is None:
        fitter.bootstrap(n_boot, args.seed, args.level, n_jobs=args.jobs, scheduler=args.scheduler)
    return Setup(fitter, fitter.freeze(draws), draws, new, inputs)


def model_scores(s: Setup, model: str | None, replace: bool) -> tuple[str, pd.DataFrame, bool]:
    """(name, observed cells, is new) of the model the command is about: ``--model`` in NEW, else in the fit; NEW
    with one model needs no ``--model``."""
    if s.new is not None:
        names = list(s.new.model_names)
        if model is None:
            if len(names) != 1:
                raise IrtEloError(f"{s.new.name} holds {len(names)} models; name one with --model")
            model = names[0]
        if model not in names:
            raise IrtEloError(f"{s.new.name}: no model {model!r}{did_you_mean(model, names)}")
        if model in s.fitter.table_.model_names and not replace:
            raise IrtEloError(f"{s.new.name}: model {model!r} is already in the fit; rename it, or pass --replace to "
                              "use these scores instead of the fit's")
        cells = s.new.scores[s.new.scores["model"] == model][["model", "benchmark", "score"]]
        return model, cells.reset_index(drop=True), True
    if model is None:
        raise IrtEloError("name a model of the fit with --model, or give NEW (the scores of a new model)")
    t = s.fitter.table_
    if model not in t.model_names:
        raise IrtEloError(f"model {model!r} is not in the fit of {t.name}{did_you_mean(model, t.model_names)}; give "
                          "its scores as NEW")
    return model, t.scores[t.scores["model"] == model][["model", "benchmark", "score"]].reset_index(drop=True), False


__all__ = ["Setup", "setup", "model_scores"]
