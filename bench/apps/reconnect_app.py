"""The app for bench/reconnect.py (pywebio_lite only).

    python bench/apps/reconnect_app.py PORT

A thread streams numbered lines ("n 0", "n 1"... one every 5 ms) into scope "lines" while the
session's own thread asks question after question ("q 0", "q 1"...) and writes each answer
("a 0 ANSWER") into scope "answers", until it is told "stop".
"""
import sys
import threading
import time

from pywebio_lite import start_server
from pywebio_lite.input import input
from pywebio_lite.output import put_scope, put_text
from pywebio_lite.session import register_thread


def main():
    put_scope("answers")
    put_scope("lines")
    done = threading.Event()

    def stream():
        i = 0
        while not done.is_set():
            put_text(f"n {i}", scope="lines")
            i += 1
            time.sleep(0.005)

    streamer = threading.Thread(target=stream, daemon=True)
    register_thread(streamer)
    streamer.start()
    j = 0
    while True:
        answer = input(f"q {j}")
        if answer == "stop":
            done.set()
            put_text("stopped", scope="answers")
            return
        put_text(f"a {j} {answer}", scope="answers")
        j += 1


start_server(main, port=int(sys.argv[1]), host="127.0.0.1", reconnect_timeout=30)
