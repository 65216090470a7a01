"""Item-level IRT: speed and parameter recovery of irt-elo's fitters against girth 0.8.0 and py-irt 0.7.1.

Every fitter gets the same simulated binary responses (irt_elo.simulate_responses, seed 0: theta and difficulty
~ N(0, 1), slope ~ LogNormal(0, 0.5)) and is scored against the simulation's truth:

  r_a        correlation of fitted and true slopes (2PL)
  RMSE_P     root mean squared difference of fitted and true P(correct) over every model x item cell (no linking:
             predictions do not depend on the arbitrary latent scale)
  RMSE_th    RMSE of capabilities after an affine least-squares link to the true scale (a 2PL's latent scale is
             arbitrary; 2 parameters over all models), and unlinked ("raw") for reference
  oracle     r_a of per-item logistic regressions given the TRUE capabilities: the best any method can do here

Scenarios:
  2pl-500x200           irt-elo MML and joint MAP vs girth twopl_mml / twopl_jml and py-irt "2pl" (defaults)
  1pl-500x200           irt-elo 1PL vs girth onepl_mml / onepl_jml and py-irt "1pl"
  2pl-2000x1000-30%     irt-elo only (the issue's RMSE_P <= 0.025 target)
  2pl-1000x10000-50%    irt-elo only, in a fresh process: wall time, peak memory (tracemalloc peak of the fit and
                        the process's max RSS), RMSE_th (targets: <= 10 s, <= 2 GB, RMSE_th <= 0.035)

girth and py-irt are not dependencies of irt-elo: they run in a separate virtual environment (default
/work/main/.venv-compare, or --compare-python), in a subprocess that reads the same data from a temporary .npz and
times only the fit (imports and data conversion excluded). girth's MML/JML return item parameters only; its
capabilities come from girth.ability_eap with those items, timed separately ("items" vs "total" seconds).
Each external tool runs once (they take tens of seconds); irt-elo's fits are the median of --repeat runs.

Run:  python benchmarks/bench_items.py [--repeat 5] [--skip-external]   (writes benchmarks/results/items.json)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.special import expit

from irt_elo import ItemFitter, simulate_responses
from irt_elo.cli._common import write_json
from irt_elo.data.responses import oracle_slopes

REPO = Path(__file__).resolve().parents[1]
DEFAULT_COMPARE_PYTHON = REPO / ".venv-compare" / "bin" / "python"


# --------------------------------------------------------------------------------------------------------------------
# Recovery metrics against the simulation's truth


def recovery(theta: np.ndarray, difficulty: np.ndarray, slope: np.ndarray, truth: dict) -> dict:
    th, b, a = (truth[k].to_numpy() for k in ("theta", "difficulty", "slope"))
    p_true = expit(a[None, :] * (th[:, None] - b[None, :]))
    p_hat = expit(slope[None, :] * (theta[:, None] - difficulty[None, :]))
    k, m = np.polyfit(theta, th, 1)
    out = {
        "rmse_p": float(np.sqrt(((p_hat - p_true) ** 2).mean())),
        "rmse_theta": float(np.sqrt(((k * theta + m - th) ** 2).mean())),
        "rmse_theta_raw": float(np.sqrt(((theta - th) ** 2).mean())),
        "r_theta": float(np.corrcoef(theta, th)[0, 1]),
        "r_b": float(np.corrcoef(difficulty, b)[0, 1]),
    }
    out["r_a"] = float(np.corrcoef(slope, a)[0, 1]) if np.std(a) > 0 and np.std(slope) > 0 else None
    return out


def oracle_r_a(table, truth: dict) -> float:
    """Slope correlation of per-item logistic regressions that know every true capability."""
    a = oracle_slopes(table, truth["theta"])
    return float(np.corrcoef(a, truth["slope"].loc[a.index])[0, 1])

def run_ours(table, truth, model: str, method: str, repeat: int) -> dict:
    f = ItemFitter(model=model, method=method).fit(table)  # warm-up (imports, caches)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f = ItemFitter(model=model, method=method).fit(table)
        times.append(time.perf_counter() - t0)
    row = {"tool": f"irt-elo {method.upper()}", "seconds": statistics.median(times), "seconds_min": min(times),
           "iterations": int(f.n_iter_), "converged": bool(f.converged_)}
    row.update(recovery(f.theta_.to_numpy(), f.delta_.to_numpy(), f.alpha_.to_numpy(), truth))
    return row


# --------------------------------------------------------------------------------------------------------------------
# girth / py-irt, in their own environment

WORKER = r'''
import json, sys, time, warnings
import numpy as np
warnings.filterwarnings("ignore")
tool, model, path = sys.argv[1], sys.argv[2], sys.argv[3]
Y = np.load(path)["Y"]  # models x items, NaN = missing
out = {}
if tool.startswith("girth"):
    import girth
    data = np.where(np.isnan(Y), girth.INVALID_RESPONSE, Y).astype(int).T  # items x participants
    fn = {("girth-mml", "2pl"): girth.twopl_mml, ("girth-jml", "2pl"): girth.twopl_jml,
          ("girth-mml", "1pl"): girth.onepl_mml, ("girth-jml", "1pl"): girth.onepl_jml}[(tool, model)]
    t0 = time.perf_counter()
    res = fn(data)
    t1 = time.perf_counter()
    a = np.broadcast_to(np.asarray(res["Discrimination"], float), (data.shape[0],)).copy()
    b = np.asarray(res["Difficulty"], float).ravel()
    theta = girth.ability_eap(data, b, a)
    t2 = time.perf_counter()
    out = {"seconds_items": t1 - t0, "seconds": t2 - t0, "theta": theta.tolist(), "b": b.tolist(),
           "a": a.tolist(), "version": getattr(girth, "__version__", "0.8.0")}
else:
    import pandas as pd, torch, pyro
    from importlib.metadata import version
    from py_irt.config import IrtConfig
    from py_irt.dataset import Dataset
    from py_irt.training import IrtModelTrainer
    df = pd.DataFrame(Y, columns=[f"i{j}" for j in range(Y.shape[1])])
    df.insert(0, "subject", [f"m{i}" for i in range(Y.shape[0])])
    ds = Dataset.from_pandas(df, subject_column="subject", item_columns=list(df.columns[1:]))
    config = IrtConfig(model_type=model, seed=0)
    trainer = IrtModelTrainer(data_path=None, config=config, dataset=ds, verbose=False)
    t0 = time.perf_counter()
    trainer.train(device="cpu")
    t1 = time.perf_counter()
    p = trainer.last_params
    subj = {int(k): v for k, v in p["subject_ids"].items()}
    items = {int(k): v for k, v in p["item_ids"].items()}
    theta = np.empty(Y.shape[0]); b = np.empty(Y.shape[1]); a = np.ones(Y.shape[1])
    for ix, name in subj.items():
        theta[int(name[1:])] = p["ability"][ix]
    for ix, name in items.items():
        b[int(name[1:])] = p["diff"][ix]
        if "disc" in p:
            a[int(name[1:])] = p["disc"][ix]
    out = {"seconds_items": t1 - t0, "seconds": t1 - t0, "theta": theta.tolist(), "b": b.tolist(),
           "a": a.tolist(), "version": version("py-irt"), "epochs": config.epochs, "priors": "vague (default)",
           "torch": torch.__version__}
print("RESULT" + json.dumps(out))
'''


def run_external(python: Path, tool: str, model: str, npz: Path, truth: dict, timeout: float) -> dict:
    label = {"girth-mml": "girth MML", "girth-jml": "girth JML", "py-irt": "py-irt SVI"}[tool]
    try:
        proc = subprocess.run([str(python), "-c", WORKER, tool, model, str(npz)], capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"tool": label, "error": f"timed out after {timeout:.0f} s"}
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")), None)
    if proc.returncode != 0 or line is None:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"tool": label, "error": f"exit {proc.returncode}: {tail}"}
    res = json.loads(line[len("RESULT"):])
    row = {"tool": label, "seconds": res["seconds"], "seconds_items": res["seconds_items"],
           "version": res.get("version")}
    for k in ("epochs", "priors", "torch"):
        if k in res:
            row[k] = res[k]
    row.update(recovery(np.asarray(res["theta"]), np.asarray(res["b"]), np.asarray(res["a"]), truth))
    return row


def external_available(python: Path) -> dict[str, str | None]:
    """Which comparison packages import in the comparison environment (None = available, else the reason)."""
    status: dict[str, str | None] = {}
    for tool, module in (("girth", "girth"), ("py-irt", "py_irt.training")):
        if not python.exists():
            status[tool] = f"no comparison environment at {python}"
            continue
        r = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True, text=True, check=False)
        status[tool] = None if r.returncode == 0 else (r.stderr.strip().splitlines() or ["import failed"])[-1]
    return status


# --------------------------------------------------------------------------------------------------------------------
# The large design, in a fresh process so that memory figures are its own

BIG_WORKER = r'''
import gc, json, resource, sys, time, tracemalloc
import numpy as np
from irt_elo import ItemFitter, simulate_responses
sys.path.insert(0, sys.argv[1])
from bench_items import recovery
method = sys.argv[2]
table, truth = simulate_responses(1000, 10_000, missing=0.5, random_state=0)
gc.collect()
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
times = []
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter()
    f = ItemFitter(method=method).fit(table)
    times.append(time.perf_counter() - t0)
rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
tracemalloc.start()
ItemFitter(method=method).fit(table)
traced_peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
tracemalloc.stop()
row = {"tool": f"irt-elo {method.upper()}", "seconds": float(np.median(times)), "seconds_min": min(times),
       "iterations": int(f.n_iter_), "converged": bool(f.converged_), "n_responses": table.n_obs,
       "fit_peak_mib": traced_peak, "process_max_rss_mib": rss_after, "rss_before_fit_mib": rss_before,
       "mean_theta_se": float(np.sqrt((f.theta_se_ ** 2).mean()))}
row.update(recovery(f.theta_.to_numpy(), f.delta_.to_numpy(), f.alpha_.to_numpy(), truth))
print("RESULT" + json.dumps(row))
'''


def run_big(method: str, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", BIG_WORKER, str(Path(__file__).parent), method, str(repeat)],
                          capture_output=True, text=True, check=False)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")), None)
    if line is None:
        return {"tool": f"irt-elo {method.upper()}", "error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(line[len("RESULT"):])


# --------------------------------------------------------------------------------------------------------------------


def fmt(v: object, spec: str) -> str:
    return format(v, spec) if isinstance(v, (int, float)) and v is not None else "-"


def print_rows(title: str, rows: list[dict], ours: dict[str, float]) -> None:
    print(f"\n{title}")
    print(f"{'tool':16s} {'seconds':>9s} {'x MML':>8s} {'x JMAP':>8s} {'r_a':>7s} {'RMSE_P':>8s} {'RMSE_th':>8s} "
          f"{'raw':>7s} {'r_b':>7s}")
    for r in rows:
        if "error" in r:
            print(f"{r['tool']:16s} not run: {r['error']}")
            continue
        print(f"{r['tool']:16s} {r['seconds']:9.3f} {r['seconds'] / ours['MML']:8.1f} "
              f"{r['seconds'] / ours['JMAP']:8.1f} {fmt(r.get('r_a'), '7.4f')} {r['rmse_p']:8.4f} "
              f"{r['rmse_theta']:8.4f} {r['rmse_theta_raw']:7.3f} {r['r_b']:7.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each irt-elo fit (median reported)")
    ap.add_argument("--big-repeat", type=int, default=3, help="timed runs on the 1000 x 10,000 design")
    ap.add_argument("--compare-python", default=str(DEFAULT_COMPARE_PYTHON),
                    help="python of the environment holding girth and py-irt")
    ap.add_argument("--skip-external", action="store_true", help="do not run girth / py-irt")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds allowed to each external fit")
    ap.add_argument("--out", default=str(Path(__file__).with_name("results") / "items.json"))
    args = ap.parse_args()
    python = Path(args.compare_python)
    available = ({"girth": "skipped (--skip-external)", "py-irt": "skipped (--skip-external)"} if args.skip_external
                 else external_available(python))
    for tool, why in available.items():
        if why:
            print(f"note: {tool} not run: {why}")

    results: dict[str, object] = {
        "benchmark": "item_level_irt", "machine": platform.platform(), "processor_count": os.cpu_count(),
        "python": sys.version.split()[0], "repeat": args.repeat, "external": available, "scenarios": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, model in (("2pl-500x200", "2pl"), ("1pl-500x200", "1pl")):
            table, truth = simulate_responses(500, 200, model=model, random_state=0)
            rows = [run_ours(table, truth, model, m, args.repeat) for m in ("mml", "jmap")]
            ours = {"MML": rows[0]["seconds"], "JMAP": rows[1]["seconds"]}
            npz = Path(tmp) / f"{name}.npz"
            np.savez(npz, Y=table.to_wide().to_numpy())
            for tool in ("girth-mml", "girth-jml", "py-irt"):
                why = available["girth" if tool.startswith("girth") else "py-irt"]
                rows.append({"tool": tool, "error": why} if why else
                            run_external(python, tool, model, npz, truth, args.timeout))
            scen = {"n_models": 500, "n_items": 200, "missing": 0.0, "model": model, "rows": rows}
            if model == "2pl":
                scen["oracle_r_a"] = oracle_r_a(table, truth)
            ratios = {}
            for r in rows:
                if "error" not in r and not r["tool"].startswith("irt-elo"):
                    ratios[r["tool"]] = {"over_irt_elo_mml": r["seconds"] / ours["MML"],
                                         "over_irt_elo_jmap": r["seconds"] / ours["JMAP"]}
            scen["speed_ratios"] = ratios
            results["scenarios"][name] = scen  # type: ignore[index]
            print_rows(f"{name}: 500 models x 200 items, complete; seconds = median of {args.repeat} (ours), one run "
                       "(external); 'x MML' = seconds / irt-elo MML seconds", rows, ours)
            if "oracle_r_a" in scen:
                print(f"{'oracle (true theta)':16s} {'':9s} {'':8s} {'':8s} {scen['oracle_r_a']:7.4f}")

    table, truth = simulate_responses(2000, 1000, missing=0.3, random_state=0)
    rows = [run_ours(table, truth, "2pl", m, max(1, args.repeat // 2)) for m in ("mml", "jmap")]
    results["scenarios"]["2pl-2000x1000-30%missing"] = {  # type: ignore[index]
        "n_models": 2000, "n_items": 1000, "missing": 0.3, "model": "2pl", "rows": rows, "target_rmse_p": 0.025}
    print_rows("2pl-2000x1000-30%missing (target RMSE_P <= 0.025)", rows,
               {"MML": rows[0]["seconds"], "JMAP": rows[1]["seconds"]})

    rows = [run_big(m, args.big_repeat) for m in ("mml", "jmap")]
    results["scenarios"]["2pl-1000x10000-50%missing"] = {  # type: ignore[index]
        "n_models": 1000, "n_items": 10000, "missing": 0.5, "model": "2pl", "rows": rows,
        "targets": {"seconds": 10.0, "memory_gib": 2.0, "rmse_theta": 0.035}}
    print("\n2pl-1000x10000-50%missing (targets: <= 10 s, <= 2 GB, RMSE_th <= 0.035), fresh process each")
    print(f"{'tool':16s} {'seconds':>9s} {'iters':>6s} {'fit peak MiB':>13s} {'max RSS MiB':>12s} {'RMSE_th':>8s} "
          f"{'raw':>7s} {'mean SE':>8s} {'RMSE_P':>8s} {'r_a':>7s}")
    for r in rows:
        if "error" in r:
            print(f"{r['tool']:16s} failed: {r['error']}")
            continue
        print(f"{r['tool']:16s} {r['seconds']:9.2f} {r['iterations']:6d} {r['fit_peak_mib']:13.0f} "
              f"{r['process_max_rss_mib']:12.0f} {r['rmse_theta']:8.4f} {r['rmse_theta_raw']:7.3f} "
              f"{r['mean_theta_se']:8.4f} {r['rmse_p']:8.4f} {r['r_a']:7.4f}")
    write_json(results, args.out)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
