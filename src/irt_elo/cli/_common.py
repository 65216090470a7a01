"""What the commands share at run time: reading DATA, building the fitter the options describe, atomic output
files, input/output checks and table printing.

Imported inside each command's ``run`` (it loads pandas); the parsers use :mod:`irt_elo.cli.options` only.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.core.scale import ELO_3X_PER_LOGIT, make_scale
from irt_elo.data.detect import read_table
from irt_elo.data.records import jsonable, records
from irt_elo.data.table import ScoreTable
from irt_elo.errors import IrtEloError

FIGURE_TYPES = ("png", "svg", "pdf")


def chosen_vintage(args: argparse.Namespace) -> Any:
    """The :class:`~irt_elo.data.vintages.Vintage` that ``--vintage`` names, or None without it."""
    name = getattr(args, "vintage", None)
    if name is None:
        return None
    if args.data is not None:
        raise IrtEloError(f"give DATA or --vintage, not both (DATA {args.data}, --vintage {name})")
    if name == "all":
        raise IrtEloError("--vintage all answers one question on every vintage: it is for `irt-elo gap` and "
                          "`irt-elo plot gap`; name one vintage here (`irt-elo fetch --list`)")
    from irt_elo.data.vintages import resolve_vintage

    return resolve_vintage(name)


def load_table(args: argparse.Namespace) -> ScoreTable:
    """The score table DATA (or ``--vintage``) names, read with the input options; default: the bundled Epoch ECI
    input."""
    from irt_elo.data.datasets import LATEST_ECI, load_epoch_eci

    vintage = chosen_vintage(args)
    if vintage is not None and vintage.kind == "bundled":
        if vintage.date != LATEST_ECI:
            raise IrtEloError(f"the bundled {vintage.date} release has published scores only, no fit input; use it "
                              f"with `irt-elo gap --vintage {vintage.date}`")
        return load_epoch_eci(vintage.date)
    if vintage is not None:
        return read_table(vintage.path)
    if args.data is None:
        return load_epoch_eci()
    return read_table(args.data, score_scale=args.score_scale, aggregate=args.aggregate, format=args.format)


def frozen_fit(args: argparse.Namespace) -> tuple[Any, Any, list[str]]:
    """The fit ``--against`` names (method options applied), fitted, with the parameter draws its intervals use:
    the release's own bootstrap draws when ``--against`` is an Epoch release that ships them (and no --bootstrap is
    asked), else None (the fitter is bootstrapped when frozen). Returns (fitter, draws, input paths)."""
    from irt_elo.data.datasets import load_epoch_eci

    target = getattr(args, "against", None)
    inputs: list[str] = []
    table, draws, own = None, None, False
    if target is None:
        table = load_epoch_eci()
    else:
        path = Path(target)
        release_path = None
        if path.exists():
            from irt_elo.data.readers.epoch_release import is_release

            inputs.append(str(path))
            if is_release(path):
                release_path = path
            else:  # fractions or percentages, whichever the file holds (the input options are NEW's)
                table = read_table(path, score_scale="auto")
                own = True
        else:
            from irt_elo.data.vintages import resolve_vintage

            try:
                v = resolve_vintage(str(target))
            except IrtEloError as e:
                raise IrtEloError(f"--against {target}: no such file, and {e}") from None
            if v.kind == "bundled":
                from irt_elo.data.datasets import LATEST_ECI

                if v.date != LATEST_ECI:
                    raise IrtEloError(f"--against {target}: the bundled {v.date} release has published scores only, "
                                      "no fit input; use a release with its fit input")
                table = load_epoch_eci(v.date)
            else:
                release_path = Path(v.path)
        if release_path is not None:
            from irt_elo.data.readers.epoch_release import read_release

            rel = read_release(release_path)
            table = rel.table
            draws = rel.draws
    fitter = fitter_from_args(args, table, own_table=own).fit(table)
    # Epoch's draws are draws of Epoch's own fit: they stand for this one only when it is that fit (the eci preset
    # as it is, on the ECI scale) and they cover its models and benchmarks; otherwise the fit is bootstrapped.
    if draws is not None and (getattr(args, "bootstrap", None) is not None or not _release_fit_as_is(args, fitter)
                              or not set(fitter.table_.model_names) <= set(draws.capability.columns)
                              or not set(fitter.table_.benchmark_names) <= set(draws.difficulty.columns)):
        draws = None
    return fitter, draws, inputs


def _release_fit_as_is(args: argparse.Namespace, fitter: Any) -> bool:
    """Whether the options leave the eci preset as it is (no method, subset or scale option)."""
    changed = [o for o in METHOD_OPTIONS if getattr(args, o, None) is not None]
    return (one_preset(args) in (None, "eci") and fitter.name == "eci" and not changed
            and not getattr(args, "benchmarks", None) and getattr(args, "precision", None) is None
            and scale_from_args(args) is None)


def read_new_models(args: argparse.Namespace) -> ScoreTable:
    """NEW, read strictly: a repeated (model, benchmark) row is an error, scores outside the scale are errors."""
    return read_table(args.new, score_scale=args.score_scale, aggregate="error", format=args.format)


METHOD_OPTIONS = {"form": "model", "loss": "loss", "ridge": "ridge", "penalty": "penalty",
                  "anchor_benchmark": "anchor_benchmark", "min_benchmarks": "min_benchmarks", "since": "since",
                  "until": "until", "start_seed": "random_state"}  # option -> Fitter argument


def fitter_from_args(args: argparse.Namespace, table: ScoreTable | None = None, *, own_table: bool | None = None
                     ) -> Any:
    """The :class:`~irt_elo.fit.Fitter` the method and scale options describe (every command that fits). Without
    ``--preset``: the preset ``table`` is meant for (an Epoch release's fit input: eci), else eci for the bundled
    data and 'default' for your own table (``own_table``; default: whether DATA was given)."""
    from irt_elo.fit.fitter import Fitter

    own = getattr(args, "data", None) is not None if own_table is None else own_table
    preset = one_preset(args) or getattr(table, "preset", None) or ("default" if own else "eci")
    overrides: dict[str, Any] = {}
    for opt, arg in METHOD_OPTIONS.items():
        v = getattr(args, opt, None)
        if v is not None:
            overrides[arg] = v
    prec = getattr(args, "precision", None)
    if prec is not None:
        if prec not in ("common", "benchmark"):
            try:
                prec = float(prec)
            except ValueError:
                raise IrtEloError(f"--precision {prec!r}: use 'common', 'benchmark' or a positive number") from None
        overrides["precision"] = prec
    if getattr(args, "benchmarks", None):
        overrides["benchmarks"] = name_list(args.benchmarks)
    scale = scale_from_args(args)
    if scale is not None:
        overrides["scale"] = scale
    return Fitter.from_preset(preset, **overrides)


def name_list(text: str) -> list[str]:
    """The names of a comma-separated option such as ``--benchmarks A,B`` or ``--show A,B``."""
    return [b.strip() for b in text.split(",") if b.strip()]


def one_preset(args: argparse.Namespace) -> str | None:
    """The one ``--preset`` of a command that fits one method (None when not given)."""
    presets = getattr(args, "preset", None) or []
    if len(presets) > 1:
        raise IrtEloError(f"--preset given {len(presets)} times ({', '.join(presets)}); this command fits one "
                          "method (`irt-elo compare` takes several)")
    return presets[0] if presets else None


def scale_from_args(args: argparse.Namespace) -> Any:
    """The scale spec of ``--scale/--anchor/--points-per-logit/--elo-3x``; None when none is given."""
    ppl_opt, elo_3x = getattr(args, "points_per_logit", None), getattr(args, "elo_3x", False)
    if not (getattr(args, "scale", None) or getattr(args, "anchor", None) or ppl_opt or elo_3x):
        return None
    kind = args.scale or ("elo" if (ppl_opt or elo_3x) else None)
    if kind is None:
        raise IrtEloError("--anchor needs --scale eci or --scale elo")
    if kind != "elo" and (ppl_opt or elo_3x):
        raise IrtEloError("--points-per-logit / --elo-3x only apply to --scale elo")
    return make_scale(kind, args.anchor, points_per_logit=ELO_3X_PER_LOGIT if elo_3x else ppl_opt)


def check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise IrtEloError(f"--ci-level {level:g}: give a level strictly between 0 and 1, e.g. 0.90")


def check_bootstrap(n: int | None) -> int:
    """The number of bootstrap draws, 0 for none; 1 or a negative number is an error."""
    n = n or 0
    if n < 0 or n == 1:
        raise IrtEloError(f"--bootstrap {n}: give the number of draws, at least 2 (Epoch uses 500), or 0")
    return n


def check_jobs(jobs: int) -> None:
    if jobs == 0:
        raise IrtEloError("--jobs must be a non-zero integer (-1: all cores)")


def value_interval(v: float | None, lo: float | None, hi: float | None, fmt: str = ".1f",
                   missing: str = "n/a") -> str:
    """``v [lo, hi]`` for tables; ``v`` alone without a finite interval, ``missing`` without a value."""
    if v is None or not math.isfinite(v):
        return missing
    s = format(v, fmt)
    if lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi):
        s += f" [{format(lo, fmt)}, {format(hi, fmt)}]"
    return s


def figure_path(args: argparse.Namespace) -> str:
    """The figure file of a plot kind: ``-o``, else the kind's default name."""
    return args.output or args.default_output


def check_outputs(*paths: str | os.PathLike | None, inputs: Sequence[str | os.PathLike | None] = ()) -> None:
    """Refuse unusable output paths before any work is done, so a failing command writes nothing.

    Each given path must name a file (not a folder) in an existing, writable folder, differ from the other outputs
    and from every input file.
    """
    seen: dict[Path, str] = {}
    for p in paths:
        if not p:
            continue
        out = Path(p)
        if out.is_dir():
            raise IrtEloError(f"{out}: is a directory; give a file name for the output")
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.is_dir():
            raise IrtEloError(f"{out}: folder {parent} does not exist; create it first")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise IrtEloError(f"{out}: folder {parent} is not writable; choose another output path")
        key = out.resolve()
        if key in seen:
            raise IrtEloError(f"{out}: given for two outputs ({seen[key]} and {p}); give each output its own file")
        seen[key] = str(p)
        for i in inputs:
            if i is not None and Path(i).exists() and key == Path(i).resolve():
                raise IrtEloError(f"{out}: refusing to overwrite an input file; choose another output path")


def check_figure_path(path: str | os.PathLike, *, inputs: Sequence[str | os.PathLike | None] = ()) -> None:
    """:func:`check_outputs` plus a figure type that :func:`save_figure` can write (.png, .svg, .pdf)."""
    out = Path(path)
    if out.suffix.lower().lstrip(".") not in FIGURE_TYPES:
        raise IrtEloError(f"{out}: unsupported figure type {out.suffix or '(none)'!r}; use .png, .svg or .pdf")
    check_outputs(out, inputs=inputs)


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None], *, inputs: Sequence[str | os.PathLike] = ()
                 ) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path`` and rename it into place.

    Nothing is left at ``path`` if ``write`` fails, and an input file is never overwritten.
    """
    out = Path(path)
    check_outputs(out, inputs=inputs)
    parent = out.parent if str(out.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent)
    except OSError as e:
        raise IrtEloError(f"{out}: cannot write in folder {parent} ({e.strerror or e}); choose another output "
                          "path") from None
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def dumps(obj: Any) -> str:
    return json.dumps(jsonable(obj), indent=2, ensure_ascii=False) + "\n"


def write_frame(df: pd.DataFrame, path: str | os.PathLike, *, meta: dict[str, Any] | None = None,
                key: str = "rows", inputs: Sequence[str | os.PathLike] = ()) -> Path:
    """Write a table atomically as CSV (by default) or JSON (``.json``: ``{"meta": ..., key: [rows]}``)."""
    out = Path(path)
    if out.suffix.lower() == ".json":
        text = dumps({"meta": meta or {}, key: records(df)})
    else:
        text = df.to_csv(index=False, date_format="%Y-%m-%d", float_format=None, lineterminator="\n")
    return atomic_write(out, lambda p: p.write_text(text, encoding="utf-8"), inputs=inputs)


def write_json(obj: Any, path: str | os.PathLike, *, inputs: Sequence[str | os.PathLike] = ()) -> Path:
    text = dumps(obj)
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"), inputs=inputs)


def format_table(df: pd.DataFrame, floats: dict[str, str] | None = None, max_width: int = 38) -> str:
    """Plain fixed-width table for the terminal."""
    floats = floats or {}
    cols = list(df.columns)
    cells: list[list[str]] = []
    for _, row in df.iterrows():
        line = []
        for c in cols:
            v = row[c]
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
                s = ""
            elif isinstance(v, pd.Timestamp):
                s = v.strftime("%Y-%m-%d")
            elif isinstance(v, (float, np.floating)):
                s = format(float(v), floats.get(c, ".2f"))
            else:
                s = str(v)
            line.append(s if len(s) <= max_width else s[: max_width - 1] + "…")
        cells.append(line)
    widths = [max([len(str(c))] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in cols]

    def fmt(vals: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(vals, widths, numeric)).rstrip()

    return "\n".join([fmt([str(c) for c in cols]), fmt(["-" * w for w in widths])] + [fmt(r) for r in cells])


def save_figure(fig: Any, path: str | os.PathLike, *, dpi: int = 150,
                inputs: Sequence[str | os.PathLike] = ()) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix (.png, .svg, .pdf)."""
    import matplotlib

    out = Path(path)
    check_figure_path(out, inputs=inputs)
    fmt = out.suffix.lower().lstrip(".")

    def write(p: Path) -> None:
        # A fixed salt makes SVG element ids (otherwise random per run) the same for the same figure.
        with matplotlib.rc_context({"svg.hashsalt": "irt-elo"}):
            fig.savefig(p, format=fmt, dpi=dpi, metadata=_fixed_metadata(fmt))

    return atomic_write(out, write, inputs=inputs)


def _fixed_metadata(fmt: str) -> dict[str, Any]:
    # No creation dates or software versions in the file, so the same inputs give byte-identical figures.
    if fmt == "png":
        return {"Software": None}
    if fmt == "svg":
        return {"Date": None, "Creator": None}
    return {"CreationDate": None, "Creator": None, "Producer": None}


__all__ = ["chosen_vintage", "load_table", "frozen_fit", "read_new_models", "fitter_from_args", "name_list",
           "one_preset", "scale_from_args",
           "check_level", "check_bootstrap", "check_jobs", "value_interval", "figure_path", "check_outputs",
           "check_figure_path", "atomic_write", "dumps", "write_frame", "write_json", "format_table", "save_figure",
           "FIGURE_TYPES", "METHOD_OPTIONS"]
