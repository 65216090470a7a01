"""Costs that grow gently: fit time against the number of benchmarks, and Hessian standard errors
against the fit on a long table, side by side in one run.

Measured, each against a baseline from the same run on the same machine:
  fit     300 models x 500 benchmarks (baseline) and x 1,000 / 2,000 / 5,000, 30% of cells missing, Epoch's ECI
          options (least squares on the probability scale, ridge 0.1, box bounds) anchored on benchmark b0 in logit
          units; target: 300 x 5,000 within 20x the time of 300 x 500. Also seconds per objective evaluation, which
          separates the cost of one Newton step (near-linear) from the number of steps (the data's business).
  se      7,000 models x 6 benchmarks (the shape of the Open LLM Leaderboard v1), default options: the fit, then
          standard_errors (structured path); target: within 5x the fit, well under 1 GiB (peak traced allocation).
  se-dense  the dense path (the code before this change) on 1,500 x 6, with the structured path's SEs on the same fit
          (max relative difference), to show what the structure saves.
All random steps are seeded (simulate_scores random_state, the fitters' random_state). Times are the minimum of
--repeat runs (the minimum is the run least disturbed by other work on the machine).

Measured (--repeat 3; benchmarks/results/costs.json): fit 300 x 500 0.44 s, x 1,000 0.81 s, x 2,000 2.18 s, x 5,000
6.17 s (before: 7 s at 1,000, 47-90 s at 2,000, unfinished after 2 minutes at 5,000): 13.9x the 500-benchmark time
(target 20x); per objective evaluation 12.5x for 10x the cells. The sparse Schur-complement step made one step
near-linear; the hand-over from Gauss-Newton to exact-Hessian steps (core.solve.HYBRID_LOOSEN) cut the steps on
5,000 benchmarks from 167 to 87 (Gauss-Newton alone crawled on the benchmarks of extreme difficulty: 29x).
Standard errors 7,000 x 6: 0.029 s against a 0.117 s fit (0.24x; target 5x), 5 MiB traced peak (before: ~2 min,
5.3 GiB); dense path on 1,500 x 6: 0.79 s and 244 MiB against 0.008 s, same SEs to 3e-11.

Run:  python benchmarks/bench_costs.py [--repeat 3]   (writes benchmarks/results/costs.json)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np

from irt_elo import Fitter
from irt_elo.data.simulate import simulate_scores
from irt_elo.fit import uncertainty as U


def _timed(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _eci_like() -> Fitter:
    return Fitter.from_preset("eci", since=None, min_benchmarks=1, anchor_benchmark="b0", scale="logit")


def bench_fit(repeat: int, sizes: list[int]) -> list[dict]:
    rows = []
    for n_bench in sizes:
        table, truth = simulate_scores(300, n_bench, missing=0.3, random_state=1)
        secs, f = _timed(lambda t=table: _eci_like().fit(t), repeat)
        corr = float(np.corrcoef(f.theta_.to_numpy(), truth["theta"].loc[f.theta_.index].to_numpy())[0, 1])
        rows.append({"models": 300, "benchmarks": n_bench, "cells": int(table.n_obs), "seconds": secs,
                     "nfev": int(f.result_.nfev), "ms_per_evaluation": 1e3 * secs / f.result_.nfev,
                     "success": bool(f.result_.success), "theta_corr_with_truth": corr})
        print(f"fit 300 x {n_bench:5d}: {secs:7.2f} s, {f.result_.nfev:4d} evaluations, "
              f"{1e3 * secs / f.result_.nfev:6.1f} ms each, corr(theta, truth) {corr:.4f}", flush=True)
    base = rows[0]
    for r in rows:
        r["time_ratio_vs_500"] = r["seconds"] / base["seconds"]
        r["per_evaluation_ratio_vs_500"] = r["ms_per_evaluation"] / base["ms_per_evaluation"]
    return rows


def bench_se(repeat: int, n_models: int = 7000, n_bench: int = 6) -> dict:
    table, _ = simulate_scores(n_models, n_bench, missing=0.1, random_state=3)
    fit_s, f = _timed(lambda: Fitter(random_state=0).fit(table), repeat)
    se_s, se = _timed(lambda: U.standard_errors(f), repeat)
    tracemalloc.start()
    U.standard_errors(f)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out = {"models": n_models, "benchmarks": n_bench, "fit_seconds": fit_s, "se_seconds": se_s,
           "se_over_fit": se_s / fit_s, "se_peak_traced_mib": peak / 2 ** 20,
           "capability_se_median": float(se.capability.median())}
    print(f"se {n_models} x {n_bench}: fit {fit_s:.3f} s, standard errors {se_s:.3f} s ({se_s / fit_s:.2f}x the fit), "
          f"peak {peak / 2 ** 20:.0f} MiB", flush=True)
    return out


def bench_se_dense(repeat: int, n_models: int = 1500, n_bench: int = 6) -> dict:
    table, _ = simulate_scores(n_models, n_bench, missing=0.1, random_state=3)
    f = Fitter(random_state=0).fit(table)
    limit = U.SE_DENSE_LIMIT
    try:
        U.SE_DENSE_LIMIT = 10 ** 12
        dense_s, dense = _timed(lambda: U.standard_errors(f), repeat)
        tracemalloc.start()
        U.standard_errors(f)
        dense_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        U.SE_DENSE_LIMIT = 0
        struct_s, struct = _timed(lambda: U.standard_errors(f), repeat)
    finally:
        U.SE_DENSE_LIMIT = limit
    rel = max(float(np.nanmax(np.abs(getattr(struct, w) - getattr(dense, w)) / getattr(dense, w).where(
        getattr(dense, w) > 0))) for w in ("capability", "difficulty", "slope"))
    out = {"models": n_models, "benchmarks": n_bench, "dense_seconds": dense_s, "structured_seconds": struct_s,
           "speedup": dense_s / struct_s, "dense_peak_traced_mib": dense_peak / 2 ** 20,
           "max_relative_difference": rel}
    print(f"se {n_models} x {n_bench}: dense {dense_s:.3f} s ({dense_peak / 2 ** 20:.0f} MiB), structured "
          f"{struct_s:.3f} s, {dense_s / struct_s:.0f}x faster, max relative difference {rel:.1e}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="500,1000,2000,5000", help="benchmark counts; the first is the baseline")
    ap.add_argument("--out", default=str(Path(__file__).with_name("results") / "costs.json"))
    args = ap.parse_args()
    fit_rows = bench_fit(args.repeat, [int(s) for s in args.sizes.split(",")])
    se = bench_se(args.repeat)
    se_dense = bench_se_dense(args.repeat)
    big = fit_rows[-1]
    print(f"fit 300 x {big['benchmarks']} / 300 x {fit_rows[0]['benchmarks']}: "
          f"{big['time_ratio_vs_500']:.1f}x the time (target <= 20x), {big['per_evaluation_ratio_vs_500']:.1f}x per "
          f"evaluation; standard errors {se['se_over_fit']:.2f}x the fit (target <= 5x)")
    out = {"benchmark": "costs", "repeat": args.repeat, "machine": platform.platform(),
           "processor_count": os.cpu_count(), "load_average_at_end": os.getloadavg(),
           "fit": fit_rows, "standard_errors": se, "standard_errors_dense_vs_structured": se_dense,
           "fit_ratio_5000_vs_500": big["time_ratio_vs_500"], "se_over_fit_7000x6": se["se_over_fit"]}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
