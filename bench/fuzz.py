"""Long fuzzing run: every property of tests/test_fuzz.py with 100,000 examples (hypothesis).

    .venv/bin/python bench/fuzz.py                 # 100,000 examples per property
    .venv/bin/python bench/fuzz.py 20000           # fewer, for a quick look
    .venv/bin/python bench/fuzz.py 100000 markdown # only the properties whose name has "markdown"
    .venv/bin/python bench/fuzz.py 100000 http,websocket   # ... "http" or "websocket"

Runs in the package's own venv (hypothesis is in the test extra). For each property it prints
the examples run, the uncaught exceptions (a property that fails stops at its first failure,
after hypothesis has shrunk it; the shrunk input is printed) and the time, then a Markdown table
for bench/RESULTS.md and docs/security.md.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    only = sys.argv[2].split(",") if len(sys.argv) > 2 else [""]
    os.environ["PYWEBIO_FUZZ_EXAMPLES"] = str(examples)  # read by tests/test_fuzz.py at import
    sys.path.insert(0, str(HERE.parent / "tests"))
    import test_fuzz

    properties = [(name, fn) for name, fn in vars(test_fuzz).items()
                  if name.startswith("test_") and callable(fn) and hasattr(fn, "hypothesis")
                  and any(part in name for part in only)]
    rows, failures = [], 0
    started = time.perf_counter()
    for name, fn in properties:
        count = [0]
        inner = fn.hypothesis.inner_test

        def counted(*args, _inner=inner, **kwargs):
            count[0] += 1
            return _inner(*args, **kwargs)
        fn.hypothesis.inner_test = counted
        t0 = time.perf_counter()
        error = ""
        try:
            fn()
        except Exception as exc:  # the property failed: hypothesis re-raises the shrunk failure
            failures += 1
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
            traceback.print_exc()
        finally:
            fn.hypothesis.inner_test = inner
        seconds = time.perf_counter() - t0
        rows.append((name, count[0], 1 if error else 0, seconds, error))
        print(f"{name:45s} {count[0]:>8,} examples  {'FAILED ' + error if error else '0 uncaught exceptions'}"
              f"  {seconds:7.1f} s", flush=True)
    total = time.perf_counter() - started
    print()
    print(f"| property (tests/test_fuzz.py) | examples | uncaught exceptions | time |")
    print(f"|---|---:|---:|---:|")
    for name, n, failed, seconds, _ in rows:
        print(f"| `{name}` | {n:,} | {failed} | {seconds:.0f} s |")
    print(f"| **all {len(rows)} properties** | **{sum(r[1] for r in rows):,}** | **{failures}** | {total / 60:.0f} min |")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
