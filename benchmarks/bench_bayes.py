"""Calibration, recovery and speed of the Bayesian fitter (irt_elo.fit.bayes) on simulations with known truth.

Parts (all numbers measured in this run):
  calibration  For several seeds: aggregate scores (binomial, n_items known) and item-level responses
               (irt_elo.data.responses.simulate_responses), fitted with the default SVI and with the plain baseline
               (mean-field AutoNormal, capabilities kept as variational parameters). Coverage of the 90% intervals
               over every capability, difficulty and slope (truth identified exactly as the fitter identifies each
               draw), correlations with the truth, RMSE of the predicted probabilities. NUTS on the first seeds too.
  speed        Seconds per fit: default SVI vs NUTS vs the package's point fit (irt_elo.fit.Fitter, binomial MAP) on
               the same aggregate problem; and seconds per SVI step on a 500 x 1000 item-level problem (30% missing)
               with and without minibatching.

Run:  python benchmarks/bench_bayes.py [--seeds 4] [--nuts-seeds 2]   (writes benchmarks/results/bayes.json)
Timings on a shared machine are noisy; ratios are within one run.
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from irt_elo import Fitter
from irt_elo.data.simulate import simulate_responses
from irt_elo.data.simulate import simulate_scores as _simulate
from irt_elo.fit.bayes import BayesFitter, identify_draws


def simulate_scores(n_models: int, n_benchmarks: int, missing: float, seed: int) -> tuple:
    """irt_elo.data.simulate_scores, with the truth as arrays in the table's model / benchmark order."""
    t, truth = _simulate(n_models, n_benchmarks, missing=missing, random_state=seed)
    return (t, truth["theta"].loc[t.model_names].to_numpy(), truth["delta"].loc[t.benchmark_names].to_numpy(),
            truth["alpha"].loc[t.benchmark_names].to_numpy())


def evaluate(f: BayesFitter, theta: np.ndarray, delta: np.ndarray, alpha: np.ndarray) -> dict:
    T, D, A = identify_draws(theta[None], delta[None], alpha[None], two_pl=True)
    out: dict = {}
    hits = []
    for nm, truth in (("theta", T[0]), ("delta", D[0]), ("alpha", A[0])):
        ci = getattr(f, f"{nm}_ci_")
        hit = (ci["low"].to_numpy() <= truth) & (truth <= ci["high"].to_numpy())
        hits.append(hit)
        out[f"coverage_{nm}"] = float(hit.mean())
        out[f"r_{nm}"] = float(np.corrcoef(getattr(f, f"{nm}_").to_numpy(), truth)[0, 1])
    allhit = np.concatenate(hits)
    out["coverage_all"], out["n_params"] = float(allhit.mean()), int(allhit.size)
    c = f.cells_
    p_true = 1 / (1 + np.exp(-alpha[c.cols] * (theta[c.rows] - delta[c.cols])))
    out["rmse_p"] = float(np.sqrt(np.mean((f.predict() - p_true) ** 2)))
    out["seconds"] = round(f.seconds_, 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--nuts-seeds", type=int, default=2)
    ap.add_argument("--out", default=str(Path(__file__).with_name("results") / "bayes.json"))
    args = ap.parse_args()

    configs = {"default": dict(), "meanfield_joint": dict(guide="normal", marginalize=False)}
    rows = []
    for seed in range(args.seeds):
        data = {"aggregate 100x20 binomial": simulate_scores(100, 20, 0.3, seed)}
        t, truth = simulate_responses(150, 40, "2pl", random_state=seed)
        data["items 150x40 binary"] = (t, truth["theta"].to_numpy(), truth["difficulty"].to_numpy(),
                                       truth["slope"].to_numpy())
        for dname, (table, th, de, al) in data.items():
            runs = dict(configs)
            if seed < args.nuts_seeds:  # NUTS is slow on the item-level problem: fewer draws there
                n = 500 if dname.startswith("aggregate") else 300
                runs["nuts"] = dict(method="nuts", num_samples=n, warmup=n)
            for cname, kw in runs.items():
                f = BayesFitter(num_steps=1500, random_state=seed, **kw).fit(table)
                row = {"data": dname, "seed": seed, "method": cname, **evaluate(f, th, de, al)}
                rows.append(row)
                print(json.dumps(row), flush=True)
    df = pd.DataFrame(rows)
    pooled = (df.assign(hits=df.coverage_all * df.n_params)
              .groupby(["data", "method"]).agg(hits=("hits", "sum"), n=("n_params", "sum"), fits=("seed", "size"),
                                                 seconds=("seconds", "median")))
    pooled["coverage"] = pooled.hits / pooled.n
    print(pooled.to_string())

    # Speed: the same aggregate problem three ways.
    table, *_ = simulate_scores(100, 20, 0.3, 0)
    t0 = time.perf_counter()
    Fitter(loss="binomial", ridge=1e-3).fit(table)
    t_map = time.perf_counter() - t0
    t_svi = BayesFitter(num_steps=1500).fit(table).seconds_
    t_nuts = BayesFitter(method="nuts", num_samples=500, warmup=500).fit(table).seconds_
    # Minibatching: seconds per SVI step on a larger item-level problem (30% missing).
    big, _ = simulate_responses(500, 1000, "2pl", missing=0.3, random_state=0)
    steps = {}
    for label, bs in (("full", None), ("batch_20000", 20_000)):
        f = BayesFitter(num_steps=50, num_samples=5, batch_size=bs).fit(big)
        steps[label] = f.seconds_ / 50  # includes setup and drawing 5 posterior samples
    speed = {"aggregate_100x20": {"map_seconds": t_map, "svi_seconds": t_svi, "nuts_seconds": t_nuts,
                                  "nuts_over_svi": t_nuts / t_svi, "svi_over_map": t_svi / t_map},
             "items_500x1000_obs": int(big.n_obs),
             "seconds_per_step_incl_draws": steps, "full_over_batch": steps["full"] / steps["batch_20000"]}
    print(json.dumps(speed, indent=1))
    out = {"machine": platform.platform(), "processor": platform.processor(), "rows": rows,
           "pooled": pooled.reset_index().to_dict(orient="records"), "speed": speed}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
