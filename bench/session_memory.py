"""Memory per session: N bare WebSocket clients, each with a session waiting in input().

    bench/.venv/bin/python bench/session_memory.py [--coroutine 1000] [--thread 300] [--hold 10000]

For each server (ours, PyWebIO 1.8.4) and session kind, starts the server in its own process,
reads its RSS, opens N WebSocket clients (in this process, asyncio) that each wait until their
session shows its input form, reads the RSS again, and reports the growth per session. Then holds
--hold coroutine sessions on our server alone and checks every client got its form.
Target: ours <= 1/3 of PyWebIO's per-session growth. Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import resource
import sys
import time

from _common import BENCH_PY, ROOT, free_port, machine, process, rss_kb, update_results


async def open_sessions(port: int, n: int, concurrency: int = 200, compression: str | None = "deflate"):
    from websockets.asyncio.client import connect
    sockets, failures = [], 0
    sem = asyncio.Semaphore(concurrency)

    async def one():
        nonlocal failures
        async with sem:
            try:
                ws = await connect(f"ws://127.0.0.1:{port}/?app=index&session=NEW", compression=compression,
                                   max_size=None, ping_interval=None, open_timeout=120)
                while True:
                    message = await asyncio.wait_for(ws.recv(), 120)
                    if "input_group" in message:
                        break
                sockets.append(ws)
            except Exception as e:  # counted and reported
                failures += 1
                if failures <= 3:
                    print("  session failed:", repr(e), flush=True)

    await asyncio.gather(*(one() for _ in range(n)))
    return sockets, failures


async def close_all(sockets):
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


def measure(kind: str, mode: str, n: int, compression: str | None = "deflate") -> dict:
    port = free_port()
    python = sys.executable if kind == "ours" else BENCH_PY
    with process([python, str(ROOT / "bench" / "apps" / "input_app.py"), kind, str(port), mode], port=port) as proc:
        # One session first, so imports and first-use caches are not counted per session.
        async def warm():
            socks, _ = await open_sessions(port, 5, compression=compression)
            await close_all(socks)
        asyncio.run(warm())
        time.sleep(1.0)
        before = rss_kb(proc.pid)

        async def go():
            t0 = time.perf_counter()
            socks, failures = await open_sessions(port, n, compression=compression)
            elapsed = time.perf_counter() - t0
            await asyncio.sleep(1.0)
            after = rss_kb(proc.pid)
            await close_all(socks)
            return after, failures, elapsed, len(socks)
        after, failures, elapsed, opened = asyncio.run(go())
    per = (after - before) / max(opened, 1)
    print(f"{kind:8s} {mode:9s} {'deflate' if compression else 'plain':7s} {opened:>6} sessions ({failures} failed) in {elapsed:6.1f} s: "
          f"RSS {before / 1024:7.1f} -> {after / 1024:7.1f} MiB, {per:6.1f} KiB/session", flush=True)
    return {"per": per, "before": before, "after": after, "failures": failures, "opened": opened}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--coroutine", type=int, default=1000)
    p.add_argument("--thread", type=int, default=300)
    p.add_argument("--hold", type=int, default=10000)
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    res = {}
    for compression in ("deflate", None):
        for mode, n in (("coroutine", args.coroutine), ("thread", args.thread)):
            for kind in ("ours", "pywebio"):
                res[(kind, mode, compression)] = measure(kind, mode, n, compression)
    held = measure("ours", "coroutine", args.hold) if args.hold else None

    rows = []
    for compression, label in (("deflate", "offered (as browsers do)"), (None, "not offered")):
        for mode, n in (("coroutine", args.coroutine), ("thread", args.thread)):
            o, t = res[("ours", mode, compression)], res[("pywebio", mode, compression)]
            ratio = o["per"] / t["per"]
            target = f"≤ 0.33 ({'met' if ratio <= 1 / 3 else 'MISSED'})" if compression else ""
            rows.append(f"| {mode} | {label} | {n:,} | {o['per']:.1f} KiB | {t['per']:.1f} KiB | **{ratio:.2f}** | "
                        f"{target} |")
    lines = [
        "## Memory per session (issue 4)",
        "",
        f"`bench/.venv/bin/python bench/session_memory.py --coroutine {args.coroutine} --thread {args.thread} "
        f"--hold {args.hold}` — {datetime.date.today()}, {machine()}. Server RSS growth divided by the "
        "number of sessions, each session opened by a bare WebSocket client (the `websockets` library) and "
        "waiting in input(). PyWebIO 1.8.4 measured in the same run. Browsers always offer permessage-deflate, "
        "and so does the `websockets` client by default: that is the condition the targets refer to (PyWebIO "
        "measured ~174 KB per coroutine session, ~203 KB per thread session); the rows without compression "
        "show the sessions alone.",
        "",
        "| sessions | compression | count | pywebio_lite | PyWebIO 1.8.4 | ours / PyWebIO | target |",
        "|---|---|---:|---:|---:|---:|---|",
        *rows,
    ]
    if held:
        lines += ["", f"- {held['opened']:,} coroutine sessions (compression offered) held on one pywebio_lite "
                      f"server, {held['failures']} failed; server RSS {held['after'] / 1024:.0f} MiB "
                      f"({held['per']:.1f} KiB per session)."]
    table = "\n".join(lines)
    if not args.no_write:
        update_results("session_memory", table)
    print(table)


if __name__ == "__main__":
    main()
