"""Memory of sessions waiting for their page to come back (reconnect), and of their replay buffers,
against connected ones.

    bench/.venv/bin/python bench/waiting_memory.py [--coroutine 1000] [--thread 300] [--payload 4096]

The server (bench/apps/hardening_app.py, reconnect window 600 s) runs in its own process; the
clients (our sans-I/O WebSocket client, pywebio_lite.testing_ws) in this one. For each session
kind: N clients each answer a form and get the echo and the next form (connected; every frame so
far acknowledged), then each answers with a --payload-byte text (its echo stays unacknowledged:
the replay buffer now holds it), then every connection is dropped without a close frame (the
sessions wait for their pages). Server RSS after each step, per session. Finally every client
resumes its session and must get its form back. Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import sys

from _common import ROOT, free_port, machine, process, rss_kb, update_results
from _wsclient import Client


async def measure(kind: str, n: int, payload: int) -> dict:
    port = free_port()
    app = [sys.executable, str(ROOT / "bench" / "apps" / "hardening_app.py"), str(port), kind]
    with process(app, port=port, env={"PWL_RECONNECT_TIMEOUT": "600"}) as proc:
        sem = asyncio.Semaphore(100)
        base = rss_kb(proc.pid)
        clients: list[Client] = [None] * n
        forms: list[dict] = [None] * n
        acked = [0] * n

        async def connected(i):
            async with sem:
                c = clients[i] = await Client.connect(port, local_ip=f"127.0.0.{2 + i % 10}")
                form = await c.next_command("input_group")
                c.submit(form, f"hi{i}")
                await c.next_command("output")
                forms[i] = await c.next_command("input_group")
                c.send_events([])  # acknowledge everything so far

        await asyncio.gather(*(connected(i) for i in range(n)))
        await asyncio.sleep(2)
        rss_connected = rss_kb(proc.pid)

        async def big(i):
            async with sem:
                c = clients[i]
                acked[i] = c.last_seq  # what this answer acknowledges
                c.submit(forms[i], "x" * payload)
                await c.next_command("output")
                forms[i] = await c.next_command("input_group")  # not acknowledged: kept for a replay

        await asyncio.gather(*(big(i) for i in range(n)))
        await asyncio.sleep(2)
        rss_replay = rss_kb(proc.pid)
        tokens = [c.token for c in clients]
        for c in clients:
            c.abort()
        await asyncio.sleep(3)  # the server notices every drop; the sessions now wait
        rss_waiting = rss_kb(proc.pid)
        resumed = 0

        async def resume(i):
            nonlocal resumed
            async with sem:
                c = await Client.connect(port, session=tokens[i], ack=acked[i], local_ip=f"127.0.0.{2 + i % 10}")
                await c.next_command("input_group")  # the unacknowledged frames come again: echo, form
                resumed += 1
                await c.close()

        await asyncio.gather(*(resume(i) for i in range(n)))
    kib = lambda a, b: (b - a) / n  # noqa: E731  (kB per session)
    return {"n": n, "connected": kib(base, rss_connected), "replay": kib(rss_connected, rss_replay),
            "waiting": kib(rss_replay, rss_waiting), "resumed": resumed}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--coroutine", type=int, default=1000)
    p.add_argument("--thread", type=int, default=300)
    p.add_argument("--payload", type=int, default=4096)
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    load = os.getloadavg()
    rows = []
    for kind, n in (("coroutine", args.coroutine), ("thread", args.thread)):
        r = asyncio.run(measure(kind, n, args.payload))
        print(f"{kind}: {r}", flush=True)
        rows.append(f"| {kind} | {n:,} | {r['connected']:.1f} KiB | {r['replay']:+.1f} KiB | "
                    f"{r['waiting']:+.1f} KiB | {r['resumed']:,} of {n:,} |")
    if args.no_write:
        return
    table = "\n".join([
        "## Sessions waiting for their page: memory (issue 11)",
        "",
        f"`bench/.venv/bin/python bench/waiting_memory.py --coroutine {args.coroutine} --thread {args.thread} "
        f"--payload {args.payload}` — {datetime.date.today()}, {machine()}. Server RSS per session: connected "
        f"(a form answered, everything acknowledged), then with a {args.payload:,}-byte echo unacknowledged in "
        "the replay buffer, then after every connection dropped without a close frame (the sessions wait, "
        "reconnect window 600 s). Then every session is resumed. Load average before the run: "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}.",
        "",
        "| sessions | count | connected | + replay buffer | dropped, waiting (vs connected) | resumed |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "A waiting session costs what a connected one does, less its socket: its replay buffer holds only "
        "what was sent and not acknowledged (at most 1 MiB, `adaptor.REPLAY_CHARS`), and a page acknowledges "
        "as it applies frames.",
    ])
    update_results("waiting_memory", table)


if __name__ == "__main__":
    main()
