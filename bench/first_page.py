"""The first page of an app: responses and bytes, ours vs PyWebIO 1.8.4, in the same run.

    bench/.venv/bin/python bench/first_page.py [--no-write]

Each server runs its own process (bench/apps/first_page_app.py: a line of text, highlighted code
and a text input; PyWebIO with cdn=False, so both serve every file themselves). Headless Chromium
opens the page with an empty cache and waits until the input is on screen; the Resource Timing
entries of the page and everything it loaded give the number of responses, the decoded body
bytes and the bytes transferred. Target (issue 8): <= 100 KB decoded, <= 12 responses.
Writes bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime
import sys

from _common import BENCH_PY, ROOT, free_port, machine, process, update_results
from output_throughput import LAUNCH

ENTRIES = """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .map(e => [new URL(e.name).pathname, e.transferSize, e.decodedBodySize])"""


def measure(browser, kind: str) -> list:
    port = free_port()
    python = sys.executable if kind == "ours" else BENCH_PY
    with process([python, str(ROOT / "bench" / "apps" / "first_page_app.py"), kind, str(port)], port=port):
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator("input").first.wait_for()  # (PyWebIO's label is not tied to its input)
        page.wait_for_load_state("networkidle")
        entries = page.evaluate(ENTRIES)
        context.close()
    return entries


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**LAUNCH)
        results = {kind: measure(browser, kind) for kind in ("ours", "pywebio")}
        browser.close()
    sums = {k: (len(v), sum(e[2] for e in v), sum(e[1] for e in v)) for k, v in results.items()}
    for kind, entries in results.items():
        print(f"{kind}: {sums[kind][0]} responses, {sums[kind][1]:,} bytes decoded, {sums[kind][2]:,} transferred")
        for path, transferred, decoded in entries:
            print(f"   {transferred:8,} {decoded:8,}  {path}")
    o, t = sums["ours"], sums["pywebio"]
    files = ", ".join(f"`{path.rsplit('/', 1)[-1] or '/'}` {decoded / 1024:.1f} KB" for path, _, decoded in results["ours"])
    table = "\n".join([
        "## The first page of an app (issue 8)",
        "",
        f"`bench/.venv/bin/python bench/first_page.py` — {datetime.date.today()}, {machine()}, headless Chromium, "
        "empty cache. The app puts a line of text and highlighted code and asks for a text input (so the "
        "lazily loaded forms and highlighter are in); PyWebIO 1.8.4 with cdn=False. Resource Timing of the "
        "page and everything it loaded until the input is on screen and the network is idle.",
        "",
        "| | responses | decoded bytes | transferred |",
        "|---|---:|---:|---:|",
        f"| ours | {o[0]} | {o[1] / 1024:.1f} KB | {o[2] / 1024:.1f} KB |",
        f"| PyWebIO 1.8.4 | {t[0]} | {t[1] / 1024:.1f} KB | {t[2] / 1024:.1f} KB |",
        f"| ours / PyWebIO | {o[0] / t[0]:.2f} | {o[1] / t[1]:.2f} | {o[2] / t[2]:.2f} |",
        "",
        f"- Ours: {files}.",
        f"- Decoded: {o[1] / 1024:.1f} KB (target ≤ 100 KB: {'met' if o[1] <= 100 * 1024 else 'MISSED'}); "
        f"responses: {o[0]} (target ≤ 12: {'met' if o[0] <= 12 else 'MISSED'}). Before this work the same "
        "page took 41 responses and 141 KB decoded (e2e/test_budget.py's figure).",
    ])
    if not args.no_write:
        update_results("first_page", table)
    print(table)


if __name__ == "__main__":
    main()
