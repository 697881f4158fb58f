"""The app for bench/load.py, bench/soak.py and bench/hostile.py (pywebio_lite only).

    python bench/apps/hardening_app.py PORT thread|coroutine

Apps (?app=NAME): index: input() after input(), each answer echoed with put_text (thread or
coroutine, by argv); clicky: a button whose onclick sleeps for a second (a slow callback);
stats: one line of JSON with the asyncio tasks alive in the server process.
"""
import asyncio
import json
import os
import sys
import time

from pywebio_lite import start_server
from pywebio_lite.input import input
from pywebio_lite.output import put_buttons, put_text

port, mode = int(sys.argv[1]), sys.argv[2]


def thread_index():
    while True:
        answer = input("Your answer")
        put_text(f"echo {answer}")


async def coroutine_index():
    while True:
        answer = await input("Your answer")
        put_text(f"echo {answer}")


def clicky():
    put_buttons(["slow"], onclick=lambda _: time.sleep(1.0))


async def stats():
    put_text(json.dumps({"tasks": len(asyncio.all_tasks()) - 1}))  # minus this session's own


apps = {"index": thread_index if mode == "thread" else coroutine_index, "clicky": clicky,
        "stats": stats}
# bench/soak.py sets PWL_RECONNECT_TIMEOUT (seconds) to choose the reconnect window; unset: the default.
window = os.environ.get("PWL_RECONNECT_TIMEOUT")
start_server(apps, port=port, host="127.0.0.1", reconnect_timeout=float(window) if window else None)
