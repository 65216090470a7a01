"""What the commands share at run time: reading DATA, building the fitter the options describe, atomic output
files, input/output checks and table printing.

Imported inside each command's ``run`` (it loads pandas); the parsers use :mod:`irt_elo.cli.options` only.
"""
from __future__ import annotations

import argparse
import json
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.core.scale import ELO_3X_PER_LOGIT, make_scale
from irt_elo.data.detect import read_table
from irt_elo.data.records import jsonable, records, value_interval
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
    columns = {o: getattr(args, o, None) for o in ("model_column", "drop_columns", "date_format")}
    if args.data is None and any(columns.values()):
        given = ", ".join("--" + o.replace("_", "-") for o, v in columns.items() if v)
        raise IrtEloError(f"{given}: only for a CSV given as DATA; the bundled data and --vintage name their own "
                          "columns")
    if vintage is not None and vintage.kind == "bundled":
        if vintage.date != LATEST_ECI:
            raise IrtEloError(f"the bundled {vintage.date} release has published scores only, no fit input; use it "
                              f"with `irt-elo gap --vintage {vintage.date}`")
        return load_epoch_eci(vintage.date)
    if vintage is not None:
        return read_table(vintage.path)
    if args.data is None:
        return load_epoch_eci()
    # --benchmarks picks a wide file's benchmark columns (text and average columns beside them are then ignored);
    # the fit applies it to every layout as before.
    return read_table(args.data, score_scale=args.score_scale, aggregate=args.aggregate, format=args.format,
                      benchmarks=getattr(args, "benchmarks", None), **columns)


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


def is_capability_file(path: str | os.PathLike) -> bool:
    """Whether DATA is a table of fitted capabilities (model, capability, ci_low, ci_high, release_date[, group]),
    read by ``gap``, ``claims``, ``forecast`` and ``report`` as it is, rather than a score table to fit."""
    from irt_elo.analysis.capabilities import is_capability_table
    from irt_elo.data.table import read_csv_strict

    p = Path(path)
    if not p.is_file() or p.suffix.lower() == ".zip":
        return False
    return is_capability_table([c for c in read_csv_strict(p).columns if c != "_line"])


def read_new_models(args: argparse.Namespace) -> ScoreTable:
    """NEW, read strictly: a repeated (model, benchmark) row is an error, scores outside the scale are errors."""
    return read_table(args.new, score_scale=args.score_scale, aggregate="error", format=args.format,
                      **{o: getattr(args, o, None) for o in ("model_column", "drop_columns", "date_format")})


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


def check_jobs(jobs: int | str) -> None:
    """``--jobs``: 'auto' or a non-zero integer (the parser already refuses anything else)."""
    if jobs != "auto" and (not isinstance(jobs, int) or jobs == 0):
        raise IrtEloError(f"--jobs {jobs}: give 'auto' or a non-zero number of workers (-1: all cores)")


def figure_path(args: argparse.Namespace) -> str:
    """The figure file of a plot kind: ``-o``, else the kind's default name."""
    return args.output or args.default_output


FRAME_TYPES = ("csv", "json")  # what write_frame writes (by the suffix)
JSON_TYPES = ("json",)


