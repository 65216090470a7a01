"""Compute a report's results (the same public functions the commands call) and render them as one HTML page."""
from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from irt_elo.analysis.capabilities import Capabilities
from irt_elo.data.records import is_finite_number, value_interval
from irt_elo.errors import IrtEloError

TEMPLATE = "report.html.j2"
DPI = 100
ATTRIBUTION = ("Data: Epoch AI, Epoch Capabilities Index and Benchmarking Hub, licensed CC BY 4.0 "
               "(https://epoch.ai/data). Claims: the sources linked in each row.")


@dataclass
class Report:
    """Everything one page shows; :meth:`to_html` renders it. Results are the library's own result objects."""

    title: str
    data: str
    n_models: int
    newest_release: pd.Timestamp | None
    level: float
    seed: int
    headlines: pd.DataFrame
    epoch_gap: Any
    caisi_lag: Any | None
    decomposition: Any | None
    claims: Any | None
    forecast: Any
    figures: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_html(self) -> str:
        """The page: one self-contained HTML document (figures as PNG data URIs, styles inline, no scripts)."""
        import jinja2

        from irt_elo._version import version_string

        env = jinja2.Environment(loader=jinja2.PackageLoader("irt_elo.report", "templates"),
                                 autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.StrictUndefined,
                                 trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        env.filters["iv"] = interval_text
        env.filters["num"] = number_text
        env.filters["day"] = date_text
        env.filters["pct"] = lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.0%}"
        claims = self.claims.table.to_dict(orient="records") if self.claims is not None else []
        dec = self.decomposition.frame.to_dict(orient="records") if self.decomposition is not None else []
        return env.get_template(TEMPLATE).render(
            r=self, claims=claims, decomposition=dec, headlines=self.headlines.to_dict(orient="records"),
            trend=getattr(self.epoch_gap, "trend", None), gap_range=getattr(self.epoch_gap, "range", None),
            fc=self.forecast, backtests=[(b, b.summary.to_dict(orient="records")) for b in self.forecast.backtests],
            version=version_string(), attribution=ATTRIBUTION)


def build_report(caps: Capabilities, table: Any = None, *, claims: Any = None, earlier: Capabilities | None = None,
                 model: str | None = None, level: float = 0.90, seed: int = 12345, n_boot: int = 100,
                 horizon: str = "12m", n_paths: int = 500, title: str | None = None) -> Report:
    """Compute every section of the report for one data set.

    Parameters
    ----------
    caps : Capabilities
        The capabilities every gap, claim and forecast is computed on (e.g. Epoch's published scores).
    table : ScoreTable, optional
        The fit input behind ``caps``; without it the report has no decomposition (it refits the presets).
    claims : ClaimsResult, optional
        Claims already checked (``irt-elo report`` passes what ``irt-elo claims`` computes for the same data);
        default: :func:`~irt_elo.analysis.claims.check_claims` on ``caps``.
    earlier : Capabilities, optional
        An earlier release's capabilities for the vintage backtest of the forecast.
    model : str, optional
        The named model of CAISI's question (default DeepSeek-V4-Pro).
    level, seed, n_boot, horizon, n_paths
        Interval level, seed of every random step, bootstrap draws per refit of the decomposition, the forecast's
        horizon and simulated paths.
    """
    import matplotlib.pyplot as plt

    from irt_elo.analysis.claims import check_claims
    from irt_elo.analysis.compare import CAISI_MODEL, CAISI_QUESTION, EPOCH_QUESTION, decompose, default_steps
    from irt_elo.analysis.forecast import backtest, forecast, vintage_backtest
    from irt_elo.plots.compare import plot_waterfall
    from irt_elo.plots.forecast import plot_forecast
    from irt_elo.plots.gap import plot_gap

    if n_boot < 2:
        raise IrtEloError(f"the report's decomposition needs at least 2 bootstrap draws per refit, not {n_boot}")
    model = model or CAISI_MODEL
    notes: list[str] = []
    epoch = EPOCH_QUESTION.answer(caps, level=level, seed=seed)
    try:
        caisi = CAISI_QUESTION.with_(model=model).answer(caps, level=level, seed=seed)
    except IrtEloError as e:
        caisi = None
        notes.append(f"CAISI's question ({model}) cannot be asked of this data: {e}")
    dec = None
    if table is not None:
        dec = decompose(table, default_steps(model), n_boot=n_boot, seed=seed, level=level)
    else:
        notes.append("no decomposition: it refits the eci and caisi presets, and this data set is a table of "
                     "fitted capabilities without the scores behind them")
    if claims is None:
        claims = check_claims(caps, table=table, level=level, seed=seed)
    fc = forecast(caps, horizon=horizon, n_draws=n_paths, seed=seed, level=level)
    fc.backtests.append(backtest(caps, horizon=horizon, n_draws=min(n_paths, 200), seed=seed, level=level))
    if earlier is not None:
        fc.backtests.append(vintage_backtest(earlier, caps, n_draws=min(n_paths, 200), seed=seed, level=level))
    figures: dict[str, str] = {}
    for name, make in (("gap", lambda: plot_gap(epoch, caps)),
                       ("waterfall", (lambda: plot_waterfall(dec)) if dec is not None else None),
                       ("forecast", lambda: plot_forecast(fc))):
        if make is None:
            continue
        fig = make()
        figures[name] = figure_data_uri(fig)
        plt.close(fig)
    dated = caps.frame["release_date"].dropna()
    return Report(
        title=title or f"Open vs closed AI capabilities on {caps.source}", data=caps.source, n_models=len(caps.frame),
        newest_release=dated.max() if len(dated) else None, level=level, seed=seed,
        headlines=_headlines(epoch, caisi, claims, model), epoch_gap=epoch, caisi_lag=caisi, decomposition=dec,
        claims=claims, forecast=fc, figures=figures, notes=notes)


