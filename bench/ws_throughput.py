"""WebSocket echo throughput: our server vs the `websockets` library, same client, same run.

    bench/.venv/bin/python bench/ws_throughput.py [--n 20000] [--big-n 100] [--repeat 3]

Starts bench/ws_echo.py (our Server and protocol code) and a `websockets` echo server (from the
benchmark venv; never a dependency of the package), measures both with
/work/shared/tools/ws_bench_client.py (ping-pong and pipelined 50-byte text, 1 MiB binary, medians),
and writes the ratios ours/websockets into bench/RESULTS.md. Compression is off on both sides.
Targets: pipelined >= 1.0, ping-pong >= 1.0, 1 MiB binary >= 0.6.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

from _common import BENCH_PY, ROOT, free_port, machine, process, update_results

CLIENT = os.environ.get("WS_BENCH_CLIENT", "/work/shared/tools/ws_bench_client.py")

WEBSOCKETS_ECHO = """
import asyncio, sys
from websockets.asyncio.server import serve
async def echo(ws):
    async for message in ws:
        await ws.send(message)
async def main():
    async with serve(echo, "127.0.0.1", int(sys.argv[1]), compression=None, max_size=None, ping_interval=None):
        await asyncio.Future()
asyncio.run(main())
"""


def measure(url: str, args) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    cmd = [BENCH_PY, CLIENT, "--url", url, "--n", str(args.n), "--big-n", str(args.big_n),
           "--repeat", str(args.repeat), "--json", out]
    subprocess.run(cmd, check=True)
    with open(out) as f:
        return json.load(f)["results"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--big-n", type=int, default=100)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = p.parse_args()

    load_before = os.getloadavg()
    results = {}
    port = free_port()
    print("== pywebio_lite (bench/ws_echo.py)", flush=True)
    with process([sys.executable, str(ROOT / "bench" / "ws_echo.py"), "--host", "127.0.0.1", "--port", str(port),
                  "--no-deflate"], port=port):
        results["ours"] = measure(f"ws://127.0.0.1:{port}", args)
    port = free_port()
    print("== websockets", flush=True)
    with process([BENCH_PY, "-c", WEBSOCKETS_ECHO, str(port)], port=port):
        results["websockets"] = measure(f"ws://127.0.0.1:{port}", args)

    version = subprocess.run([BENCH_PY, "-c", "import websockets; print(websockets.__version__)"],
                             capture_output=True, text=True).stdout.strip()
    rows = []
    targets = {"pingpong": 1.0, "pipelined": 1.0, "big": 0.6}
    names = {"pingpong": f"ping-pong, {args.n} x 50 B text", "pipelined": f"pipelined, {args.n} x 50 B text",
             "big": f"{args.big_n} x 1 MiB binary"}
    for key in ("pingpong", "pipelined", "big"):
        ours, theirs = results["ours"][key], results["websockets"][key]
        unit, field = ("MB/s", "MB_per_s") if key == "big" else ("msg/s", "msgs_per_s")
        ratio = ours[field] / theirs[field]
        verdict = "met" if ratio >= targets[key] else "MISSED"
        rows.append(f"| {names[key]} | {ours[field]:,.0f} {unit} | {theirs[field]:,.0f} {unit} | "
                    f"**{ratio:.2f}** | ≥ {targets[key]} ({verdict}) |")
        print(f"{key:10s} ours {ours[field]:>12,.1f} {unit}  websockets {theirs[field]:>12,.1f} {unit}  "
              f"ratio {ratio:.2f}", flush=True)
    table = "\n".join([
        "## WebSocket echo throughput (issue 2)",
        "",
        f"`bench/.venv/bin/python bench/ws_throughput.py --n {args.n} --big-n {args.big_n} --repeat {args.repeat}`"
        f" — {datetime.date.today()}, {machine()}, websockets {version}, compression off on both, "
        "client and servers sharing the machine. Medians of the repeats. Load average (1/5/15 min) "
        f"before the run: {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}.",
        "",
        "| test | pywebio_lite | websockets | ours / websockets | target |",
        "|---|---:|---:|---:|---|",
        *rows,
    ])
    if not args.no_write:
        update_results("ws_throughput", table)
    print(table)


if __name__ == "__main__":
    main()
