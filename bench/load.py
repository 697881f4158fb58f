"""Load: N concurrent sessions on one server process, each answering input() after input() and
receiving the echoed output, for D seconds; thread sessions and coroutine sessions.

    .venv/bin/python bench/load.py [--sessions 2000] [--duration 60] [--think 2.0] [--kinds thread,coroutine]

The server (bench/apps/hardening_app.py, default settings) runs in its own process; the clients
(bench/_wsclient.py, asyncio, our sans-I/O protocol in client mode) run in this one, spread over
--sources loopback addresses (127.0.0.2...) so the default per-address connection cap (256) holds.
Each client waits a random think time (mean --think s), answers, and measures the time until its
echo and the next form arrived (the round trip, including the client's own scheduling). An
error is any exception, a closed socket or a wrong echo. Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import random
import sys
import time

from _common import ROOT, free_port, machine, process, raise_priority, rss_kb, update_results
from _wsclient import Client, cpu_seconds, fds_of, percentiles, threads_of


async def run_kind(kind: str, sessions: int, duration: float, think: float, sources: int) -> dict:
    port = free_port()
    with process([sys.executable, str(ROOT / "bench" / "apps" / "hardening_app.py"), str(port), kind],
                 port=port) as proc:
        errors: list[str] = []
        latencies: list[float] = []
        opened = 0
        sem = asyncio.Semaphore(100)
        stop_at = [0.0]

        async def session(i: int):
            nonlocal opened
            try:
                async with sem:
                    client = await Client.connect(port, local_ip=f"127.0.0.{2 + i % sources}")
                    form = await client.next_command("input_group")
                    opened += 1
                while not stop_at[0]:
                    await asyncio.sleep(0.05)
                n = 0
                while time.perf_counter() < stop_at[0]:
                    await asyncio.sleep(random.uniform(0, 2 * think))
                    n += 1
                    value = f"s{i}-{n}"
                    t0 = time.perf_counter()
                    client.submit(form, value)
                    out = await client.next_command("output")
                    form = await client.next_command("input_group")
                    latencies.append(time.perf_counter() - t0)
                    if out["spec"].get("content") != f"echo {value}":
                        errors.append(f"wrong echo {out['spec'].get('content')!r}")
                await client.close()
            except Exception as exc:  # counted and reported
                errors.append(repr(exc))

        t0 = time.perf_counter()
        tasks = [asyncio.ensure_future(session(i)) for i in range(sessions)]
        while opened + len(errors) < sessions:
            await asyncio.sleep(0.1)
        open_time = time.perf_counter() - t0
        rss_open = rss_kb(proc.pid)
        threads_open = threads_of(proc.pid)
        fds_open = fds_of(proc.pid)
        stop_at[0] = time.perf_counter() + duration
        cpu0 = cpu_seconds(proc.pid)
        await asyncio.gather(*tasks)
        cpu = cpu_seconds(proc.pid) - cpu0
        return {"kind": kind, "sessions": opened, "open_s": open_time, "errors": errors,
                "round_trips": len(latencies), "rate": len(latencies) / duration,
                "lat": percentiles(latencies), "rss_mib": rss_open / 1024,
                "threads": threads_open, "fds": fds_open,
                "cpu_ms": 1000 * cpu / max(len(latencies), 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=2000)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--think", type=float, default=2.0)
    ap.add_argument("--sources", type=int, default=10)
    ap.add_argument("--kinds", default="thread,coroutine")
    args = ap.parse_args()
    raised = raise_priority()
    rows = []
    for kind in args.kinds.split(","):
        r = asyncio.run(run_kind(kind, args.sessions, args.duration, args.think, args.sources))
        lat = r["lat"]
        print(f"{kind}: {r['sessions']} sessions (opened in {r['open_s']:.1f} s), {r['round_trips']} round trips "
              f"({r['rate']:.0f}/s), errors {len(r['errors'])}, p50 {lat['p50']:.1f} ms p90 {lat['p90']:.1f} "
              f"p99 {lat['p99']:.1f} max {lat['max']:.1f}; server {r['rss_mib']:.0f} MiB, "
              f"{r['threads']} threads, {r['fds']} fds, {r['cpu_ms']:.2f} ms server CPU per round trip", flush=True)
        for e in r["errors"][:5]:
            print("   error:", e)
        rows.append(r)
    table = "\n".join(
        f"| {r['kind']} | {r['sessions']} | {r['round_trips']:,} ({r['rate']:.0f}/s) | {len(r['errors'])} | "
        f"{r['lat']['p50']:.1f} | {r['lat']['p90']:.1f} | {r['lat']['p99']:.1f} | {r['lat']['max']:.0f} | "
        f"{r['cpu_ms']:.2f} | {r['rss_mib']:.0f} MiB, {r['threads']} threads |" for r in rows)
    update_results("load", f"""
## Load: {args.sessions:,} concurrent sessions on one process (`bench/load.py`)

{datetime.date.today()}, {machine()}, shared with other jobs (noisy).
`.venv/bin/python bench/load.py --sessions {args.sessions} --duration {args.duration:g} --think {args.think:g}`:
each session answers input() after input() (a random think time, mean {args.think:g} s) and gets
its echo (put_text) and the next form back; latency is that round trip, measured by a client in
another process on the same 2 cores. Server on default settings; clients spread over
{args.sources} loopback addresses (the per-address cap is 256). Server and clients at nice -10{"" if raised else " (not applied: not root)"}
(other jobs share the machine, see `raise_priority` in bench/_common.py).

| kind | sessions | round trips in {args.duration:g} s | errors | p50 ms | p90 ms | p99 ms | max ms | server CPU ms / round trip | server while open |
|---|---|---|---|---|---|---|---|---|---|
{table}
""")


if __name__ == "__main__":
    main()
