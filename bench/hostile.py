"""Hostile clients while others work: for each attack, a well-behaved session on the same server
keeps answering; its round-trip latency is measured while the attack runs.

    .venv/bin/python bench/hostile.py [--duration 10] [--kind thread] [--attacks all|name,name]

The server (bench/apps/hardening_app.py, default settings) runs in its own process, each
attacker in another (this script with --attack NAME), the well-behaved client in this one: it
answers input() after input() every 50 ms and measures the time until its echo and next form
arrive. Target: p99 <= 100 ms during every attack. Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import subprocess
import sys
import time

from _common import ROOT, free_port, lowest_priority, machine, process, raise_priority, rss_kb, update_results
from _wsclient import Client, Closed, cpu_seconds, percentiles

RAISED = False  # set by main(): the server and this client run at nice -10

ATTACKS = {
    "none": "no attack (baseline)",
    "slow_requests": "200 slow-loris heads + 200 slow bodies (POST, Content-Length 1 MB, 1 byte/s)",
    "connection_flood": "2,000 connections from one address, held open, refused ones retried",
    "click_flood": "frames of 1,000 clicks for a 1 s onclick (thread session), back to back",
    "bogus_events": "frames of 1,000 events for unknown ids, back to back",
    "big_text": "1 MiB text messages (the default limit), and 2 MiB ones (refused, 1009)",
    "deep_json": "1 MiB frames of JSON nested 500,000 deep, back to back",
    "wide_json": "1 MiB frames of 300,000 empty arrays (costly to decode), back to back",
    "bad_chunks": "binary upload chunks with nested/garbage headers, back to back",
}


# The attacker shares this machine's cores with the server; on the internet it would use its own.
# It runs at the lowest priority (nice 19), the server and the measuring client at a raised one
# (raise_priority, see _common.py), so the figures show what the attack costs the *server*, not how the
# kernel shares 2 cores between the attacker, the server and other jobs.


# -- attackers (run in their own process) ------------------------------------------------------

async def attack(name: str, port: int) -> None:
    if name == "slow_requests":
        await slow_requests(port)
    elif name == "connection_flood":
        await connection_flood(port)
    else:
        await ws_flood(name, port)


async def slow_requests(port: int) -> None:
    async def one(i: int, body: bool):
        while True:
            try:
                reader, writer = await asyncio.open_connection(
                    "127.0.0.1", port, local_addr=(f"127.0.0.{100 + i % 50}", 0))
                if body:
                    writer.write(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n")
                else:
                    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")
                while True:
                    await asyncio.sleep(1.0)
                    writer.write(b"x")
                    await writer.drain()
                    if reader.at_eof():
                        break
            except (OSError, ConnectionError):
                await asyncio.sleep(0.1)

    await asyncio.gather(*(one(i, i % 2 == 0) for i in range(400)))


async def connection_flood(port: int) -> None:
    held = []

    async def one():
        while True:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port,
                                                               local_addr=("127.0.0.200", 0))
                held.append(writer)
                await reader.read(1)  # refused ones are answered and closed: try again
                writer.close()
                held.remove(writer)
            except (OSError, ConnectionError):
                await asyncio.sleep(0.05)

    await asyncio.gather(*(one() for _ in range(2000)))


async def ws_flood(name: str, port: int) -> None:
    while True:
        try:
            app = "clicky" if name == "click_flood" else "index"
            client = await Client.connect(port, app, local_ip="127.0.0.201")
            if name == "click_flood":
                buttons = await client.next_command("output")
                target = buttons["spec"]["callback_id"]
            else:
                target = "cb-does-not-exist"
            big = 0
            while True:
                if name in ("click_flood", "bogus_events"):
                    client.send_text(json.dumps({"events": [
                        {"event": "callback", "task_id": target, "data": 0}] * 1000}))
                elif name == "big_text":
                    big += 1
                    size = (2 << 20) if big % 10 == 0 else (1 << 20) - 200
                    client.send_text('{"events":[{"event":"callback","task_id":"x","data":"'
                                     + "x" * size + '"}]}')
                elif name == "deep_json":
                    client.send_text("[" * 500_000 + "]" * 500_000)
                elif name == "wide_json":
                    client.send_text("[" + ",".join(["[]"] * 300_000) + "]")
                elif name == "bad_chunks":
                    head = b'{"target":' + b"[" * 400 + b"]" * 400 + b"}"
                    client.send_binary(len(head).to_bytes(4, "big") + head + b"\0" * 1000)
                    client.send_binary(b"\xff\xff\xff\xff garbage")
                await client.drain()
                if client.reader.at_eof():
                    break
        except (OSError, ConnectionError, Closed):
            await asyncio.sleep(0.05)


# -- the well-behaved session ------------------------------------------------------------------

async def measure(port: int, duration: float) -> dict:
    client = await Client.connect(port)
    form = await client.next_command("input_group")
    latencies, lags, errors = [], [], 0
    end = time.perf_counter() + duration
    n = 0
    while time.perf_counter() < end:
        t_sleep = time.perf_counter()
        await asyncio.sleep(0.05)
        lags.append(time.perf_counter() - t_sleep - 0.05)  # this process's own scheduling delay
        n += 1
        t0 = time.perf_counter()
        client.submit(form, f"v{n}")
        out = await client.next_command("output")
        form = await client.next_command("input_group")
        latencies.append(time.perf_counter() - t0)
        errors += out["spec"].get("content") != f"echo v{n}"
    await client.close()
    return {"lat": percentiles(latencies), "errors": errors, "lag": percentiles(lags)}


def run(name: str, kind: str, duration: float) -> dict:
    port = free_port()
    app = [sys.executable, str(ROOT / "bench" / "apps" / "hardening_app.py"), str(port), kind]
    with process(app, port=port) as server:
        attacker = None
        if name != "none":
            attacker = subprocess.Popen([sys.executable, __file__, "--attack", name, "--port", str(port)],
                                        preexec_fn=lowest_priority, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(2.0)  # let the attack get going
            cpu0 = cpu_seconds(server.pid)
            result = asyncio.run(measure(port, duration))
            result["server_cpu"] = (cpu_seconds(server.pid) - cpu0) / duration
            result["rss_mib"] = rss_kb(server.pid) / 1024
            result["alive"] = server.poll() is None
        finally:
            if attacker is not None:
                attacker.kill()
                attacker.wait()
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--kind", default="thread")
    ap.add_argument("--attacks", default="all")
    ap.add_argument("--attack")
    ap.add_argument("--port", type=int)
    args = ap.parse_args()
    if args.attack:
        asyncio.run(attack(args.attack, args.port))
        return
    global RAISED
    RAISED = raise_priority()
    names = list(ATTACKS) if args.attacks == "all" else ["none"] + args.attacks.split(",")
    rows = []
    for name in names:
        r = run(name, args.kind, args.duration)
        lat = r["lat"]
        print(f"{name}: {lat['n']} round trips, errors {r['errors']}, p50 {lat['p50']:.1f} ms, "
              f"p99 {lat['p99']:.1f} ms, max {lat['max']:.1f} ms (client's own timer lag p99 "
              f"{r['lag']['p99']:.1f} ms); server CPU {100 * r['server_cpu']:.0f}%, "
              f"RSS {r['rss_mib']:.0f} MiB", flush=True)
        rows.append((name, r))
    table = "\n".join(
        f"| {ATTACKS[name]} | {r['lat']['n']} | {r['errors']} | {r['lat']['p50']:.1f} | "
        f"**{r['lat']['p99']:.1f}** | {r['lat']['max']:.0f} | {r['lag']['p99']:.0f} | {100 * r['server_cpu']:.0f}% | "
        f"{r['rss_mib']:.0f} MiB |"
        for name, r in rows)
    update_results("hostile", f"""
## Hostile clients while a session works (`bench/hostile.py`)

{datetime.date.today()}, {machine()}, shared with other jobs (noisy: the attacker, the server and
the measuring client share 2 cores with other work).
`.venv/bin/python bench/hostile.py --duration {args.duration:g} --kind {args.kind}`: a well-behaved
{args.kind} session answers input() after input() every 50 ms while one attacker process runs;
the round trip is its answer → echo + next form. Server on default settings. Target: p99 ≤ 100 ms.
The attacker runs at nice 19, the server and the measuring client at nice -10{"" if RAISED else " (not applied: not root)"}: on one
2-core machine this stands in for an attacker on its own machine (see the comment in hostile.py).
"Client's own timer lag" is how late the measuring client's own 50 ms sleep woke up: the share
of each latency that is this machine's scheduling, not the server.

| attack | round trips | errors | p50 ms | p99 ms | max ms | client's own timer lag p99 ms | server CPU | server RSS |
|---|---|---|---|---|---|---|---|---|
{table}
""")


if __name__ == "__main__":
    main()
