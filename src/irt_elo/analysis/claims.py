"""Check published gap claims against data: one row per claim, with a verdict and what would explain a difference.

Each claim of the ledger (:func:`irt_elo.data.claims.load_claims`, METHODS.md section 6, plus any rows a user adds)
is re-asked of the chosen data with the library's own procedures:

``gap``
    :func:`~irt_elo.analysis.gap.gap` with the claim's method, window, groups and catch-up criterion: the average
    horizontal gap (months) and, where the claim gives one, the vertical gap (points), each with its percentile
    interval over capability draws.
``gap-range``
    The same gap, and the smallest and largest per-day gap in the window (:func:`~irt_elo.analysis.gap.gap_range`).
``model-lag``
    :func:`~irt_elo.analysis.gap.model_lag` by both rules: the matched-model rule (``how='record'``, criterion
    'point': the first leader model at or above the model's estimate) and the trend-line rule (``how='trend'``); the
    verdict uses the rule the source's wording implies (the ledger's ``rule``).
``harness``
    :func:`~irt_elo.analysis.harness.harness_control` on the fit input (which records each score's evaluation
    source): how much a preferred-harness re-run would shrink the gap.
``threshold``
    Per-benchmark threshold crossings on private benchmarks: not public, so never checkable here.

Verdicts: ``'consistent'`` when every published number lies inside its recomputed interval, read at the precision
it was published to (a claim of "8 points" is a value that rounds to 8, so it agrees with an interval that reaches
8.41: :func:`rounding_half_width`), ``'not consistent'`` when one does not, ``'cannot be checked'`` with the reason
(a model released after the data's vintage, benchmarks not public, harness not recorded, a grouping not in the data,
no intervals). A published direction ("the gap is
widening") is checked against the gap's trend (:class:`~irt_elo.analysis.gap.GapTrend`) and reported beside the
verdict.

The closest method choice: the alternatives a claim can be asked with on the same data (the other catch-up
criteria, the other gap methods, the other rule for a named model) plus the fit choices of the decomposition
(:func:`~irt_elo.analysis.compare.decompose`, computed once per data set in its cheapest form, without bootstrap;
its step effects are measured on CAISI's question and added to the claim's recomputed value); the one whose value
lies closest to the published number is reported.

Which data: by default each claim is checked on the bundled vintage its row names (``vintage``: the release
closest to the data the claim was made on). When the caller chooses the data (``data`` or ``vintage``), every claim
is checked on it if it covers the claim (the window ends by the data's last release; the named model is in it);
otherwise on the claim's own bundled vintage, and the row says so.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.analysis.capabilities import Capabilities
from irt_elo.data.claims import NUMBERS, combine_claims, load_claims, read_claims
from irt_elo.data.datasets import ECI_VINTAGES, LATEST_ECI, load_epoch_eci, load_epoch_eci_scores
from irt_elo.data.records import jsonable, records
from irt_elo.errors import IrtEloError

VERDICTS = ("consistent", "not consistent", "cannot be checked")
BY = {"open-vs-closed": "open", "closed-us-vs-open": "closed-us", "country": "country"}
DEFAULT_LEAD = {"open-vs-closed": "closed", "closed-us-vs-open": "closed US", "country": "United States of America"}
GAP_METHODS = ("epoch-2026", "epoch-2025", "caisi")
TABLE_COLUMNS = ("id", "source", "date", "kind", "data", "published", "unit", "published_value", "published_low",
                 "published_high", "recomputed", "recomputed_low", "recomputed_high", "recomputed_points",
                 "recomputed_points_low", "recomputed_points_high", "verdict", "reason", "closest_choice",
                 "closest_value", "rule_implied", "matched_model_months", "matched_model_months_low",
                 "matched_model_months_high", "matched_model", "trend_line_months", "trend_line_months_low",
                 "trend_line_months_high", "direction_published", "direction_recomputed", "direction_detail",
                 "data_note", "quote")


@dataclass(frozen=True, eq=False)  # eq=False: a DataFrame field makes a field-wise == ambiguous
class ClaimsResult:
    """Every checked claim: ``table`` has one row per claim (columns :data:`TABLE_COLUMNS`).

    ``recomputed``/``recomputed_low``/``recomputed_high``: the recomputed number in the claim's ``unit`` with its
    interval (for a range claim, the smallest and largest per-day gap; for the harness claim, the shrink fraction);
    ``recomputed_points*``: the vertical gap; ``verdict`` and ``reason``; ``closest_choice``/``closest_value``: the
    method choice whose value lies closest to the published one; ``matched_model_*``/``trend_line_*``: both rules
    for a named model (``matched_model``: the first leader model at or above it), ``rule_implied`` the one the
    wording implies; ``direction_*``: a published direction and the gap's trend; ``data``/``data_note``: the data
    each claim was checked on and why. ``details`` keeps each claim's gap results (not serialised).
    """

    table: pd.DataFrame
    level: float
    seed: int
    data: str
    notes: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the data, level, notes and one object per claim."""
        return jsonable({"data": self.data, "level": self.level, "seed": self.seed, "notes": list(self.notes),
                         "verdicts": VERDICTS, "claims": records(self.table)})


