"""A fixture in the layout of Epoch's ``benchmark_data.zip`` since September 2026, built from the bundled 2026-08-11
ECI files (see shared/data/EPOCH-RELEASE-LAYOUT-2026-09.md; no copy of the real zip is bundled).

``build_release(tmp_path, as_zip=...)`` writes::

    benchmark_data_2026-08-11[.zip]/          (the name carries the vintage)
        epoch_capabilities_index/processed_data_for_eci.csv   eci_benchmarks.csv, the layout's 10 columns
        epoch_capabilities_index/eci_scores.csv               eci_scores.csv; intervals REWRITTEN (see below)
        epoch_capabilities_index/edi_scores.csv               edi_scores.csv, byte for byte
        epoch_capabilities_index/eci_bootstraps.json          50 seeded bootstrap draws of a real refit
        model_metadata.csv                                    one row per model version, blank and partial rows
        benchmark_metadata.csv                                baselines, ceilings, FrontierMath lineage
        README.md

The draws are a real ``Fitter.from_preset("eci")`` refit of the bundled table, bootstrapped (50 draws, seed 20260811)
and cached per process. Because they are not Epoch's 500 draws, the fixture's ``eci_ci_low``/``eci_ci_high`` are the
draws' 5th/95th percentiles rounded to 2 decimals, so that the reader's check (draws reproduce the published
interval within 0.005) is meaningful; the published ``eci`` column stays exactly as Epoch published it.

``model_metadata.csv`` is derived from what the bundled files hold (versions from eci_benchmarks, organisation,
country and accessibility from eci_scores, blank where Epoch says ``Unknown``), plus two entirely blank rows, a
partial row, and two made-up fills for models eci_scores leaves blank: ``internlm-20b`` gets the comma-joined
organisation ``Shanghai AI Laboratory,SenseTime`` and country ``Hong Kong,China``, ``Yi-9B`` gets ``01.AI``/China.
"""
from __future__ import annotations

import csv
import io
import json
import threading
import zipfile
from collections.abc import Callable
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd

BUNDLED = "epoch_eci_2026-08-11"
ECI_DIR = "epoch_capabilities_index"
FIT = f"{ECI_DIR}/processed_data_for_eci.csv"
SCORES = f"{ECI_DIR}/eci_scores.csv"
EDI = f"{ECI_DIR}/edi_scores.csv"
DRAWS = f"{ECI_DIR}/eci_bootstraps.json"
MODEL_META = "model_metadata.csv"
BENCH_META = "benchmark_metadata.csv"
FILES = (FIT, SCORES, EDI, MODEL_META, BENCH_META, DRAWS)  # the five required files, then the optional json
REQUIRED = FILES[:5]
FIT_COLUMNS = ["model_id", "benchmark_id", "performance", "benchmark", "benchmark_release_date", "model",
               "model_version", "Model", "date", "source"]
N_DRAWS = 50
SEED = 20260811
LEVEL = 0.9
ANCHORS = {"model_low": "Claude 3.5 Sonnet", "eci_low": 130.0, "model_high": "GPT-5", "eci_high": 150.0}
COMMA_MODEL = "internlm-20b"  # gets a comma-joined organisation and country in model_metadata.csv
COMMA_ORG, COMMA_COUNTRY = "Shanghai AI Laboratory,SenseTime", "Hong Kong,China"


def bundled(name: str) -> Path:
    from irt_elo.data.bundled import bundled_path

    return bundled_path(f"{BUNDLED}/{name}")


def _frame(name: str) -> pd.DataFrame:
    return pd.read_csv(bundled(name), dtype=str, keep_default_na=False)


