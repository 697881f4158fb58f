"""Reconnect: forced drops during a live session, in Chromium. Nothing may be lost, duplicated or
out of order, and the page must be live again fast.

    bench/.venv/bin/python bench/reconnect.py [--drops 100]

The app (bench/apps/reconnect_app.py) streams a numbered line every 5 ms from a thread and asks
one question after another. The page reaches it through `pywebio_lite.testing_proxy.FlakyProxy`.
For each drop the benchmark answers the question on screen (the answer is sent, then the cut
comes at once, so some answers travel during the drop), waits until new lines flow, cuts every
connection (RST, no close frame), and measures the time until the page is live again: a new
socket of the page has received frames and a line newer than every line drawn at the cut is
drawn (the page noticed, reconnected with backoff starting at once, and replayed what was missing
both ways). At the end the lines must be exactly 0..N in order, the answers exactly the ones
given, each once, in order. Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time

from _common import ROOT, free_port, machine, process, update_results
from output_throughput import LAUNCH
from pywebio_lite.testing_proxy import FlakyProxy

# Counts the page's sockets and the messages the newest one got (the page's own code is untouched).
SOCKETS = """(() => {
  const Native = window.WebSocket;
  window.__sockets = 0; window.__newestGot = 0;
  window.WebSocket = function (...args) {
    const ws = new Native(...args), n = ++window.__sockets;
    window.__newestGot = 0;
    ws.addEventListener('message', () => { if (n === window.__sockets) window.__newestGot++; });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
})();"""
LAST_LINE = """() => { const el = document.querySelector('#pywebio-scope-lines').lastElementChild;
                       return el ? +el.textContent.slice(2) : -1; }"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--drops", type=int, default=100)
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    load = os.getloadavg()
    from playwright.sync_api import sync_playwright
    port = free_port()
    live_again: list[float] = []
    given: list[str] = []
    with process([sys.executable, str(ROOT / "bench" / "apps" / "reconnect_app.py"), str(port)], port=port), \
            FlakyProxy(("127.0.0.1", port)) as proxy, sync_playwright() as pw:
        browser = pw.chromium.launch(**LAUNCH)
        page = browser.new_page()
        page.add_init_script(SOCKETS)
        page.goto(f"http://127.0.0.1:{proxy.port}/")
        for k in range(args.drops):
            box = page.get_by_label(f"q {k}", exact=True)
            box.fill(f"x{k}")
            box.press("Enter")
            given.append(f"x{k}")
            if k % 2:  # every other answer leaves just before the cut, and may travel during the drop
                page.wait_for_function(f"() => document.body.textContent.includes('a {k} x{k}')", polling="raf")
            before = page.evaluate(LAST_LINE)
            page.wait_for_function(f"() => ({LAST_LINE})() > {before}", polling="raf")  # lines flow
            sockets = page.evaluate("window.__sockets")
            proxy.cut()
            t_cut = time.perf_counter()
            seen = page.evaluate(LAST_LINE)
            # live again: a newer socket got frames, and a line newer than any drawn at the cut is drawn
            page.wait_for_function(f"() => window.__sockets > {sockets} && window.__newestGot > 0 "
                                   f"&& ({LAST_LINE})() > {seen}", polling="raf", timeout=0)
            live_again.append(time.perf_counter() - t_cut)
            print(f"{k + 1:3d} live again after {live_again[-1] * 1000:6.0f} ms", flush=True)
        box = page.get_by_label(f"q {args.drops}", exact=True)
        box.fill("stop")
        box.press("Enter")
        page.get_by_text("stopped").wait_for()
        lines = page.locator("#pywebio-scope-lines p").all_inner_texts()
        answers = page.locator("#pywebio-scope-answers p").all_inner_texts()
        browser.close()
    numbers = [int(t[2:]) for t in lines]
    expected_answers = [f"a {j} {x}" for j, x in enumerate(given)] + ["stopped"]
    lost = len(set(range(max(numbers) + 1)) - set(numbers))
    duplicated = len(numbers) - len(set(numbers))
    out_of_order = sum(1 for a, b in zip(numbers, numbers[1:]) if b <= a)
    answers_ok = answers == expected_answers
    med = statistics.median(live_again)
    p90 = sorted(live_again)[int(0.9 * len(live_again))]
    print(f"{len(numbers)} lines: {lost} lost, {duplicated} duplicated, {out_of_order} out of order; "
          f"answers {'exact' if answers_ok else 'WRONG'}; live again median {med * 1000:.0f} ms, "
          f"p90 {p90 * 1000:.0f} ms, max {max(live_again) * 1000:.0f} ms")
    if args.no_write:
        return
    table = "\n".join([
        "## Reconnect: forced drops during a live session (issue 11)",
        "",
        f"`bench/.venv/bin/python bench/reconnect.py --drops {args.drops}` — {datetime.date.today()}, {machine()}, "
        "headless Chromium through `FlakyProxy` (each drop resets every connection: no close frame), the app "
        "streaming a numbered line every 5 ms from a thread while asking question after question; half of the "
        "answers are sent just before the cut. Load average before the run: "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}.",
        "",
        "| drops | lines | lost | duplicated | out of order | answers | drop → live again, median | p90 | max |",
        "|---:|---:|---:|---:|---:|---|---:|---:|---:|",
        f"| {args.drops} | {len(numbers):,} | {lost} | {duplicated} | {out_of_order} | "
        f"{'all {} exactly once, in order'.format(len(given)) if answers_ok else 'WRONG'} | "
        f"{med * 1000:.0f} ms | {p90 * 1000:.0f} ms | {max(live_again) * 1000:.0f} ms |",
        "",
        f"Target: 0 lost, 0 duplicated, 0 out of order, median ≤ 1 s: "
        f"{'met' if not (lost or duplicated or out_of_order) and answers_ok and med <= 1 else 'MISSED'}.",
    ])
    update_results("reconnect", table)


if __name__ == "__main__":
    main()