@dataclass
class _Data:
    """One data set claims are checked on: capabilities, the fit input when known, the decomposition (lazy)."""

    caps: Capabilities
    table: Any  # ScoreTable with evaluation sources, or None
    label: str
    decomposition: Any = None
    decomposition_error: str | None = None
    decomposed: bool = False


def check_claims(data: Any = None, *, vintage: str | None = None, table: Any = None, claims: Any = None,
                 ledger: bool = True, ids: Sequence[str] | None = None, level: float = 0.90, seed: int = 12345,
                 n_draws: int = 500, n_boot: int = 20, decomposition: bool = True) -> ClaimsResult:
    """Re-ask every published gap claim of the data; a verdict and the closest method choice per claim.

    Parameters
    ----------
    data : Capabilities or path, optional
        Fitted capabilities with intervals (a capability table such as Epoch's ``eci_scores.csv``). Default: each
        claim's own bundled vintage.
    vintage : str, optional
        Instead of ``data``, a bundled vintage ('2026-08-11' or '2025-12-19').
    table : ScoreTable, optional
        The fit input behind ``data`` (with evaluation sources), for the harness claim and the decomposition.
        Default: the bundled fit input when the data is the bundled 2026-08-11 release.
    claims : path or DataFrame, optional
        More claims in the ledger's columns: a file (read and validated with
        :func:`irt_elo.data.claims.read_claims`) or the frame that function returns.
    ledger : bool
        Check the shipped ledger's claims too (default).
    ids : sequence of str, optional
        Only these claim ids (an unknown id is an error).
    level, seed, n_draws : interval level, seed and parametric draws of every gap interval.
    n_boot : int
        Bootstrap draws of the harness claim's offset model.
    decomposition : bool
        Use the decomposition's fit choices as candidates for the closest method choice. It needs the fit input
        (``table``) and is computed once per data set in its cheapest form (``n_boot=0``, under a second): the
        steps that need intervals (what is measured, the catch-up criterion) are replaced by those alternatives
        computed directly on the published capabilities.

    Returns
    -------
    ClaimsResult

    Examples
    --------
    >>> r = check_claims(ids=["E2"], n_draws=50)
    >>> r.table.loc[0, ["id", "data"]].tolist()
    ['E2', 'epoch_eci_2026-08-11']
    """
    if not 0.0 < float(level) < 1.0:
        raise IrtEloError(f"level {level!r} must lie strictly between 0 and 1 (e.g. 0.90)")
    if n_draws < 2:
        raise IrtEloError(f"n_draws must be at least 2, got {n_draws}")
    frame = _claims_frame(claims, ledger, ids)
    cache: dict[str, _Data] = {}
    chosen: _Data | None = None
    if data is not None and vintage is not None:
        raise IrtEloError("give data or vintage, not both")
    if vintage is not None:
        chosen = _bundled(str(vintage), cache)
    elif data is not None:
        caps = data if isinstance(data, Capabilities) else Capabilities.from_scores(data)
        chosen = _Data(caps, table, caps.source or "the data")
    elif table is not None:
        raise IrtEloError("table is the fit input behind data; pass data too")
    rows, details = [], {}
    for _, c in frame.iterrows():
        claim = {k: _s(k, v) for k, v in c.items()}
        ctx, note = _pick_data(claim, chosen, cache)
        row, det = _check_one(claim, ctx, level=level, seed=seed, n_draws=n_draws, n_boot=n_boot,
                              decomposition=decomposition)
        if claim["needs"] and row["verdict"] != "cannot be checked":  # what the check could not reproduce
            note += f"; {claim['needs']}"
        row["data_note"] = note
        rows.append(row)
        details[claim["id"]] = det
    table_out = pd.DataFrame(rows).reindex(columns=list(TABLE_COLUMNS))
    labels = sorted({r["data"] for r in rows if r.get("data")})
    notes = (f"intervals: {level:.0%} percentile intervals over {n_draws} parametric draws (seed {seed}) of each "
             "model's published interval, the procedure re-run on each draw",
             "verdict: consistent when every published number, read at the precision it was published to, lies "
             "inside its recomputed interval",
             "closest choice: the other catch-up criteria, gap methods and rules on the same data, plus the "
             "decomposition's fit choices (no bootstrap; step effects measured on CAISI's question, added)")
    return ClaimsResult(table_out, float(level), int(seed), ", ".join(labels), notes, details)