def figure_data_uri(fig: Any, dpi: int = DPI) -> str:
    """A matplotlib figure as a ``data:image/png;base64,...`` URI (no software tag, so reruns are byte-identical)."""
    from irt_elo.plots import fixed_metadata

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata=fixed_metadata("png"))
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _headlines(epoch: Any, caisi: Any, claims: Any, model: str) -> pd.DataFrame:
    """Both headline questions: our answer and the published one (from the claims ledger rows E2 and C1)."""
    published = {}
    if claims is not None:
        t = claims.table.set_index("id")
        published = {k: (t.loc[k, "published"], t.loc[k, "source"], t.loc[k, "date"]) for k in ("E2", "C1")
                     if k in t.index}
    rows = [{"question": "Epoch's: the best open model vs the closed frontier, day by day "
                         f"{date_text(epoch.window[0])}..{date_text(epoch.window[1])} (caught up = {epoch.criterion})",
             "months": epoch.gap_months, "months_low": epoch.gap_months_low, "months_high": epoch.gap_months_high,
             "points": epoch.gap_points, "points_low": epoch.gap_points_low, "points_high": epoch.gap_points_high,
             "published": published.get("E2"), "command": "irt-elo gap"}]
    if caisi is not None:
        rows.append({"question": f"CAISI's: months {model} lags the closed US frontier (caught up = "
                                 f"{caisi.criterion})",
                     "months": caisi.gap_months, "months_low": caisi.gap_months_low,
                     "months_high": caisi.gap_months_high, "points": caisi.gap_points, "points_low": None,
                     "points_high": None, "published": published.get("C1"),
                     "command": f"irt-elo gap --model {model}"})
    return pd.DataFrame(rows)


def number_text(v: Any, fmt: str = ".1f") -> str:
    """A number for the page; blank for missing values."""
    return f"{float(v):{fmt}}" if is_finite_number(v) else ""


def interval_text(v: Any, lo: Any = None, hi: Any = None, fmt: str = ".1f") -> str:
    """``v [lo, hi]`` as the printed tables show it (:func:`~irt_elo.data.records.value_interval`); blank for a
    missing value."""
    return value_interval(v, lo, hi, fmt, missing="")


def date_text(v: Any) -> str:
    """A date as YYYY-MM-DD; blank for a missing one."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return f"{pd.Timestamp(v):%Y-%m-%d}"


__all__ = ["Report", "build_report", "figure_data_uri", "interval_text", "number_text", "date_text", "ATTRIBUTION"]