def _csv_text(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


@lru_cache(maxsize=1)
def bootstrap_draws() -> dict:
    """The 50 seeded bootstrap draws of the bundled table's eci refit (computed once per process), as the json's
    contents, plus the percentile intervals they imply."""
    from irt_elo import Fitter
    from irt_elo.data.datasets import load_epoch_eci

    f = Fitter.from_preset("eci").fit(load_epoch_eci())
    b = f.bootstrap(n_boot=N_DRAWS, seed=SEED, level=LEVEL, n_jobs=1)
    ids = _frame("eci_benchmarks.csv")
    model_ids = ids.drop_duplicates("model").set_index("model")["model_id"]
    bench_ids = ids.drop_duplicates("benchmark").set_index("benchmark")["benchmark_id"]
    cap = b.capability
    q = np.percentile(cap.to_numpy(), [50 * (1 - LEVEL), 50 * (1 + LEVEL)], axis=0)
    return {
        "json": {
            "num_samples": N_DRAWS, "eci_scaled": True, "ci_level": LEVEL, "anchors": dict(ANCHORS),
            "scaling": {"per_sample_a": b.scale["intercept"].tolist(), "per_sample_b": b.scale["per_logit"].tolist()},
            "model": {"ids": [model_ids[m] for m in cap.columns], "names": list(cap.columns),
                      "capability_samples": cap.to_numpy().tolist()},
            "benchmark": {"ids": [bench_ids[n] for n in b.difficulty.columns], "names": list(b.difficulty.columns),
                          "difficulty_samples": b.difficulty.to_numpy().tolist(),
                          "slope_samples": b.slope.to_numpy().tolist()},
        },
        "ci_low": dict(zip(cap.columns, q[0])),
        "ci_high": dict(zip(cap.columns, q[1])),
    }


def _fmt(x: float) -> str:
    return repr(round(float(x), 2))


def eci_scores_text(with_draws: bool) -> str:
    """The bundled eci_scores.csv; with draws, its intervals rewritten to the draws' percentiles (2 decimals)."""
    text = bundled("eci_scores.csv").read_text(encoding="utf-8")
    if not with_draws:
        return text
    d = bootstrap_draws()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    head = rows[0]
    i_m, i_lo, i_hi = head.index("Model"), head.index("eci_ci_low"), head.index("eci_ci_high")
    for r in rows[1:]:
        if r and r[i_lo].strip():  # the anchors keep their empty intervals
            r[i_lo], r[i_hi] = _fmt(d["ci_low"][r[i_m].strip()]), _fmt(d["ci_high"][r[i_m].strip()])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def model_metadata_text() -> str:
    bench = _frame("eci_benchmarks.csv")
    scores = _frame("eci_scores.csv").set_index("Model")
    v = bench.drop_duplicates(["model", "model_version"])[["model_version", "model", "date"]]
    rows = []
    for r in v.itertuples(index=False):
        s = scores.loc[r.model]
        acc = s["Model accessibility"]
        org, country = s["Organization"], s["Country (of organization)"]
        if r.model == COMMA_MODEL:
            org, country, acc = COMMA_ORG, COMMA_COUNTRY, "Open weights (unrestricted)"
        elif r.model == "Yi-9B":
            org, country = "01.AI", "China"
        rows.append({"model_version": r.model_version, "model_group": r.model, "date": r.date,
                     "display_name": s["Display name"], "organization": org, "country": country,
                     "accessibility": "" if acc == "Unknown" else acc, "training_compute_flop": ""})
    blank = dict.fromkeys(rows[0], "")
    rows.insert(7, dict(blank))  # entirely blank rows, as the real file has about eleven
    rows.insert(40, dict(blank))
    rows.append({**blank, "model_version": "mystery-model-2026-01-01"})  # a partial row: a version and nothing else
    rows.append({**blank, "model_group": "GPT-5", "training_compute_flop": "6.6e25"})  # a group's compute, no version
    return _csv_text(pd.DataFrame(rows))


def benchmark_metadata_text() -> str:
    from irt_elo.data.readers.epoch_hub import load_baselines

    edi = _frame("edi_scores.csv")
    base = load_baselines()
    by_name = {r.benchmark: (src, r) for src, r in base.iterrows()}
    ceilings = {"FrontierMath-2025-02-28-Private": 0.57, "FrontierMath-Tier-4-2025-07-01-Private": 0.6}
    successors = {"FrontierMath-2025-02-28-Private": "FrontierMath-Tiers-1-3-v2-Private",
                  "FrontierMath-Tier-4-2025-07-01-Private": "FrontierMath-Tier-4-v2-Private"}
    rows = []
    for r in edi.itertuples(index=False):
        name = r.benchmark_name
        src, b = by_name.get(name, (None, None))
        rows.append({
            "benchmark": name, "in_eci": "True",
            "source_file": f"{src}.csv" if src else name.lower().replace(" ", "_") + ".csv",
            "score_column": b.score_column if b is not None else "mean_score",
            "scale": repr(1.0 / b.scale_max) if b is not None and b.scale_max == b.scale_max else "1.0",
            "random_baseline": "0.0" if b is None or pd.isna(b.random_baseline) else repr(float(b.random_baseline)),
            "score_ceiling": repr(ceilings.get(name, 1.0)),
            "release_date": r.benchmark_release_date, "superseded_by": successors.get(name, "")})
    for name, rb in (("BoolQ", "0.5"), ("LiveBench", "0.0"), ("SuperGLUE", "0.0"), ("Vending-Bench 2", "")):
        rows.append({"benchmark": name, "in_eci": "False", "source_file": "", "score_column": "", "scale": "",
                     "random_baseline": rb, "score_ceiling": "", "release_date": "", "superseded_by": ""})
    return _csv_text(pd.DataFrame(rows))


def release_texts(with_draws: bool = True) -> dict[str, str]:
    """Every file of the fixture, by its path inside the release, as text."""
    fit = _frame("eci_benchmarks.csv")[FIT_COLUMNS]
    out = {
        FIT: _csv_text(fit),
        SCORES: eci_scores_text(with_draws),
        EDI: bundled("edi_scores.csv").read_text(encoding="utf-8"),
        MODEL_META: model_metadata_text(),
        BENCH_META: benchmark_metadata_text(),
        "README.md": "Epoch AI, 'Capabilities & Benchmarking'. CC BY 4.0. (test fixture)\n",
    }
    if with_draws:
        out[DRAWS] = json.dumps(bootstrap_draws()["json"])
    return out


def build_release(
    tmp_path: Path,
    *,
    as_zip: bool,
    drop: str | None = None,
    mutate: Callable[[str, str], str] | None = None,
    with_draws: bool = True,
    name: str = "benchmark_data_2026-08-11",
    top_folder: str | None = None,
) -> Path:
    """Write the fixture under ``tmp_path`` and return the release's path (a folder, or a ``.zip``).

    Parameters
    ----------
    as_zip : bool
        Write ``NAME.zip`` (deflated) instead of the folder ``NAME/``.
    drop : str, optional
        One file to leave out, by its path in the release (e.g. ``"model_metadata.csv"`` or
        ``"epoch_capabilities_index/eci_scores.csv"``) or its base name.
    mutate : callable, optional
        ``mutate(path_in_release, text) -> text``, called for every file before it is written.
    with_draws : bool
        Write ``eci_bootstraps.json`` (and rewrite the intervals to match it); else keep the published intervals.
    name : str
        Name of the folder or zip (it carries the vintage).
    top_folder : str, optional
        For a zip: put everything under this one top folder.
    """
    texts = release_texts(with_draws)
    if drop is not None:
        hits = [k for k in texts if k == drop or k.split("/")[-1] == drop]
        if len(hits) != 1:
            raise ValueError(f"drop={drop!r} names none or several of {sorted(texts)}")
        del texts[hits[0]]
    if mutate is not None:
        texts = {k: mutate(k, v) for k, v in texts.items()}
    tmp_path = Path(tmp_path)
    tmp_path.mkdir(parents=True, exist_ok=True)
    if as_zip:
        out = tmp_path / f"{name}.zip"
        prefix = f"{top_folder.strip('/')}/" if top_folder else ""
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for rel, text in texts.items():
                z.writestr(prefix + rel, text.encode("utf-8"))
        return out
    out = tmp_path / name
    for rel, text in texts.items():
        f = out / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(text.encode("utf-8"))
    return out


def serve_once(body: bytes) -> tuple[ThreadingHTTPServer, str]:
    """A real local HTTP server answering every GET with ``body`` as a zip, and its URL; the caller shuts it down."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/benchmark_data.zip"


__all__ = ["build_release", "serve_once", "release_texts", "bootstrap_draws", "FILES", "REQUIRED", "COMMA_MODEL",
           "COMMA_ORG", "COMMA_COUNTRY"]
