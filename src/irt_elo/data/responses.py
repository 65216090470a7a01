"""Item-level responses: read, validate and index binary model × item outcomes.

A :class:`ResponseTable` is what the item-level fitters (:mod:`irt_elo.fit.items`, :mod:`irt_elo.fit.bayes`) take.
It holds

* ``responses``: one row per observed (model, item) pair with ``correct`` in {0, 1} and, where the source had them,
  ``benchmark``, ``domain`` and a per-response ``weight``;
* ``models``: per-model metadata indexed by model name (``release_date``, ``organization``, ``open_weights``,
  ``group``...), parsed exactly as :mod:`irt_elo.data` parses score tables;
* ``items``: per-item metadata indexed by item name (``benchmark``, ``domain``);
* integer index arrays ``model_idx`` / ``item_idx`` and the float ``correct`` vector, which is all the math needs.

Data are kept sparse: nothing here builds a models × items matrix unless asked (:meth:`ResponseTable.to_wide`).
Blank ``correct`` cells mean "not attempted" and are dropped; a model or item left with no response is an error.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from irt_elo.data.table import (
    MODEL_META,
    ScoreTable,
    check_names,
    column_key,
    component_lists,
    first_per_key,
    from_frame,
    location,
    model_frame,
    n_components,
    name_list,
    parse_bool,
    parse_dates,
    path_label,
    read_csv_strict,
    row_mask,
    short_list,
    standardise_columns,
)
from irt_elo.errors import IrtEloError, did_you_mean

# Item-level spellings (compared after lower-casing and dropping spaces/underscores). "task" is an item here: CAISI's
# matrix is models x tasks, while in a score table "task" names a benchmark.
ITEM_ALIASES = ("item", "itemid", "question", "questionid", "task", "taskid", "problem", "problemid", "sample",
                "sampleid")
CORRECT_ALIASES = ("correct", "iscorrect", "solved", "success", "passed", "response", "score", "y")
WEIGHT_ALIASES = ("weight", "weights", "w")
_ONE = {"1", "1.0", "true", "t", "yes", "y", "correct", "pass", "passed"}
_ZERO = {"0", "0.0", "false", "f", "no", "n", "incorrect", "fail", "failed"}
_BLANK = {"", "nan", "na", "none", "null", "n/a"}


@dataclass(frozen=True, eq=False)
class ResponseTable:
    """Validated long-format binary responses with model and item metadata.

    Build one with :func:`read_responses`, :func:`responses_from_frame`, :meth:`from_codes` or
    :func:`simulate_responses` rather than directly.

    Attributes
    ----------
    responses : DataFrame
        Columns ``model``, ``item`` (categoricals over the metadata indexes), ``correct`` (0/1 int8) and optional
        ``benchmark``, ``domain``, ``weight``.
    models : DataFrame
        Per-model metadata, index = model name, in order of first appearance.
    items : DataFrame
        Per-item metadata (``benchmark``, ``domain`` when known), index = item name, in order of first appearance.
    name : str
        Where the data came from; printed in outputs.
    """

    responses: pd.DataFrame
    models: pd.DataFrame
    items: pd.DataFrame
    name: str = "responses"
    model_idx: np.ndarray = field(init=False, repr=False)
    item_idx: np.ndarray = field(init=False, repr=False)
    correct: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for what, index in (("model", self.models.index), ("item", self.items.index)):
            if not index.is_unique:
                raise IrtEloError(f"{self.name}: {what} {index[index.duplicated()][0]!r} has two metadata rows")
        object.__setattr__(self, "model_idx", _codes(self.responses["model"], self.models.index))
        object.__setattr__(self, "item_idx", _codes(self.responses["item"], self.items.index))
        if (self.model_idx < 0).any() or (self.item_idx < 0).any():
            raise IrtEloError(f"{self.name}: responses refer to models or items missing from the metadata")
        y = self.responses["correct"].to_numpy(dtype=float)
        if not np.isin(y, (0.0, 1.0)).all():
            raise IrtEloError(f"{self.name}: 'correct' must be 0 or 1 for every response")
        object.__setattr__(self, "correct", y)
        for what, idx, names in (("model", self.model_idx, self.models.index), ("item", self.item_idx,
                                                                                   self.items.index)):
            empty = np.flatnonzero(np.bincount(idx, minlength=len(names)) == 0)
            if empty.size:
                raise IrtEloError(f"{self.name}: {what} {names[empty[0]]!r} has no responses"
                                  f"{f' (and {empty.size - 1} more)' if empty.size > 1 else ''}; drop it")

    # -- factories ------------------------------------------------------------------------------------------------
    @classmethod
    def from_codes(
        cls,
        model_idx: np.ndarray,
        item_idx: np.ndarray,
        correct: np.ndarray,
        model_names: Sequence[str],
        item_names: Sequence[str],
        *,
        models: pd.DataFrame | None = None,
        items: pd.DataFrame | None = None,
        weight: np.ndarray | None = None,
        name: str = "responses",
        check_duplicates: bool = True,
    ) -> ResponseTable:
        """Build a table from integer codes (fast path for simulators and converters; no string matching).

        Examples
        --------
        >>> t = ResponseTable.from_codes([0, 0, 1], [0, 1, 1], [1, 0, 1], ["a", "b"], ["q1", "q2"])
        >>> t.n_models, t.n_items, t.n_obs
        (2, 2, 3)
        """
        mi = np.asarray(model_idx, dtype=np.intp)
        ii = np.asarray(item_idx, dtype=np.intp)
        y = np.asarray(correct)
        if not (mi.shape == ii.shape == y.shape) or mi.ndim != 1:
            raise IrtEloError(f"{name}: model codes, item codes and correct must be 1-D arrays of one length")
        mnames = pd.Index(list(model_names), name="model")
        inames = pd.Index(list(item_names), name="item")
        for what, idx, names in (("model", mi, mnames), ("item", ii, inames)):
            if not names.is_unique:
                raise IrtEloError(f"{name}: {what} names are not unique ({names[names.duplicated()][0]!r})")
            if idx.size and (idx.min() < 0 or idx.max() >= len(names)):
                raise IrtEloError(f"{name}: {what} codes must lie in [0, {len(names)})")
        if not np.isin(y, (0, 1)).all():
            bad = int(np.flatnonzero(~np.isin(y, (0, 1)))[0])
            raise IrtEloError(f"{name}: response {bad}: correct = {y[bad]!r} is not 0 or 1")
        if check_duplicates and mi.size:
            key = mi.astype(np.int64) * len(inames) + ii
            order = np.argsort(key, kind="stable")
            dup = np.flatnonzero(np.diff(key[order]) == 0)
            if dup.size:
                j = order[dup[0] + 1]
                raise IrtEloError(f"{name}: ({mnames[mi[j]]!r}, {inames[ii[j]]!r}) is answered more than once; "
                                  "keep one response per model and item")
        cols: dict[str, object] = {
            "model": pd.Categorical.from_codes(mi, categories=mnames),
            "item": pd.Categorical.from_codes(ii, categories=inames),
            "correct": y.astype(np.int8),
        }
        items = pd.DataFrame(index=inames) if items is None else items.reindex(inames)
        items.index.name = "item"
        for c in ("benchmark", "domain"):
            if c in items:
                cols[c] = items[c].to_numpy()[ii]
        if weight is not None:
            w = np.asarray(weight, dtype=float)
            _check_weights(w, name)
            cols["weight"] = w
        models = pd.DataFrame(index=mnames) if models is None else models.reindex(mnames)
        models.index.name = "model"
        return cls(pd.DataFrame(cols), models, items, name)

    # -- sizes and names -------------------------------------------------------------------------------------------
    @property
    def n_models(self) -> int:
        return len(self.models)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_obs(self) -> int:
        return len(self.responses)

    @property
    def n_benchmarks(self) -> int:
        """Number of distinct benchmarks the items belong to (0 when the data have no benchmark column)."""
        return int(self.items["benchmark"].nunique()) if "benchmark" in self.items else 0

    @property
    def model_names(self) -> pd.Index:
        return pd.Index(self.models.index, name="model")

    @property
    def item_names(self) -> pd.Index:
        return pd.Index(self.items.index, name="item")

    @property
    def weight(self) -> np.ndarray | None:
        """Per-response weights from the data's ``weight`` column, or None."""
        return self.responses["weight"].to_numpy(dtype=float) if "weight" in self.responses else None

    def responses_per_model(self) -> pd.Series:
        """Number of responses of each model.

        Examples
        --------
        >>> t = ResponseTable.from_codes([0, 0, 1], [0, 1, 1], [1, 0, 1], ["a", "b"], ["q1", "q2"])
        >>> t.responses_per_model().tolist(), t.responses_per_item().tolist()
        ([2, 1], [1, 2])
        """
        return pd.Series(np.bincount(self.model_idx, minlength=self.n_models), index=self.model_names,
                         name="n_responses")

    def responses_per_item(self) -> pd.Series:
        """Number of models that answered each item (see :meth:`responses_per_model` for an example)."""
        return pd.Series(np.bincount(self.item_idx, minlength=self.n_items), index=self.item_names,
                         name="n_responses")

    def proportion_correct(self, by: Literal["model", "item"] = "model") -> pd.Series:
        """Fraction of responses that are correct, per model or per item.

        Examples
        --------
        >>> t = ResponseTable.from_codes([0, 0, 1], [0, 1, 1], [1, 0, 1], ["a", "b"], ["q1", "q2"])
        >>> t.proportion_correct("model").tolist(), t.proportion_correct("item").tolist()
        ([0.5, 1.0], [1.0, 0.5])
        """
        _check_by(by, ("model", "item"))
        idx, names, n = ((self.model_idx, self.model_names, self.n_models) if by == "model"
                         else (self.item_idx, self.item_names, self.n_items))
        k = np.bincount(idx, weights=self.correct, minlength=n)
        return pd.Series(k / np.bincount(idx, minlength=n), index=names, name="proportion_correct")

    def __repr__(self) -> str:
        dens = self.n_obs / max(1, self.n_models * self.n_items)
        return (f"ResponseTable({self.name!r}: {self.n_models} models × {self.n_items} items, {self.n_obs} responses, "
                f"{dens:.0%} observed)")

    # -- views -----------------------------------------------------------------------------------------------------
    def to_wide(self) -> pd.DataFrame:
        """Models × items matrix of 0/1 (NaN where unanswered). Dense: for small tables only.

        Examples
        --------
        >>> t = ResponseTable.from_codes([0, 0, 1], [0, 1, 1], [1, 0, 1], ["a", "b"], ["q1", "q2"])
        >>> t.to_wide().to_numpy().tolist()
        [[1.0, 0.0], [nan, 1.0]]
        """
        out = np.full((self.n_models, self.n_items), np.nan)
        out[self.model_idx, self.item_idx] = self.correct
        return pd.DataFrame(out, index=self.model_names, columns=self.item_names)

    def matrix(self, values: np.ndarray | None = None) -> sparse.csr_matrix:
        """Sparse models × items matrix holding ``values`` (default: ``correct``) at the observed pairs.

        Examples
        --------
        >>> t = ResponseTable.from_codes([0, 0, 1], [0, 1, 1], [1, 0, 1], ["a", "b"], ["q1", "q2"])
        >>> t.matrix().toarray().tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        v = self.correct if values is None else np.asarray(values, dtype=float)
        return sparse.csr_matrix((v, (self.model_idx, self.item_idx)), shape=(self.n_models, self.n_items))

    def rows(self, rows: np.ndarray) -> ResponseTable:
        """A table of the given response rows (repeats allowed), keeping every model and item in the metadata.

        Meant for resampling; models or items left without a response make the table invalid, as elsewhere.

        Examples
        --------
        >>> t = ResponseTable.from_codes([0, 0, 1], [0, 1, 1], [1, 0, 1], ["a", "b"], ["q1", "q2"])
        >>> t.rows([0, 2, 2, 1]).correct.tolist()
        [1.0, 1.0, 1.0, 0.0]
        """
        return ResponseTable(self.responses.iloc[np.asarray(rows)].reset_index(drop=True), self.models, self.items,
                             self.name)

    def filter(
        self,
        *,
        models: Iterable[str] | None = None,
        items: Iterable[str] | None = None,
        benchmarks: Iterable[str] | None = None,
        exclude_benchmarks: Iterable[str] | None = None,
        mask: np.ndarray | pd.Series | None = None,
    ) -> ResponseTable:
        """A sub-table; models and items left without responses are dropped.

        Examples
        --------
        >>> from irt_elo.data.simulate import simulate_responses
        >>> t, _ = simulate_responses(20, 30, n_benchmarks=3, random_state=1)
        >>> sub = t.filter(benchmarks=["b0", "b1"])
        >>> sub.n_benchmarks, sub.n_models
        (2, 20)
        """
        keep = row_mask(mask, self.n_obs, self.name)
        r = self.responses
        if models is not None:
            models = [str(m) for m in name_list(models)]
            check_names(models, self.model_names, "model", self.name)
            keep &= r["model"].isin(models).to_numpy()
        if items is not None:
            items = [str(i) for i in name_list(items)]
            check_names(items, self.item_names, "item", self.name)
            keep &= r["item"].isin(items).to_numpy()
        for sel, inc in ((benchmarks, True), (exclude_benchmarks, False)):
            if sel is None:
                continue
            if "benchmark" not in r:
                raise IrtEloError(f"{self.name}: the responses have no benchmark column to select on")
            sel = [str(b) for b in name_list(sel)]
            check_names(sel, pd.Index(pd.unique(self.items["benchmark"].dropna())), "benchmark", self.name)
            hit = r["benchmark"].isin(sel).to_numpy()
            keep &= hit if inc else ~hit
        if not keep.any():
            raise IrtEloError(f"{self.name}: no responses left after filtering; loosen the filters")
        mi, ii = self.model_idx[keep], self.item_idx[keep]
        used_m = np.flatnonzero(np.bincount(mi, minlength=self.n_models))
        used_i = np.flatnonzero(np.bincount(ii, minlength=self.n_items))
        new_m = np.full(self.n_models, -1, dtype=np.intp)
        new_m[used_m] = np.arange(used_m.size)
        new_i = np.full(self.n_items, -1, dtype=np.intp)
        new_i[used_i] = np.arange(used_i.size)
        out = self.responses[keep].reset_index(drop=True)
        models_df, items_df = self.models.iloc[used_m], self.items.iloc[used_i]
        out["model"] = pd.Categorical.from_codes(new_m[mi], categories=models_df.index)
        out["item"] = pd.Categorical.from_codes(new_i[ii], categories=items_df.index)
        return ResponseTable(out, models_df, items_df, self.name)

    def components(self) -> list[tuple[list[str], list[str]]]:
        """Connected components of the model–item graph, largest first, as (models, items) lists.

        Examples
        --------
        >>> t = ResponseTable.from_codes([0, 0, 1], [0, 1, 2], [1, 0, 1], ["a", "b"], ["q1", "q2", "q3"])
        >>> t.components()
        [(['a'], ['q1', 'q2']), (['b'], ['q3'])]
        """
        return component_lists(self.model_idx, self.item_idx, self.model_names, self.item_names)

    def check_connected(self) -> None:
        """Raise if the model–item graph splits: without shared items, capabilities are not comparable.

        Examples
        --------
        >>> t = ResponseTable.from_codes([0, 1], [0, 1], [1, 0], ["a", "b"], ["q1", "q2"])
        >>> t.check_connected()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        irt_elo.errors.IrtEloError: responses: the model–item graph splits into 2 disconnected parts, ...
        """
        if n_components(self.model_idx, self.item_idx, self.n_models, self.n_items) > 1:
            comps = self.components()
            parts = "; ".join(f"[{short_list(ms, 3)} | items {short_list(its, 3)}]" for ms, its in comps[:4])
            raise IrtEloError(
                f"{self.name}: the model–item graph splits into {len(comps)} disconnected parts, so capabilities "
                f"across them rest only on the population prior: {parts}. Add responses that link them or fit "
                "each part separately (filter(models=...)).")

    def to_score_table(self, by: Literal["benchmark", "item"] = "benchmark") -> ScoreTable:
        """Aggregate to a :class:`~irt_elo.data.ScoreTable`: fraction correct per model × benchmark.

        ``n_items`` holds the number of answered items of each cell, so the binomial loss of
        :class:`irt_elo.Fitter` uses the right number of trials.

        Examples
        --------
        >>> from irt_elo.data.simulate import simulate_responses
        >>> t, _ = simulate_responses(10, 40, n_benchmarks=4, random_state=0)
        >>> t.to_score_table().n_benchmarks
        4
        """
        _check_by(by, ("benchmark", "item"))
        if by == "benchmark" and "benchmark" not in self.responses:
            raise IrtEloError(f"{self.name}: no benchmark column to aggregate over; pass by='item' or add one")
        col = "benchmark" if by == "benchmark" else "item"
        g = self.responses.groupby(["model", col], sort=False, observed=True)["correct"]
        df = g.agg(["mean", "size"]).reset_index().rename(columns={"mean": "score", "size": "n_items", col:
                                                                   "benchmark"})
        df["model"] = df["model"].astype(str)
        df["benchmark"] = df["benchmark"].astype(str)
        if "domain" in self.items and by == "benchmark":
            dom = self.items.dropna(subset=["benchmark"]).groupby("benchmark", sort=False)["domain"].first()
            df["domain"] = df["benchmark"].map(dom)
        extra = self.models.loc[:, [c for c in self.models.columns if c not in MODEL_META and c != "group"]]
        meta = self.models.loc[:, [c for c in MODEL_META if c in self.models]]
        df = df.join(meta, on="model")
        return from_frame(df, name=self.name, models_extra=extra if len(extra.columns) else None)


def _codes(col: pd.Series, index: pd.Index) -> np.ndarray:
    """Integer codes of a model/item column against the metadata index (categorical fast path)."""
    if isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories.equals(index):
        return col.cat.codes.to_numpy().astype(np.intp)
    return pd.Index(index).get_indexer(col.astype(object)).astype(np.intp)


def _check_by(by: str, allowed: Sequence[str]) -> None:
    if by not in allowed:
        raise IrtEloError(f"by must be {' or '.join(map(repr, allowed))}, not {by!r}")


def _check_weights(w: np.ndarray, label: str, lines: np.ndarray | None = None, col: str = "weight") -> None:
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = location(label, lines[i], col) if lines is not None else f"{label}: response {i}"
        raise IrtEloError(f"{where}: weight {w[i]!r} is not a non-negative number; fix or drop the row")
    if w.size and w.sum() <= 0:
        raise IrtEloError(f"{label}: every weight is zero; give some responses a positive weight")


# --------------------------------------------------------------------------------------------------------------------
# Reading


def read_responses(path: str | os.PathLike, *, qualify_items: bool = False) -> ResponseTable:
    """Read item-level responses from a long CSV: one row per model × item.

    Columns: ``model``, ``item`` (or ``task``/``question``), ``correct`` (0/1, true/false; blank = not attempted) and
    optional ``benchmark``, ``domain``, ``weight`` and model metadata (``release_date``, ``organization``,
    ``open_weights``/``accessibility``...).

    Parameters
    ----------
    path : path-like
    qualify_items : bool
        Name items ``'<benchmark>/<item>'``, for files whose item ids restart in each benchmark.

    Returns
    -------
    ResponseTable

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = p.write_text("model,item,correct\\na,q1,1\\na,q2,0\\nb,q1,1\\n")
    >>> read_responses(p).n_obs
    3
    """
    p = Path(path)
    return responses_from_frame(read_csv_strict(p), name=path_label(p), source_label=str(p), qualify_items=qualify_items)


def responses_from_frame(
    df: pd.DataFrame,
    *,
    name: str = "responses",
    source_label: str | None = None,
    qualify_items: bool = False,
    models_extra: pd.DataFrame | None = None,
) -> ResponseTable:
    """Build a :class:`ResponseTable` from a long DataFrame (one row per model × item).

    Blank ``correct`` cells are unattempted items and are dropped. Errors (one line, naming the line and column):
    a missing column, an empty name, a ``correct`` value other than 0/1, a repeated (model, item) pair, an item listed
    under two benchmarks, a benchmark under two domains, a bad weight, a model or item with no response.

    Parameters
    ----------
    df : DataFrame
    name : str
        Label for outputs.
    source_label : str, optional
        How to name the input in error messages (defaults to ``name``).
    qualify_items : bool
        Name items ``'<benchmark>/<item>'`` (for ids that restart in each benchmark).
    models_extra : DataFrame, optional
        Extra per-model metadata indexed by model name.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"model": ["a", "a", "b"], "item": ["q1", "q2", "q1"], "correct": [1, 0, True]})
    >>> responses_from_frame(df).correct.tolist()
    [1.0, 0.0, 1.0]
    """
    label = source_label or name
    if df is None or len(df) == 0:
        raise IrtEloError(f"{label}: no rows; expected one row per model × item with columns model, item, correct")
    df = df.copy()
    if "_line" not in df:
        df["_line"] = np.arange(2, len(df) + 2)
    df = _rename_item_columns(df)
    df = standardise_columns(df, label, ("model",))
    for std in ("item", "correct"):
        if std not in df.columns:
            cols = [c for c in df.columns if c != "_line"]
            raise IrtEloError(f"{label}: missing column {std!r} (found columns: {', '.join(map(str, cols))})"
                              f"{did_you_mean(std, cols)}; rename it to {std!r}")
    lines = df["_line"].to_numpy()
    for col in [c for c in ("model", "item", "benchmark", "domain") if c in df]:
        names = df[col].astype("string").str.strip()
        blank = names.isna() | (names == "")
        if blank.any() and col in ("model", "item"):
            i = int(np.flatnonzero(blank.to_numpy())[0])
            raise IrtEloError(f"{location(label, lines[i], col)}: empty {col} name; fill or drop the row")
        df[col] = names.astype(object).where(~blank, np.nan)
    if "benchmark" in df and df["benchmark"].isna().any() and not df["benchmark"].isna().all():
        i = int(np.flatnonzero(df["benchmark"].isna().to_numpy())[0])
        raise IrtEloError(f"{location(label, lines[i], 'benchmark')}: empty benchmark name while other rows have one; "
                          "fill it or drop the column")
    if qualify_items:
        if "benchmark" not in df or df["benchmark"].isna().all():
            raise IrtEloError(f"{label}: qualify_items=True needs a benchmark column with a benchmark on every row")
        df["item"] = df["benchmark"] + "/" + df["item"]

    y = _parse_correct(df["correct"], lines, label)
    answered = ~np.isnan(y)
    if "weight" in df:
        w = pd.to_numeric(df["weight"].astype(str).str.strip().replace("", "nan"), errors="coerce").to_numpy(float)
        _check_weights(np.where(answered, w, 1.0), label, lines)
    _check_each_answered(df, answered, lines, label, "model")
    _check_each_answered(df, answered, lines, label, "item")
    df = df[answered].copy()
    df["correct"] = y[answered].astype(np.int8)
    if "weight" in df:
        df["weight"] = w[answered]
    lines = df["_line"].to_numpy()

    _check_consistent(df, "item", "benchmark", label, qualify_hint=True)
    _check_consistent(df, "benchmark", "domain", label)
    if "domain" in df and "benchmark" not in df:
        _check_consistent(df, "item", "domain", label)
    dup = df.duplicated(["model", "item"], keep=False).to_numpy()
    if dup.any():
        first = df[dup].groupby(["model", "item"], sort=False)["_line"].agg(["first", "last"]).iloc[0]
        mdl, itm = first.name
        raise IrtEloError(f"{label}: line {first['last']}: ({mdl!r}, {itm!r}) is answered more than once (first at "
                          f"line {first['first']}); keep one response per model and item")

    for col, parse in (("release_date", parse_dates), ("open_weights", parse_bool)):
        if col in df:
            df[col] = parse(df[col], lines, label, col)
    models = model_frame(df, models_extra, label)
    items = first_per_key(df, "item", [c for c in ("benchmark", "domain") if c in df], pd.unique(df["item"]))
    if "domain" in items and "benchmark" in items:
        items["domain"] = items["benchmark"].map(df.groupby("benchmark", sort=False)["domain"].first())

    cols: dict[str, object] = {
        "model": pd.Categorical(df["model"], categories=models.index),
        "item": pd.Categorical(df["item"], categories=items.index),
        "correct": df["correct"].to_numpy(),
    }
    for c in ("benchmark", "domain", "weight"):
        if c in df:
            cols[c] = df[c].to_numpy()
    return ResponseTable(pd.DataFrame(cols), models, items, name)


def _rename_item_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Map item / correct / weight aliases to the standard names (before the score-table aliases see them)."""
    rename: dict[str, str] = {}
    for std, aliases in (("item", ITEM_ALIASES), ("correct", CORRECT_ALIASES), ("weight", WEIGHT_ALIASES)):
        if std in df.columns:
            continue
        for c in df.columns:
            if c not in rename and c != "_line" and column_key(c) in aliases:
                rename[c] = std
                break
    return df.rename(columns=rename)


