"""Apps for bench/input_roundtrip.py and bench/session_memory.py, on pywebio_lite or PyWebIO.

    python bench/apps/input_app.py ours|pywebio PORT roundtrip|thread|coroutine [N]
roundtrip: N consecutive input() calls. thread / coroutine: one input() per session, then wait.
"""
import sys

kind, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 200
if kind == "ours":
    from pywebio_lite import start_server
    from pywebio_lite.input import input
    from pywebio_lite.output import put_text
else:
    from pywebio import start_server
    from pywebio.input import input
    from pywebio.output import put_text


def roundtrip():
    for i in range(n):
        input(f"Question {i}")
    put_text("All answered")


def thread_app():
    input("What is your name?")


async def coroutine_app():
    await input("What is your name?")


app = {"roundtrip": roundtrip, "thread": thread_app, "coroutine": coroutine_app}[mode]
start_server(app, port=port, host="127.0.0.1", cdn=False)
