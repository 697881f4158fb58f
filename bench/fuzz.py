"""Long fuzzing run: every property of tests/test_fuzz.py with 100,000 examples (hypothesis).

    .venv/bin/python bench/fuzz.py                        # 100,000 examples per property
    .venv/bin/python bench/fuzz.py 20000                  # fewer, for a quick look
    .venv/bin/python bench/fuzz.py 100000 http,websocket  # only properties whose name has one of these
    .venv/bin/python bench/fuzz.py 100000 "" 20:30        # stop starting new batches at 20:30 UTC

Runs in the package's own venv (hypothesis is in the test extra). The properties take turns in
batches of 10,000 examples (each batch a fresh random run), so that when a time limit is given
(for a shared, loaded machine) every property has had its share when it stops. A property that
fails stops at its first failure, after hypothesis has shrunk it (the shrunk input is printed).
At the end it prints a Markdown table for bench/RESULTS.md and docs/security.md: examples run,
uncaught exceptions, CPU time.
"""
from __future__ import annotations

import datetime
import os
import sys
import time
import traceback
from pathlib import Path

from hypothesis import settings

HERE = Path(__file__).resolve().parent
BATCH = int(os.environ.get("PYWEBIO_FUZZ_BATCH", "10000"))  # examples per turn


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    only = (sys.argv[2] if len(sys.argv) > 2 else "").split(",")
    stop_at = None
    if len(sys.argv) > 3:
        hour, minute = map(int, sys.argv[3].split(":"))
        now = datetime.datetime.now(datetime.timezone.utc)
        stop_at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    sys.path.insert(0, str(HERE.parent / "tests"))
    import test_fuzz

    props = {name: fn for name, fn in vars(test_fuzz).items()
             if name.startswith("test_") and callable(fn) and hasattr(fn, "hypothesis")
             and any(part in name for part in only)}
    base = {name: fn._hypothesis_internal_use_settings for name, fn in props.items()}
    done = {name: 0 for name in props}
    failed: dict[str, str] = {}
    cpu = {name: 0.0 for name in props}
    started = time.perf_counter()
    stopped_early = False
    def out_of_time() -> bool:
        return stop_at is not None and datetime.datetime.now(datetime.timezone.utc) >= stop_at

    while any(done[n] < examples and n not in failed for n in props) and not stopped_early:
        for name, fn in props.items():
            if done[name] >= examples or name in failed:
                continue
            if out_of_time():
                stopped_early = True
                break
            batch = min(BATCH, examples - done[name])
            count = [0]
            inner = fn.hypothesis.inner_test

            def counted(*args, _inner=inner, **kwargs):
                count[0] += 1
                return _inner(*args, **kwargs)
            fn.hypothesis.inner_test = counted
            # The settings @given recorded (the suite's profile), with this batch's size; read by
            # hypothesis at each call (the @settings decorator may only be applied once).
            fn._hypothesis_internal_use_settings = settings(base[name], max_examples=batch)
            t0 = time.process_time()
            try:
                fn()
            except Exception as exc:  # the property failed: hypothesis re-raises the shrunk failure
                failed[name] = f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:120]}"
                traceback.print_exc()
            finally:
                fn.hypothesis.inner_test = inner
            cpu[name] += time.process_time() - t0
            done[name] += count[0]
            print(f"{name:42s} {done[name]:>8,} examples  "
                  f"{'FAILED ' + failed[name] if name in failed else '0 uncaught exceptions'}  "
                  f"{cpu[name]:7.1f} s CPU", flush=True)
    wall = time.perf_counter() - started
    print()
    if stopped_early:
        print(f"(stopped at the time limit {sys.argv[3]} UTC before {examples:,} examples each)")
    print("| property (tests/test_fuzz.py) | examples | uncaught exceptions | CPU time |")
    print("|---|---:|---:|---:|")
    for name in props:
        print(f"| `{name}` | {done[name]:,} | {1 if name in failed else 0} | {cpu[name]:.0f} s |")
    print(f"| **all {len(props)} properties** | **{sum(done.values()):,}** | **{len(failed)}** | "
          f"{sum(cpu.values()) / 60:.0f} min ({wall / 60:.0f} min wall) |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