# --------------------------------------------------------------------------------------------------------------------
# Claims and data


def _claims_frame(claims: Any, ledger: bool, ids: Sequence[str] | None) -> pd.DataFrame:
    frames = [load_claims()] if ledger else []
    if claims is not None:
        frames.append(claims if isinstance(claims, pd.DataFrame) else read_claims(claims))
    if not frames:
        raise IrtEloError("no claims to check: pass claims or keep the shipped ledger")
    frame = combine_claims(*frames)
    if ids:
        known = {str(i).lower(): str(i) for i in frame["id"]}
        want = []
        for i in ids:
            k = str(i).strip().lower()
            if k not in known:
                raise IrtEloError(f"unknown claim id {i!r}; known: {', '.join(frame['id'])}")
            want.append(known[k])
        frame = frame[frame["id"].isin(want)].reset_index(drop=True)
    return frame


def _bundled(v: str, cache: dict[str, _Data]) -> _Data:
    if v not in cache:
        if v not in ECI_VINTAGES:
            raise IrtEloError(f"no bundled vintage {v!r}; choose one of {', '.join(ECI_VINTAGES)}")
        caps = Capabilities.from_scores(load_epoch_eci_scores(v), source=f"epoch_eci_{v}")
        cache[v] = _Data(caps, load_epoch_eci(v) if v == LATEST_ECI else None, f"epoch_eci_{v}")
    return cache[v]


def _covers(claim: dict[str, Any], ctx: _Data) -> str | None:
    """Why ``ctx`` cannot answer the claim (None when it can)."""
    f = ctx.caps.frame
    last = f["release_date"].max()
    if claim["model"]:
        try:
            ctx.caps.resolve_model(claim["model"])
        except IrtEloError:
            return f"{claim['model']} is not in {ctx.label}"
    end = claim["window_end"]
    if end and pd.Timestamp(end) > last:
        return f"{ctx.label} ends {last:%Y-%m-%d}, before the claim's window ends ({end})"
    return None


def _pick_data(claim: dict[str, Any], chosen: _Data | None, cache: dict[str, _Data]) -> tuple[_Data, str]:
    own = claim["vintage"] if claim["vintage"] in ECI_VINTAGES else None
    if chosen is None:
        ctx = _bundled(own or LATEST_ECI, cache)
        if own:
            return ctx, f"checked on the bundled {own} vintage the claim names"
        return ctx, f"the claim names no bundled vintage: checked on the bundled {LATEST_ECI} vintage"
    why = _covers(claim, chosen)
    if why and own and own != chosen.label.removeprefix("epoch_eci_"):
        return _bundled(own, cache), f"the chosen data does not cover the claim ({why}): checked on the bundled " \
                                     f"{own} vintage the claim names"
    return chosen, "checked on the chosen data" + (f" ({why})" if why else "")


# --------------------------------------------------------------------------------------------------------------------
# One claim