def check_outputs(*paths: str | os.PathLike | tuple[str | os.PathLike | None, Sequence[str]] | None,
                  inputs: Sequence[str | os.PathLike | None] = (), types: Sequence[str] | None = FRAME_TYPES) -> None:
    """Refuse unusable output paths before any work is done, so a failing command writes nothing.

    Each given path must name a file (not a folder) in an existing, writable folder, with a suffix of ``types``
    (None: any; a path may be given as ``(path, types)`` for its own), differ from the other outputs and from every
    input file. A symbolic link is followed (its target is written, the link stays); a character device, a FIFO or
    ``/dev/stdout`` is written through, whatever its name (CSV unless the output is JSON only); a block device or a
    socket is refused (:mod:`irt_elo.data.files`).
    """
    from irt_elo.data.files import output_kind

    seen: dict[Path, str] = {}
    for item in paths:
        p, kinds = item if isinstance(item, tuple) else (item, types)
        if not p:
            continue
        out = Path(p)
        kind, target = output_kind(out)
        if kind != "replace":
            continue  # stdout, a device or a FIFO: written through, never renamed; any name
        if out.is_dir():
            raise IrtEloError(f"{out}: is a directory; give a file name for the output")
        if kinds is not None and out.suffix.lower().lstrip(".") not in kinds:
            raise IrtEloError(f"{out}: unsupported output type {out.suffix or '(none)'!r}; use "
                              + " or ".join("." + k for k in kinds))
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise IrtEloError(f"{out}: folder {parent} does not exist; create it first")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise IrtEloError(f"{out}: folder {parent} is not writable; choose another output path")
        if target.exists() and not os.access(target, os.W_OK):  # a rename would replace it regardless
            raise IrtEloError(f"{out}: the file is read-only; refusing to replace it (choose another output path)")
        key = target.resolve()
        if key in seen:
            raise IrtEloError(f"{out}: given for two outputs ({seen[key]} and {p}); give each output its own file")
        seen[key] = str(p)
        for i in inputs:
            if i is not None and Path(i).exists() and key == Path(i).resolve():
                raise IrtEloError(f"{out}: refusing to overwrite an input file; choose another output path")


def check_figure_path(path: str | os.PathLike, *, inputs: Sequence[str | os.PathLike | None] = ()) -> None:
    """:func:`check_outputs` plus a figure type that :func:`save_figure` can write (.png, .svg, .pdf)."""
    from irt_elo.data.files import output_kind

    out = Path(path)
    if output_kind(out)[0] == "replace" and out.suffix.lower().lstrip(".") not in FIGURE_TYPES:
        raise IrtEloError(f"{out}: unsupported figure type {out.suffix or '(none)'!r}; use .png, .svg or .pdf")
    check_outputs(out, inputs=inputs, types=FIGURE_TYPES)


