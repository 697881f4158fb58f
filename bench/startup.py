"""Start-up cost: importing the public modules, ours vs PyWebIO 1.8.4, in the same run.

    bench/.venv/bin/python bench/startup.py [--repeat 15] [--no-write]

Each sample is a fresh interpreter (`python -c ...`, bytecode already cached) that reads its own
VmRSS, imports the package and its public modules (`input`, `output`, `session`, `pin`,
`platform`), and reports the import's wall time (perf_counter) and its RSS growth over the bare
interpreter. The two packages' samples are interleaved, so both see the same machine load.
Medians. Targets (issue 8): ours <= 0.2 of PyWebIO's import time and <= 0.25 of its RSS growth.
Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime
import json
import statistics
import subprocess
import sys

from _common import BENCH_PY, ROOT, machine, update_results

PROBE = """
import time
def rss():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
before = rss()
t0 = time.perf_counter()
import {pkg}, {pkg}.input, {pkg}.output, {pkg}.session, {pkg}.pin, {pkg}.platform
elapsed = time.perf_counter() - t0
import json
print(json.dumps({{"time": elapsed, "rss": rss() - before}}))
"""


def sample(python: str, pkg: str) -> dict:
    out = subprocess.run([python, "-c", PROBE.format(pkg=pkg)], check=True, capture_output=True, text=True,
                         cwd=ROOT / "bench", env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    kinds = {"ours": (sys.executable, "pywebio_lite"), "PyWebIO 1.8.4": (BENCH_PY, "pywebio")}
    for python, pkg in kinds.values():  # warm the bytecode caches
        sample(python, pkg)
    samples = {k: [] for k in kinds}
    for _ in range(args.repeat):
        for kind, (python, pkg) in kinds.items():
            samples[kind].append(sample(python, pkg))
    med = {k: {m: statistics.median(s[m] for s in v) for m in ("time", "rss")} for k, v in samples.items()}
    ours, theirs = med["ours"], med["PyWebIO 1.8.4"]
    t_ratio, r_ratio = ours["time"] / theirs["time"], ours["rss"] / theirs["rss"]
    for kind, m in med.items():
        print(f"{kind:14s} import {m['time'] * 1000:7.1f} ms   RSS growth {m['rss'] / 2**20:6.2f} MiB")
    table = "\n".join([
        "## Start-up: importing the public modules (issue 8)",
        "",
        f"`bench/.venv/bin/python bench/startup.py --repeat {args.repeat}` — {datetime.date.today()}, {machine()}. "
        "A fresh interpreter per sample imports the package plus `.input`, `.output`, `.session`, `.pin`, "
        "`.platform`; wall time of the import and VmRSS growth over the bare interpreter; samples of both "
        "packages interleaved; medians. The machine is shared with other jobs, so single figures are noisy.",
        "",
        "| | import time | RSS growth |",
        "|---|---:|---:|",
        f"| ours | {ours['time'] * 1000:.1f} ms | {ours['rss'] / 2**20:.2f} MiB |",
        f"| PyWebIO 1.8.4 | {theirs['time'] * 1000:.1f} ms | {theirs['rss'] / 2**20:.2f} MiB |",
        f"| ours / PyWebIO | **{t_ratio:.2f}** | **{r_ratio:.2f}** |",
        "",
        f"- Import time: {t_ratio:.2f} of PyWebIO's (target ≤ 0.2: {'met' if t_ratio <= 0.2 else 'MISSED'}).",
        f"- RSS growth: {r_ratio:.2f} of PyWebIO's (target ≤ 0.25: {'met' if r_ratio <= 0.25 else 'MISSED'}).",
    ])
    if not args.no_write:
        update_results("startup", table)
    print(table)


if __name__ == "__main__":
    main()
