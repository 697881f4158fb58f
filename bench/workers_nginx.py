"""Several workers behind nginx: N concurrent sessions, each answering an input, through nginx in
front of 1 and of 2 pywebio_lite worker processes (platform/workers.py's sticky routing).

    bench/.venv/bin/python bench/workers_nginx.py [--sessions 1000] [--workers 1,2]

Each client (bench/_wsclient.py: our sans-I/O protocol in client mode, in this process) opens a
session through nginx, waits for its form, answers it and waits for the echo; every session
stays open until all have answered, so N sessions are live at once. An error is any exception, a
refused or closed socket or a wrong echo. Reported: errors, the rate of new sessions (sessions
opened / seconds until the last one showed its form) and the answer round trip. Needs Debian's
nginx. Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, free_port, machine, process, update_results
from _wsclient import Client, percentiles

sys.path.insert(0, str(ROOT / "e2e"))
from nginx_run import Nginx  # noqa: E402
from pywebio_lite.platform.workers import nginx_config  # noqa: E402


@contextlib.contextmanager
def farm(workers: int):
    """`workers` worker processes and nginx in front of them; yields nginx's port."""
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        ports = {}
        for i in range(workers):
            port = free_port()
            stack.enter_context(process([sys.executable, str(ROOT / "bench" / "apps" / "worker_app.py"), str(port)],
                                        port=port, env={"PYWEBIO_LITE_WORKER": f"w{i}"}))
            ports[f"w{i}"] = port
        runner = Nginx(Path(tmp))
        stack.callback(runner.stop)
        sock = runner.listener()
        front = sock.getsockname()[1]
        runner.start(nginx_config(ports, listen=f"127.0.0.1:{front}"), sock)
        yield front


async def run(front: int, sessions: int) -> dict:
    errors: list[str] = []
    opened: list[float] = []
    round_trips: list[float] = []
    all_answered = asyncio.Event()
    answered = 0
    handshakes = asyncio.Semaphore(128)  # like a crowd arriving, not one SYN flood
    t0 = time.perf_counter()

    async def one(i: int) -> None:
        nonlocal answered
        client = None
        try:
            async with handshakes:
                client = await Client.connect(front)
                form = await client.next_command("input_group")
            opened.append(time.perf_counter() - t0)
            start = time.perf_counter()
            client.submit(form, f"a{i}")
            out = await client.next_command("output")
            round_trips.append(time.perf_counter() - start)
            if out["spec"].get("content") != f"echo a{i}":
                errors.append(f"wrong echo {out['spec'].get('content')!r}")
        except Exception as exc:  # noqa: BLE001  (every failure counts)
            errors.append(repr(exc))
        finally:
            answered += 1
            if answered == sessions:
                all_answered.set()
            await all_answered.wait()  # stay live until everyone has answered
            if client is not None:
                await client.close()

    await asyncio.gather(*(one(i) for i in range(sessions)))
    last_open = max(opened) if opened else float("nan")
    return {"errors": errors, "opened": len(opened), "rate": len(opened) / last_open,
            "rt": percentiles(round_trips)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=1000)
    p.add_argument("--workers", default="1,2")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    load = os.getloadavg()
    rows, results = [], {}
    for n in (int(x) for x in args.workers.split(",")):
        with farm(n) as front:
            r = results[n] = asyncio.run(run(front, args.sessions))
        print(f"{n} worker(s): {r['opened']}/{args.sessions} sessions, {len(r['errors'])} errors, "
              f"{r['rate']:.0f} new sessions/s, answer p50 {r['rt']['p50']:.1f} ms p99 {r['rt']['p99']:.1f} ms",
              flush=True)
        for e in sorted(set(r["errors"]))[:5]:
            print("   ", e)
        rows.append(f"| {n} | {args.sessions:,} | {r['opened']:,} | {len(r['errors'])} | {r['rate']:.0f} | "
                    f"{r['rt']['p50']:.1f} ms | {r['rt']['p99']:.1f} ms |")
    if args.no_write:
        return
    base = min(results)
    ratios = ", ".join(f"{n} workers: {results[n]['rate'] / results[base]['rate']:.2f}×"
                       for n in sorted(results) if n != base)
    table = "\n".join([
        "## Several workers behind nginx (issue 11)",
        "",
        f"`bench/.venv/bin/python bench/workers_nginx.py --sessions {args.sessions} --workers {args.workers}` — "
        f"{datetime.date.today()}, {machine()}, Debian's nginx on loopback in front of the workers "
        "(`platform.workers.nginx_config`: sticky routing on the session token), the clients in the benchmark's "
        "process (our sans-I/O WebSocket client), all on the same 2 cores. Every session stays open until all "
        f"have answered. Load average before the run: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}.",
        "",
        "| workers | sessions | answered | errors | new sessions / s | answer p50 | answer p99 |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"New-session rate against {base} worker: {ratios or '—'}. The clients, nginx and the workers share the "
        "machine's 2 cores, so a second worker process can add at most the second core's share.",
    ])
    update_results("workers_nginx", table)


if __name__ == "__main__":
    main()