def written_in_place(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a file renamed into place (its suffix names its type), not stdout, a device or a FIFO
    written through whatever its name."""
    from irt_elo.data.files import output_kind

    return output_kind(path)[0] == "replace"


class Outputs:
    """The output files of one command, landing together or not at all (:class:`irt_elo.data.files.OutputSet`).

    Each ``frame``/``json``/``figure`` call checks its path and writes a temporary file at once (an error names the
    file and removes every temporary file); leaving the ``with`` block puts them all in place. CSV text cells that a
    spreadsheet would run as formulas get a leading apostrophe unless ``raw_csv``.

    >>> with Outputs(inputs=[args.data], raw_csv=args.raw_csv) as out:   # doctest: +SKIP
    ...     out.frame(models, args.output, meta=meta, key="models")
    ...     out.frame(benches, args.benchmarks_out, meta=meta, key="benchmarks")
    """

    def __init__(self, inputs: Sequence[str | os.PathLike | None] = (), *, raw_csv: bool = False) -> None:
        from irt_elo.data.files import OutputSet

        self.inputs = [i for i in inputs if i is not None]
        self.raw_csv = raw_csv
        self._set = OutputSet()

    def add(self, path: str | os.PathLike, write: Callable[[Path], None], types: Sequence[str] | None = None
            ) -> Path:
        """Any output: ``write(tmp)`` writes it to a temporary file."""
        check_outputs(path, inputs=self.inputs, types=types)
        return self._set.add(path, write)

    def frame(self, df: pd.DataFrame, path: str | os.PathLike | None, *, meta: dict[str, Any] | None = None,
              key: str = "rows") -> Path | None:
        """A table as CSV, or as JSON (``{"meta": ..., key: [rows]}``) for a ``.json`` path; nothing for None."""
        if not path:
            return None
        text = frame_text(df, path, meta=meta, key=key, raw_csv=self.raw_csv)
        return self.add(path, lambda p: p.write_text(text, encoding="utf-8"), FRAME_TYPES)

    def json(self, obj: Any, path: str | os.PathLike | None) -> Path | None:
        if not path:
            return None
        text = dumps(obj)
        return self.add(path, lambda p: p.write_text(text, encoding="utf-8"), JSON_TYPES)

    def figure(self, fig: Any, path: str | os.PathLike | None, *, dpi: int = 150) -> Path | None:
        """A matplotlib figure; the format follows the suffix (.png, .svg, .pdf; PNG to a device or FIFO)."""
        if not path:
            return None
        import matplotlib

        from irt_elo.plots import fixed_metadata

        out = Path(path)
        check_figure_path(out, inputs=self.inputs)
        fmt = out.suffix.lower().lstrip(".")
        fmt = fmt if fmt in FIGURE_TYPES else "png"

        def write(p: Path) -> None:
            # A fixed salt makes SVG element ids (otherwise random per run) the same for the same figure.
            with matplotlib.rc_context({"svg.hashsalt": "irt-elo"}):
                fig.savefig(p, format=fmt, dpi=dpi, metadata=fixed_metadata(fmt))

        return self._set.add(out, write)

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._set.__exit__(exc_type, exc, tb)


def dumps(obj: Any) -> str:
    return json.dumps(jsonable(obj), indent=2, ensure_ascii=False) + "\n"


def frame_text(df: pd.DataFrame, path: str | os.PathLike, *, meta: dict[str, Any] | None = None,
               key: str = "rows", raw_csv: bool = False) -> str:
    """The text :func:`write_frame` writes: JSON for a ``.json`` path, else CSV (formula-like text cells
    neutralised with a leading apostrophe unless ``raw_csv``)."""
    if Path(path).suffix.lower() == ".json":
        return dumps({"meta": meta or {}, key: records(df)})
    from irt_elo.data.safe_text import csv_safe_frame

    shown = df if raw_csv else csv_safe_frame(df)
    return shown.to_csv(index=False, date_format="%Y-%m-%d", float_format=None, lineterminator="\n")


def write_frame(df: pd.DataFrame, path: str | os.PathLike, *, meta: dict[str, Any] | None = None,
                key: str = "rows", inputs: Sequence[str | os.PathLike] = (), raw_csv: bool = False) -> Path:
    """Write a table atomically as CSV (``.csv``) or JSON (``.json``: ``{"meta": ..., key: [rows]}``)."""
    with Outputs(inputs, raw_csv=raw_csv) as out:
        out.frame(df, path, meta=meta, key=key)
    return Path(path)


def write_json(obj: Any, path: str | os.PathLike, *, inputs: Sequence[str | os.PathLike] = ()) -> Path:
    with Outputs(inputs) as out:
        out.json(obj, path)
    return Path(path)


def format_table(df: pd.DataFrame, floats: dict[str, str] | None = None, max_width: int = 38) -> str:
    """Plain fixed-width table for the terminal (control characters in cells shown as escapes)."""
    from irt_elo.data.safe_text import terminal_safe

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
                s = terminal_safe(str(v))  # names from other people's files: no escape sequences reach the terminal
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
    with Outputs(inputs) as out:
        out.figure(fig, path, dpi=dpi)
    return Path(path)


__all__ = ["chosen_vintage", "load_table", "frozen_fit", "read_new_models", "fitter_from_args", "name_list",
           "one_preset", "scale_from_args",
           "check_level", "check_bootstrap", "check_jobs", "value_interval", "figure_path", "check_outputs",
           "check_figure_path", "is_capability_file", "written_in_place", "dumps", "frame_text", "write_frame",
           "Outputs", "FRAME_TYPES", "JSON_TYPES", "write_json", "format_table", "save_figure",
           "FIGURE_TYPES", "METHOD_OPTIONS"]
