"""Start-up time of the command line: `irt-elo --help` (and each `irt-elo COMMAND --help`) against the bare
interpreter importing argparse, measured side by side in the same run.

Target: every `--help` within 3x of `python -c "import argparse"`. Runs alternate between the baseline and the
command (so drift on a busy machine hits both), each a fresh process; the median of `--repeat` runs is reported.
Both run with byte-code caching on, as for any installed package (PYTHONDONTWRITEBYTECODE is dropped for the runs:
without it every start would recompile the package's modules, which no installed copy does).

Run:  python benchmarks/bench_help.py [--repeat 21]   (writes benchmarks/results/help.json; exit 1 above target)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 3.0
COMMANDS = ([], ["fit"], ["gap"], ["compare"], ["diagnose"], ["plot"], ["plot", "gap"])


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_time(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--out", default=str(Path(__file__).with_name("results") / "help.json"))
    args = ap.parse_args()

    script = shutil.which("irt-elo", path=str(Path(sys.executable).parent)) or shutil.which("irt-elo")
    entry = [script] if script else [sys.executable, "-m", "irt_elo"]
    baseline_cmd = [sys.executable, "-c", "import argparse"]
    for sub in COMMANDS:  # warm the file cache and write the byte-code of every module --help loads
        run_time([*entry, *sub, "--help"])
    run_time(baseline_cmd)
    rows = []
    for sub in COMMANDS:
        cmd = [*entry, *sub, "--help"]
        base, cli = [], []
        for _ in range(args.repeat):
            base.append(run_time(baseline_cmd))
            cli.append(run_time(cmd))
        b, c = statistics.median(base), statistics.median(cli)
        rows.append({"command": " ".join(["irt-elo", *sub, "--help"]), "baseline_s": round(b, 4),
                     "command_s": round(c, 4), "ratio": round(c / b, 2)})
        print(f"{rows[-1]['command']:<32} {c * 1000:6.1f} ms   baseline {b * 1000:5.1f} ms   ratio {c / b:4.2f}")
    worst = max(r["ratio"] for r in rows)
    result = {"benchmark": "help", "baseline": "python -c 'import argparse'", "target_ratio": TARGET,
              "repeat": args.repeat, "python": platform.python_version(), "worst_ratio": worst, "rows": rows}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"worst ratio {worst:.2f} (target <= {TARGET:g})")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