def _parse_correct(values: pd.Series, lines: np.ndarray, label: str) -> np.ndarray:
    """0/1 as float, NaN for blanks; anything else is an error naming the first bad line."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_numeric_dtype(values.dtype):
        v = values.to_numpy(dtype=float, na_value=np.nan)
        ok = np.isnan(v) | (v == 0) | (v == 1)
        s = None
    else:
        s = values.astype("string").str.strip().str.lower().fillna("")
        one, zero, blank = s.isin(_ONE).to_numpy(), s.isin(_ZERO).to_numpy(), s.isin(_BLANK).to_numpy()
        v = np.where(one, 1.0, np.where(zero, 0.0, np.nan))
        ok = one | zero | blank
    if not ok.all():
        bad = np.flatnonzero(~ok)
        i = int(bad[0])
        raise IrtEloError(f"{location(label, lines[i], 'correct')}: {values.iloc[i]!r} is not 0 or 1 ({bad.size} such "
                          "rows); item-level responses must be binary (for fractional benchmark scores use "
                          "irt_elo.read_table)")
    return v


def _check_each_answered(df: pd.DataFrame, answered: np.ndarray, lines: np.ndarray, label: str, col: str) -> None:
    if answered.all():
        return
    has = pd.Series(answered).groupby(df[col].to_numpy(), sort=False).any()
    if not has.all():
        nm = has.index[~has.to_numpy()][0]
        first = int(lines[np.flatnonzero((df[col] == nm).to_numpy())[0]])
        n = int((~has).sum())
        raise IrtEloError(f"{label}: line {first}: {col} {nm!r} has no responses (every 'correct' cell is blank)"
                          f"{f'; {n - 1} more {col}s too' if n > 1 else ''}; drop its rows or fill them")


def _check_consistent(df: pd.DataFrame, key: str, attr: str, label: str, qualify_hint: bool = False) -> None:
    if attr not in df or key not in df:
        return
    sub = df[[key, attr, "_line"]].dropna(subset=[attr])
    n = sub.groupby(key, sort=False)[attr].nunique()
    if (n > 1).any():
        k = n.index[(n > 1).to_numpy()][0]
        rows = sub[sub[key] == k].drop_duplicates(attr)
        (a1, l1), (a2, l2) = rows[[attr, "_line"]].to_numpy()[:2]
        hint = ("; item ids must be unique across benchmarks — pass qualify_items=True to name them "
                "'<benchmark>/<item>'") if qualify_hint else f"; give each {key} one {attr}"
        raise IrtEloError(f"{label}: line {l2}, column {attr!r}: {key} {k!r} is under {attr} {a2!r} here but "
                          f"{a1!r} at line {l1}{hint}")


# --------------------------------------------------------------------------------------------------------------------
# Simulation


__all__ = ["ResponseTable", "read_responses", "responses_from_frame", "oracle_slopes"]


def oracle_slopes(table: ResponseTable, theta: pd.Series) -> pd.Series:
    """Per-item 2PL slopes fitted by logistic regression when every model's TRUE capability is known.

    On simulated data this is the best slope recovery any method can reach (an upper bound for ``r_a``), so
    recovery targets can be judged against what the simulation's design makes possible.

    Parameters
    ----------
    table : ResponseTable
    theta : Series
        True capabilities indexed by model name (e.g. ``truth["theta"]`` from :func:`simulate_responses`).

    Returns
    -------
    Series
        Slope per item, indexed by item name.

    Examples
    --------
    >>> from irt_elo.data.simulate import simulate_responses
    >>> t, truth = simulate_responses(500, 200, random_state=0)
    >>> a = oracle_slopes(t, truth["theta"])
    >>> bool(np.corrcoef(a, truth["slope"].loc[a.index])[0, 1] > 0.9)
    True
    """
    x = theta.loc[table.model_names].to_numpy(dtype=float)[table.model_idx]
    y, ii, n = table.correct, table.item_idx, table.n_items
    a, c = np.ones(n), np.zeros(n)
    for _ in range(30):  # Newton on each item's 2-parameter logistic regression, all items at once
        p = 1.0 / (1.0 + np.exp(-(a[ii] * x + c[ii])))
        r, v = y - p, p * (1.0 - p)
        ga, gc = np.bincount(ii, r * x, n), np.bincount(ii, r, n)
        haa, hac, hcc = np.bincount(ii, v * x * x, n), np.bincount(ii, v * x, n), np.bincount(ii, v, n)
        det = haa * hcc - hac ** 2
        a, c = a + (hcc * ga - hac * gc) / det, c + (haa * gc - hac * ga) / det
    return pd.Series(a, index=table.item_names, name="oracle_slope")
