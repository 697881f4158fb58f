"""Soak: open and close N sessions in turn on one server process, then check nothing was left.

    .venv/bin/python bench/soak.py [--sessions 20000] [--concurrency 50] [--kinds thread,coroutine]

The server (bench/apps/hardening_app.py, default settings) runs in its own process. Each session
connects, waits for its form, answers it, gets its echo and the next form, and closes (half of
them with a close frame, half by dropping the TCP connection). Before: the server's RSS, threads,
fds and asyncio tasks after a warm-up of 1,000 sessions; after: the same once every session has
gone. Targets: RSS after <= 10 MB above the start, 0 threads / tasks / fds left.
Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import json
import os
import sys
import time

from _common import ROOT, free_port, machine, process, rss_kb, update_results
from _wsclient import Client, fds_of, threads_of


async def server_tasks(port: int) -> int:
    client = await Client.connect(port, "stats")
    out = await client.next_command("output")
    await client.close()
    return json.loads(out["spec"]["content"])["tasks"]


WINDOW = 0.0  # the server's reconnect_timeout for this run (--reconnect-timeout)


async def settle(proc, port: int, baseline: dict | None = None, window: float = 0) -> dict:
    """Wait until the sessions are gone: the server's threads and tasks back where they started
    (dropped sessions first wait out their reconnect window)."""
    for _ in range(int((window + 10) * 10)):
        await asyncio.sleep(0.1)
        if baseline is not None and threads_of(proc.pid) <= baseline["threads"] \
                and await server_tasks(port) <= baseline["tasks"]:
            break
    await asyncio.sleep(1.0)
    return {"rss": rss_kb(proc.pid), "threads": threads_of(proc.pid), "fds": fds_of(proc.pid),
            "tasks": await server_tasks(port)}


async def run_kind(kind: str, sessions: int, concurrency: int) -> dict:
    port = free_port()
    os.environ["PWL_RECONNECT_TIMEOUT"] = str(WINDOW)
    with process([sys.executable, str(ROOT / "bench" / "apps" / "hardening_app.py"), str(port), kind],
                 port=port) as proc:
        errors: list[str] = []
        sem = asyncio.Semaphore(concurrency)

        async def one(i: int):
            async with sem:
                try:
                    client = await Client.connect(port, local_ip=f"127.0.0.{2 + i % 10}")
                    form = await client.next_command("input_group")
                    client.submit(form, f"v{i}")
                    out = await client.next_command("output")
                    await client.next_command("input_group")
                    if out["spec"].get("content") != f"echo v{i}":
                        errors.append("wrong echo")
                    if i % 2:
                        await client.close()
                    else:
                        client.writer.transport.abort()  # the browser vanished
                except Exception as exc:  # counted and reported
                    errors.append(repr(exc))

        for start in range(0, 1000, 200):  # warm-up: imports, caches, the allocator's pools
            await asyncio.gather(*(one(i) for i in range(start, start + 200)))
        before = await settle(proc, port)
        t0 = time.perf_counter()
        batch = 1000
        for start in range(0, sessions, batch):
            await asyncio.gather(*(one(i) for i in range(start, min(start + batch, sessions))))
            gc.collect()
        elapsed = time.perf_counter() - t0
        after = await settle(proc, port, before, WINDOW)
        return {"kind": kind, "sessions": sessions, "elapsed": elapsed, "errors": errors,
                "before": before, "after": after}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--kinds", default="thread,coroutine")
    ap.add_argument("--reconnect-timeout", type=float, default=0,
                    help="the server's reconnect window (default 0: a dropped connection ends its "
                         "session at once, so 'after' measures leaks, not the peak of waiting sessions)")
    args = ap.parse_args()
    global WINDOW
    WINDOW = args.reconnect_timeout
    rows = []
    for kind in args.kinds.split(","):
        r = asyncio.run(run_kind(kind, args.sessions, args.concurrency))
        b, a = r["before"], r["after"]
        r["rss_growth_mb"] = (a["rss"] - b["rss"]) / 1000
        print(f"{kind}: {r['sessions']} sessions in {r['elapsed']:.0f} s, errors {len(r['errors'])}; "
              f"RSS {b['rss'] / 1024:.1f} -> {a['rss'] / 1024:.1f} MiB ({r['rss_growth_mb']:+.1f} MB), "
              f"threads {b['threads']} -> {a['threads']}, fds {b['fds']} -> {a['fds']}, "
              f"tasks {b['tasks']} -> {a['tasks']}", flush=True)
        for e in r["errors"][:5]:
            print("   error:", e)
        rows.append(r)
    table = "\n".join(
        f"| {r['kind']} | {r['sessions']:,} in {r['elapsed']:.0f} s | {len(r['errors'])} | "
        f"{r['before']['rss'] / 1024:.1f} → {r['after']['rss'] / 1024:.1f} MiB (**{r['rss_growth_mb']:+.1f} MB**) | "
        f"{r['before']['threads']} → {r['after']['threads']} | {r['before']['tasks']} → {r['after']['tasks']} | "
        f"{r['before']['fds']} → {r['after']['fds']} |" for r in rows)
    update_results("soak", f"""
## Soak: {args.sessions:,} sessions opened and closed in turn (`bench/soak.py`)

{datetime.date.today()}, {machine()}, shared with other jobs.
`.venv/bin/python bench/soak.py --sessions {args.sessions} --concurrency {args.concurrency} --reconnect-timeout {args.reconnect_timeout:g}`: each
session gets its form, answers it, gets the echo and the next form, and goes (half with a close
frame, half by dropping the connection), {args.concurrency} at a time. "Before" is after a warm-up
of 1,000 sessions (imports, caches and the allocator's pools settle); "after" once all have gone. Threads, fds and tasks are the server process's
(asyncio tasks: the server's own 3 included). Target: RSS ≤ 10 MB above the start, nothing left.

| kind | sessions | errors | server RSS | threads | asyncio tasks | fds |
|---|---|---|---|---|---|---|
{table}
""")


if __name__ == "__main__":
    main()