def _check_one(claim: dict[str, Any], ctx: _Data, *, level: float, seed: int, n_draws: int, n_boot: int,
               decomposition: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    row: dict[str, Any] = {k: claim.get(k) for k in ("id", "source", "date", "kind", "quote", "unit",
                                                     "published_value", "published_low", "published_high")}
    row.update(data=ctx.label, published=_published_text(claim), rule_implied=_rule_text(claim["rule"]),
               direction_published=claim["direction"])
    det: dict[str, Any] = {}
    kw = dict(level=level, seed=seed, n_draws=n_draws)
    try:
        if claim["kind"] == "threshold" or claim["benchmarks"] == "private":
            _cannot(row, f"benchmarks not public: needs {claim['needs'] or 'the private benchmarks scores'}")
            _direction(row, claim, ctx, kw)
        elif claim["kind"] == "harness":
            _check_harness(row, claim, ctx, level=level, seed=seed, n_boot=n_boot)
        elif claim["kind"] == "model-lag":
            _check_lag(row, claim, ctx, kw, det)
        else:
            _check_gap(row, claim, ctx, kw, det)
    except IrtEloError as e:
        msg = str(e)
        if "cannot group by" in msg or "no model in group" in msg:
            msg = f"grouping not in the data: {msg}"
        _cannot(row, msg)
    if row["verdict"] != "cannot be checked" and decomposition is not None:
        _closest(row, claim, ctx, kw, det, decomposition)
    return row, det


def _cannot(row: dict[str, Any], reason: str) -> None:
    row["verdict"], row["reason"] = "cannot be checked", reason


def _check_gap(row: dict[str, Any], claim: dict[str, Any], ctx: _Data, kw: dict[str, Any],
               det: dict[str, Any]) -> None:
    from irt_elo.analysis.gap import gap, gap_range

    res = gap(ctx.caps, claim["method"], start=claim["window_start"], end=claim["window_end"], lead=claim["lead"],
              trail=claim["trail"], criterion=claim["criterion"] or "two-sided", by=BY[claim["compare"]], **kw)
    det["gap"] = res
    row.update(recomputed=res.gap_months, recomputed_low=res.gap_months_low, recomputed_high=res.gap_months_high,
               recomputed_points=res.gap_points, recomputed_points_low=res.gap_points_low,
               recomputed_points_high=res.gap_points_high)
    _direction(row, claim, ctx, kw, res)
    if claim["kind"] == "gap-range":
        rg = gap_range(res)
        lo, hi = claim["published_low"], claim["published_high"]
        m = res.series["gap_months"].to_numpy(float) if "gap_months" in res.series else np.array([])
        m = m[np.isfinite(m)]
        share = float(np.mean((m >= lo) & (m <= hi))) if len(m) else float("nan")
        inside = rg.months_min >= lo and rg.months_max <= hi
        row.update(recomputed_low=rg.months_min, recomputed_high=rg.months_max)
        row["verdict"] = "consistent" if inside else "not consistent"
        row["reason"] = (f"daily gap ranged {rg.months_min:.1f} to {rg.months_max:.1f} months "
                         f"({rg.start:%Y-%m-%d}..{rg.end:%Y-%m-%d}; central estimates), "
                         f"{'inside' if inside else 'not inside'} the published {lo:g}-{hi:g}; "
                         f"{share:.0%} of days within it")
        return
    checks = [_inside("months", claim["published_value"], res.gap_months, res.gap_months_low, res.gap_months_high,
                      claim["published_low"], claim["published_high"], claim["interval"])]
    if not math.isnan(claim["published_points"]):
        checks.append(_inside("points", claim["published_points"], res.gap_points, res.gap_points_low,
                              res.gap_points_high, claim["published_points_low"], claim["published_points_high"],
                              claim["interval"]))
    _verdict_from(row, checks)
    if claim["interval"] in ("spread", "range"):
        row["reason"] += (f"; the published low-high is a {claim['interval']} of per-"
                          f"{'level' if res.method == 'epoch-2025' else 'day'} values: recomputed spread "
                          f"{res.spread_months_low:.1f}-{res.spread_months_high:.1f} months")
        if not math.isnan(claim["published_points"]):
            row["reason"] += f", {res.spread_points_low:.1f}-{res.spread_points_high:.1f} points"


def _inside(what: str, pub: float, est: float, lo: float, hi: float, plo: float, phi: float,
            interval: str | None) -> tuple[bool | None, str]:
    """(published value inside the recomputed interval, or None when there is nothing to compare; the text)."""
    if math.isnan(pub):
        return None, ""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None, f"{what}: recomputed {est:.2f} has no interval"
    half = rounding_half_width(pub)
    ok = lo - half <= pub <= hi + half
    shown = f"published {pub:g}" + (f" (as rounded: {pub - half:g}-{pub + half:g})" if not lo <= pub <= hi else "")
    text = f"{what}: {shown} {'inside' if ok else 'outside'} recomputed {est:.2f} [{lo:.2f}, {hi:.2f}]"
    if not ok and interval == "ci" and math.isfinite(plo) and math.isfinite(phi):
        text += (f" (the recomputed {est:.2f} is {'inside' if plo <= est <= phi else 'outside'} the source's own "
                 f"interval {plo:g}-{phi:g})")
    return ok, text


def rounding_half_width(value: float) -> float:
    """Half the unit of the last digit a published number was given to: a source that writes "8 points" means a
    value that rounds to 8, anything in [7.5, 8.5]; "3.5 months" means [3.45, 3.55]. The precision is read from the
    number as stored, so a ledger row must not pad it: "3.0" is read as 3, the wider [2.5, 3.5].

    Examples
    --------
    >>> rounding_half_width(8.0), rounding_half_width(3.5), rounding_half_width(0.25)
    (0.5, 0.05, 0.005)
    """
    text = f"{value:g}"
    if "e" in text or not math.isfinite(value):
        return 0.0
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0 ** -decimals


def _verdict_from(row: dict[str, Any], checks: list[tuple[bool | None, str]]) -> None:
    done = [c for c in checks if c[0] is not None]
    texts = "; ".join(t for _, t in checks if t)
    if not done:
        _cannot(row, texts or "nothing to compare: the claim gives no number this check recomputes")
        return
    row["verdict"] = "consistent" if all(ok for ok, _ in done) else "not consistent"
    row["reason"] = texts


def _check_lag(row: dict[str, Any], claim: dict[str, Any], ctx: _Data, kw: dict[str, Any],
               det: dict[str, Any]) -> None:
    from irt_elo.analysis.gap import model_lag

    caps = ctx.caps
    last = caps.frame["release_date"].max()
    try:
        name = caps.resolve_model(claim["model"])
    except IrtEloError as e:
        rel = claim["model_released"]
        if rel and pd.Timestamp(rel) > last:
            _cannot(row, f"cannot be checked on this vintage: {claim['model']} was released {rel}, after the last "
                         f"release in {ctx.label} ({last:%Y-%m-%d}); needs a vintage from {rel} on (irt-elo fetch)"
                    + (f" and {claim['needs']}" if claim["needs"] else ""))
        else:
            _cannot(row, f"{claim['model']} is not in {ctx.label}: {e}")
        return
    if claim["benchmarks"] in ("cyber", "private"):
        _cannot(row, f"the claim is on {claim['benchmarks']} benchmarks only; the published capabilities are "
                     f"overall: needs {claim['needs'] or 'a domain refit'}")
        return
    by = BY[claim["compare"]]
    lead = claim["lead"] or DEFAULT_LEAD[claim["compare"]]
    common = dict(lead=lead, by=by, **kw)
    rec = model_lag(caps, name, criterion=claim["criterion"] or "point", how="record", **common)
    tr = model_lag(caps, name, how="trend", **common)
    det.update(record=rec, trend=tr)
    first = rec.details.get("first_better")
    row.update(matched_model_months=rec.gap_months, matched_model_months_low=rec.gap_months_low,
               matched_model_months_high=rec.gap_months_high, matched_model=first,
               trend_line_months=tr.gap_months, trend_line_months_low=tr.gap_months_low,
               trend_line_months_high=tr.gap_months_high)
    primary = tr if claim["rule"] == "trend-line" else rec
    rule = "trend-line" if primary is tr else "matched-model"
    row.update(recomputed=primary.gap_months, recomputed_low=primary.gap_months_low,
               recomputed_high=primary.gap_months_high, recomputed_points=primary.gap_points,
               recomputed_points_low=primary.gap_points_low, recomputed_points_high=primary.gap_points_high)
    ok, text = _inside("months", claim["published_value"], primary.gap_months, primary.gap_months_low,
                       primary.gap_months_high, float("nan"), float("nan"), None)
    _verdict_from(row, [(ok, f"{rule} rule: {text}" if text else "")])
    other = rec if primary is tr else tr
    row["reason"] += (f"; {'trend-line' if primary is rec else 'matched-model'} rule: "
                      f"{other.gap_months:.2f} [{other.gap_months_low:.2f}, {other.gap_months_high:.2f}]")
    if claim["rule"] == "both":
        row["reason"] += "; the wording implies neither rule (verdict by the matched-model rule)"
    if claim["matched"]:
        said = claim["matched"]
        same = first is not None and _norm(first) == _norm(said)
        row["reason"] += (f"; first {rec.lead} model at or above {name}: {first or 'none'}"
                          + (" (as the source says)" if same else f" (the source says {said})"))
    _direction(row, claim, ctx, kw)


def _check_harness(row: dict[str, Any], claim: dict[str, Any], ctx: _Data, *, level: float, seed: int,
                   n_boot: int) -> None:
    from irt_elo.analysis.compare import EPOCH_QUESTION
    from irt_elo.analysis.harness import harness_control

    if ctx.table is None or "source" not in getattr(ctx.table, "scores", pd.DataFrame()).columns:
        _cannot(row, f"harness not recorded: {ctx.label} holds published capabilities only, no evaluation source "
                     f"per score; needs {claim['needs'] or 'the fit input with a source column'}")
        return
    q = EPOCH_QUESTION.with_(criterion="point", start=claim["window_start"] or EPOCH_QUESTION.start,
                             end=claim["window_end"] or EPOCH_QUESTION.end)
    h = harness_control(ctx.table, questions=[q], n_boot=n_boot, seed=seed, level=level)
    r = h.rerun.iloc[0]
    est, lo, hi = (float(r.get(k, np.nan)) for k in ("shrink_points", "shrink_points_low", "shrink_points_high"))
    row.update(recomputed=est, recomputed_low=lo, recomputed_high=hi,
               recomputed_points=float(r["uniform_points"] - r["preferred_points"]))
    ok, text = _inside("shrink of the gap in points", claim["published_value"], est, lo, hi, float("nan"),
                       float("nan"), None)
    _verdict_from(row, [(ok, text)])
    row["reason"] += (f"; the gap would move by {row['recomputed_points']:+.2f} {h.offsets['scale'].iloc[0]} points "
                      f"(uniform {r['uniform_points']:.2f} -> preferred {r['preferred_points']:.2f}; published in "
                      f"CAISI's Elo, not comparable point for point); {n_boot} bootstrap draws of the offset model")


def _direction(row: dict[str, Any], claim: dict[str, Any], ctx: _Data, kw: dict[str, Any], res: Any = None) -> None:
    """The gap's trend over the claim's window, when the claim states a direction."""
    if not claim["direction"]:
        return
    from irt_elo.analysis.gap import gap, gap_trend

    try:
        if res is None:
            method = claim["method"] if claim["method"] in GAP_METHODS else "caisi"
            trail = claim["trail"] or "open"
            res = gap(ctx.caps, method, start=claim["window_start"], end=claim["window_end"], lead=claim["lead"],
                      trail=trail, criterion=claim["criterion"] or "two-sided", by=BY[claim["compare"]], **kw)
        t = res.trend if getattr(res, "trend", None) is not None else gap_trend(res)
    except IrtEloError as e:
        row["direction_detail"] = f"trend not computed: {e}"
        return
    row["direction_recomputed"] = t.verdict
    row["direction_detail"] = (f"{res.method} gap {res.window[0]:%Y-%m-%d}..{res.window[1]:%Y-%m-%d}: "
                               f"{t.months_per_year:+.2f} months/yr [{t.months_per_year_low:+.2f}, "
                               f"{t.months_per_year_high:+.2f}], {t.points_per_year:+.2f} points/yr: "
                               f"{t.verdict_text} (published: {claim['direction']})")


# --------------------------------------------------------------------------------------------------------------------
# The closest method choice


def _closest(row: dict[str, Any], claim: dict[str, Any], ctx: _Data, kw: dict[str, Any], det: dict[str, Any],
             use_decomposition: bool) -> None:
    pub = claim["published_value"]
    if claim["unit"] != "months" or math.isnan(pub) or claim["kind"] not in ("gap", "model-lag"):
        row["closest_choice"] = "n/a (" + ("a range claim" if claim["kind"] == "gap-range" else
                                           "no published months value") + ")"
        return
    from irt_elo.analysis.gap import gap, model_lag

    base = float(row["recomputed"])
    cands: list[tuple[str, float]] = []
    quick = dict(level=kw["level"], seed=kw["seed"], n_draws=2)
    if claim["kind"] == "gap":
        res = det["gap"]
        for crit, v in (res.details.get("by_criterion") or {}).items():
            if v and crit != res.criterion:
                cands.append((f"criterion: {crit}", float(v["gap_months"])))
        for m in GAP_METHODS:
            if m == res.method:
                continue
            try:
                r = gap(ctx.caps, m, start=claim["window_start"], end=claim["window_end"], lead=claim["lead"],
                        trail=claim["trail"], criterion=res.criterion if res.criterion != "trend" else "two-sided",
                        by=BY[claim["compare"]], **quick)
                cands.append((f"method: {m}", float(r.gap_months)))
            except IrtEloError:
                continue
    else:
        rec, tr = det["record"], det["trend"]
        other = tr if row["recomputed"] == rec.gap_months else rec
        cands.append((f"rule: {'trend-line' if other is tr else 'matched-model'}", float(other.gap_months)))
        for crit in ("two-sided", "one-sided"):
            try:
                r = model_lag(ctx.caps, rec.model, lead=rec.lead, criterion=crit, how="record",
                              by=BY[claim["compare"]], **quick)
                cands.append((f"criterion: {crit}", float(r.gap_months)))
            except IrtEloError:
                continue
    if use_decomposition:
        for name, delta in _decomposition_effects(ctx):
            cands.append((f"{name} (decomposition step, {delta:+.2f} months)", base + delta))
    cands = [(n, v) for n, v in cands if math.isfinite(v)]
    if not cands:
        row["closest_choice"] = "none available"
        return
    name, v = min(cands, key=lambda c: abs(c[1] - pub))
    closer = abs(v - pub) < abs(base - pub)
    row["closest_choice"] = name if closer else f"none moves it closer (nearest: {name})"
    row["closest_value"] = v


def _decomposition_effects(ctx: _Data) -> list[tuple[str, float]]:
    """The decomposition's fit-choice steps with a finite effect in months (computed once per data set)."""
    if ctx.table is None:
        return []
    if not ctx.decomposed:
        from irt_elo.analysis.compare import decompose

        ctx.decomposed = True
        try:
            ctx.decomposition = decompose(ctx.table, n_boot=0)
        except IrtEloError as e:
            ctx.decomposition_error = str(e)
    d = ctx.decomposition
    if d is None:
        return []
    f = d.frame
    keep = f["delta_months"].notna() & ~f["step"].str.startswith(("what:", "criterion:", "test:"))
    return [(str(s), float(x)) for s, x in zip(f.loc[keep, "step"], f.loc[keep, "delta_months"]) if x != 0]


# --------------------------------------------------------------------------------------------------------------------
# Text


def _published_text(c: dict[str, Any]) -> str:
    unit = {"months": "months", "points": "points", "elo": "Elo points", "fraction": ""}[c["unit"]]
    v, lo, hi = c["published_value"], c["published_low"], c["published_high"]
    if math.isnan(v):
        s = f"{lo:g}-{hi:g} {unit}".strip()
    else:
        s = f"{v:g} {unit}".strip() if c["unit"] != "fraction" else f"{v:.0%} shrink"
        if not math.isnan(lo):
            s += f" ({lo:g}-{hi:g})"
    pv, plo, phi = c["published_points"], c["published_points_low"], c["published_points_high"]
    pu = "Elo points" if c["scale"] == "Elo" else "points"
    if not math.isnan(pv):
        s += f", {pv:g} {pu}" + (f" ({plo:g}-{phi:g})" if not math.isnan(plo) else "")
    elif not math.isnan(plo):
        s += f", {plo:g}-{phi:g} {pu}"
    return s


def _rule_text(rule: str | None) -> str | None:
    return {"matched-model": "matched-model", "trend-line": "trend-line", "both": "not implied"}.get(rule or "")


def _norm(s: str) -> str:
    return "".join(ch for ch in str(s).lower() if ch.isalnum())


def _s(key: str, v: Any) -> Any:
    """Blank cells as None; published numbers stay floats (NaN where blank)."""
    if key in NUMBERS:
        return float(v) if v is not None else float("nan")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


__all__ = ["check_claims", "ClaimsResult", "VERDICTS", "TABLE_COLUMNS"]
