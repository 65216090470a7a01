"""Speed of scoring new models on a frozen fit against refitting the table once per new model, same run.

Setup (timed, reported apart, in neither side): the eci preset fitted to the bundled Epoch data, its 500-draw
bootstrap (seed 12345) and the frozen scale (``Fitter.freeze``). 1,000 new models are made from it (seeded): each a
copy of a randomly chosen fitted model's scores plus N(0, 0.03^2) noise, clipped to [0, 1], named new-0000...

  score   irt_elo.fit.frozen.score_models(frozen, all 1,000 new models, level=0.9): a capability and a 90% interval
          from the 500 parameter draws for every new model, in one call (best of --repeat);
  refit   Fitter.from_preset("eci").fit(bundled table + one new model) for --refits of the new models (the first N of
          the same seeded set), each timed on its own (table building reported apart); the time for 1,000 refits is
          projected as 1,000 x the mean of the N measured refits. A refit gives a point value only: the "equal
          output" baseline adds one serial 500-draw bootstrap of a refit per new model (measured once, projected).

Both sides run in this one process with one BLAS thread. Correctness: for the refitted models, the frozen-scale
capability against the capability the refit gives the same model (ECI points).

Run:  python benchmarks/bench_score.py [--repeat 3] [--refits 40]   (writes benchmarks/results/score.json)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

import irt_elo
from irt_elo import Fitter
from irt_elo.data.table import from_frame
from irt_elo.fit.frozen import FrozenScale, score_models

TARGET = 100.0


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def new_models(f: Fitter, n: int, seed: int, noise: float) -> tuple[pd.DataFrame, pd.Series]:
    """``n`` new models (long frame) and the fitted model each one copies."""
    rng = np.random.default_rng(seed)
    scores = f.table_.scores[["model", "benchmark", "score"]]
    fitted = np.asarray(f.table_.model_names)
    src = fitted[rng.integers(0, fitted.size, n)]
    by_model = {m: g for m, g in scores.groupby("model", sort=False)}
    parts = []
    for i, m in enumerate(src):
        g = by_model[m]
        y = np.clip(g["score"].to_numpy() + rng.normal(0.0, noise, len(g)), 0.0, 1.0)
        parts.append(pd.DataFrame({"model": f"new-{i:04d}", "benchmark": g["benchmark"].to_numpy(), "score": y}))
    names = [f"new-{i:04d}" for i in range(n)]
    return pd.concat(parts, ignore_index=True), pd.Series(src, index=names, name="copied_from")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="timings of the scoring side (best is reported)")
    ap.add_argument("--refits", type=int, default=40, help="new models refitted (the projection's sample)")
    ap.add_argument("--n-new", type=int, default=1000)
    ap.add_argument("--draws", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0, help="seed of the new models")
    ap.add_argument("--noise", type=float, default=0.03)
    ap.add_argument("--out", default=str(Path(__file__).with_name("results") / "score.json"))
    args = ap.parse_args()

    # ---- setup: neither side
    data = irt_elo.datasets.load_epoch_eci()
    f, t_fit = timed(lambda: Fitter.from_preset("eci").fit(data))
    _, t_boot_setup = timed(lambda: f.bootstrap(args.draws, seed=12345))
    fz, t_freeze = timed(f.freeze)
    assert isinstance(fz, FrozenScale) and fz.n_draws == args.draws
    new, copied = new_models(f, args.n_new, args.seed, args.noise)
    names = list(copied.index)
    n_ref = min(args.refits, args.n_new)

    # The refit tables: the bundled long scores plus one new model; the eci preset keeps models released from
    # 2023-01-01 and drops models without a release date, so each new model gets the date of the model it copies.
    base = data.scores[["model", "benchmark", "score"]]
    meta = data.models[["release_date"]]

    def table_with(m: str):
        rows = new[new["model"] == m]
        extra = pd.concat([meta, pd.DataFrame({"release_date": [meta.loc[copied[m], "release_date"]]}, index=[m])])
        return from_frame(pd.concat([base, rows], ignore_index=True), models_extra=extra, name=data.name)

    limiter = threadpool_limits(limits=1, user_api="blas")
    try:
        # sanity: the refit path, without a new model, reproduces the bundled fit
        f0 = Fitter.from_preset("eci").fit(from_frame(base, models_extra=meta, name=data.name))
        base_gap = float(np.max(np.abs(f0.capability_.reindex(f.capability_.index) - f.capability_)))

        # ---- side A: score all new models at once
        times, scored = [], None
        for _ in range(args.repeat):
            scored, t = timed(lambda: score_models(fz, new, level=0.9, seed=0))
            times.append(t)
        t_score = min(times)
        summ = scored.summary.set_index("model")
        assert len(summ) == args.n_new and summ["capability"].notna().all()

        # ---- side B: refit the table once per new model (the first n_ref of them)
        build_t, fit_t, diffs, shift, last = [], [], [], [], None
        for m in names[:n_ref]:
            tab, tb = timed(lambda m=m: table_with(m))
            g, tf = timed(lambda tab=tab: Fitter.from_preset("eci").fit(tab))
            assert m in g.table_.model_names, f"{m} was filtered out of the refit"
            build_t.append(tb)
            fit_t.append(tf)
            diffs.append(abs(float(g.capability_[m]) - float(summ.loc[m, "capability"])))
            shift.append(float(g.capability_[copied[m]] - f.capability_[copied[m]]))  # the copied model moves too
            last = g
        # what a refit costs to give the same output (an interval from 500 draws): one serial bootstrap of a refit
        _, t_boot = timed(lambda: last.bootstrap(args.draws, seed=1, n_jobs=1))
    finally:
        limiter.restore_original_limits()

    refit_mean, build_mean = statistics.mean(fit_t), statistics.mean(build_t)
    proj = refit_mean * args.n_new
    proj_build = (refit_mean + build_mean) * args.n_new
    proj_equal = (refit_mean + t_boot) * args.n_new
    ratio, ratio_equal = proj / t_score, proj_equal / t_score
    diffs = np.asarray(diffs)
    worst = int(np.argmax(diffs))
    wm = names[worst]
    width = (summ["ci_high"] - summ["ci_low"]).to_numpy()

    print(f"eci fit of {f.table_.n_models} models x {f.table_.n_benchmarks} benchmarks; setup: fit {t_fit:.2f} s, "
          f"{args.draws}-draw bootstrap {t_boot_setup:.2f} s, freeze {t_freeze:.3f} s; {os.cpu_count()} CPUs, "
          "1 BLAS thread, one process")
    print(f"score {args.n_new} new models with {args.draws}-draw 90% intervals: {t_score:.3f} s "
          f"(best of {args.repeat}: {', '.join(f'{t:.3f}' for t in times)}); "
          f"{t_score / args.n_new * 1e3:.2f} ms/model; median interval width {np.median(width):.2f} ECI")
    print(f"refit with one new model: mean {refit_mean:.3f} s over {n_ref} refits (min {min(fit_t):.3f}, max "
          f"{max(fit_t):.3f}); table building {build_mean * 1e3:.1f} ms more; refit path reproduces the bundled fit "
          f"to {base_gap:.1e} ECI")
    print(f"1,000 refits, projected from {n_ref}: {proj:.1f} s -> {ratio:.1f}x the scoring time (target >= "
          f"{TARGET:.0f}x: {'met' if ratio >= TARGET else 'NOT met'}); with table building "
          f"{proj_build / t_score:.1f}x")
    print(f"equal output (refit + serial {args.draws}-draw bootstrap {t_boot:.2f} s per model): {proj_equal:.0f} s "
          f"projected -> {ratio_equal:.0f}x")
    print(f"frozen vs refit capability of the {n_ref} refitted models: median |diff| {np.median(diffs):.3f} ECI, "
          f"max {diffs.max():.3f} ({wm}, a copy of {copied[wm]} on {int(summ.loc[wm, 'n_benchmarks'])} benchmarks; "
          f"the refit moves {copied[wm]} itself by {shift[worst]:+.3f})")

    result = {
        "benchmark": "score_vs_refit", "target_ratio": TARGET, "target_met": bool(ratio >= TARGET),
        "n_new_models": args.n_new, "draws": args.draws, "level": 0.9, "new_model_seed": args.seed,
        "noise_sd": args.noise, "repeat": args.repeat, "blas_threads": 1, "processes": 1,
        "cpu_count": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine(),
        "platform": platform.platform(), "irt_elo": irt_elo.__version__,
        "fit": {"models": f.table_.n_models, "benchmarks": f.table_.n_benchmarks, "scores": f.table_.n_obs},
        "setup_s": {"fit": t_fit, "bootstrap": t_boot_setup, "freeze": t_freeze},
        "score": {"seconds_best": t_score, "seconds_all": times, "ms_per_model": t_score / args.n_new * 1e3,
                  "median_interval_width_eci": float(np.median(width))},
        "refit": {"measured_refits": n_ref, "mean_s": refit_mean, "min_s": min(fit_t), "max_s": max(fit_t),
                  "median_s": statistics.median(fit_t), "table_build_mean_s": build_mean,
                  "projected_1000_s": proj, "projected_1000_with_table_build_s": proj_build,
                  "projection": f"{args.n_new} x mean of {n_ref} measured refits (not {args.n_new} refits run)",
                  "base_table_reproduces_fit_max_abs_diff_eci": base_gap},
        "bootstrap_of_refit_serial_s": t_boot,
        "ratio_refit_vs_score": ratio, "ratio_refit_with_table_build_vs_score": proj_build / t_score,
        "ratio_equal_output_vs_score": ratio_equal,
        "equal_output": f"per new model: a refit plus a serial {args.draws}-draw bootstrap (measured once), "
                        f"projected to {args.n_new} models",
        "frozen_vs_refit_capability": {"models": n_ref, "median_abs_diff_eci": float(np.median(diffs)),
                                       "max_abs_diff_eci": float(diffs.max()),
                                       "worst": {"model": wm, "copied_from": str(copied[wm]),
                                                 "n_benchmarks": int(summ.loc[wm, "n_benchmarks"]),
                                                 "refit_shift_of_copied_model_eci": shift[worst]},
                                       "note": "the refit also moves the other models (the new one adds weight to "
                                               "its benchmarks); the frozen scale moves nothing"},
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
