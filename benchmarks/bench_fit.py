"""Speed of the ECI fit: analytic-derivative Newton solver vs finite-difference least squares, same problem, same run.

Baselines (all minimise exactly the same penalised least-squares objective from the same seeded start):
  fd-dense   scipy.optimize.least_squares(method="trf") with its default 2-point finite-difference Jacobian —
             what Epoch's reference code (eci-public fitting.py) does;
  fd-sparse  the same with `jac_sparsity`, scipy's grouped finite differences (a stronger FD baseline);
  trf-analytic  scipy's trf with our sparse analytic Jacobian (LSMR sub-problems);
  irt-elo    irt_elo.fit.solve: bounded Levenberg-Marquardt with analytic derivatives, each step solved by
             eliminating the (diagonal) capability block of the normal equations.

Run:  python benchmarks/bench_fit.py [--repeat 5]   (writes benchmarks/results/fit.json)
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import least_squares
from threadpoolctl import threadpool_limits

from irt_elo import Fitter
from irt_elo.core import model as M
from irt_elo.core.solve import solve
from irt_elo.data.datasets import load_epoch_eci, load_epoch_eci_scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", default=str(Path(__file__).with_name("results") / "fit.json"))
    args = ap.parse_args()

    fitter = Fitter.from_preset("eci")
    table = fitter.prepare(load_epoch_eci())
    prob = fitter.problem(table)
    x0 = fitter.initial_params(prob.layout)
    d, y, lam = prob.design, prob.y, prob.ridge
    lo, hi = prob.lower, prob.upper
    res = lambda x: M.ls_residuals(x, d, y, None, lam, "l2")  # noqa: E731
    pattern = (M.ls_jacobian(x0, d, y, None, lam, "l2") != 0).astype(int)
    pub = load_epoch_eci_scores().set_index("model")["capability"]

    methods = {
        "fd-dense": lambda: least_squares(res, x0, bounds=(lo, hi), method="trf").x,
        "fd-sparse": lambda: least_squares(res, x0, bounds=(lo, hi), method="trf", jac_sparsity=sparse.csr_matrix(pattern),
                                           tr_options={"atol": 1e-12, "btol": 1e-12}).x,
        "trf-analytic": lambda: least_squares(res, x0, jac=lambda x: M.ls_jacobian(x, d, y, None, lam, "l2"),
                                              bounds=(lo, hi), method="trf", tr_solver="lsmr",
                                              tr_options={"atol": 1e-12, "btol": 1e-12}).x,
        "irt-elo": lambda: solve(prob, x0).x,
    }
    rows = []
    # Every method runs with one BLAS thread (irt-elo's solver always does): on a shared 2-core machine a threaded
    # SVD in scipy's dense trf can be 10x slower, which would flatter the ratio.
    limiter = threadpool_limits(limits=1, user_api="blas")
    for name, run in methods.items():
        times, x = [], None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            x = run()
            times.append(time.perf_counter() - t0)
        theta, _, _ = fitter.identify(x, prob.layout, table)
        caps = pd.Series(theta, index=table.model_names)
        eci = fitter._scale_spec().calibrate(caps).capability(caps)
        diff = np.abs(eci - pub.loc[caps.index])
        rows.append({"method": name, "median_s": statistics.median(times), "min_s": min(times),
                     "objective": M.ls_value(x, d, y, None, lam, "l2"),
                     "max_abs_diff_vs_published": float(diff.max()),
                     "frontier_max_abs_diff": float(diff[pub.loc[caps.index] >= 130].max())})
    limiter.restore_original_limits()
    base = next(r for r in rows if r["method"] == "fd-dense")["median_s"]
    ours = next(r for r in rows if r["method"] == "irt-elo")["median_s"]
    for r in rows:
        r["speedup_of_irt_elo"] = r["median_s"] / ours
    print(f"ECI fit, {table.n_models} models x {table.n_benchmarks} benchmarks, {table.n_obs} scores, "
          f"{prob.layout.n_params} parameters; median of {args.repeat} runs")
    print(f"{'method':14s} {'median s':>9s} {'irt-elo x':>10s} {'objective':>14s} {'max|dECI|':>10s} {'frontier':>9s}")
    for r in rows:
        print(f"{r['method']:14s} {r['median_s']:9.3f} {r['speedup_of_irt_elo']:10.1f} {r['objective']:14.9f} "
              f"{r['max_abs_diff_vs_published']:10.4f} {r['frontier_max_abs_diff']:9.4f}")
    print(f"irt-elo is {base / ours:.1f}x faster than the finite-difference fit (target >= 10x)")
    out = {"benchmark": "eci_fit", "repeat": args.repeat, "machine": platform.platform(),
           "processor_count": __import__("os").cpu_count(), "rows": rows, "ratio_vs_fd_dense": base / ours}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
