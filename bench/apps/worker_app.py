"""The app for bench/workers_nginx.py: one worker process behind nginx (pywebio_lite only).

    PYWEBIO_LITE_WORKER=w0 python bench/apps/worker_app.py PORT

input() after input(), each answer echoed with put_text. Every connection comes from nginx's
address, so the per-address cap is off and nginx is a trusted proxy.
"""
import sys

from pywebio_lite import start_server
from pywebio_lite.input import input
from pywebio_lite.output import put_text


def main():
    while True:
        answer = input("Your answer")
        put_text(f"echo {answer}")


start_server(main, port=int(sys.argv[1]), host="127.0.0.1", max_connections_per_ip=None,
             trusted_proxies=["127.0.0.1"])
