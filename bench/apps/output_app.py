"""N put_text() lines, served by pywebio_lite or by PyWebIO (for bench/output_throughput.py), or
by pywebio_lite on Tornado or aiohttp (its adapters' start_server, for bench/adapter_output.py).

    python bench/apps/output_app.py ours|pywebio|tornado|aiohttp PORT N
"""
import importlib
import sys

kind, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if kind == "ours":
    from pywebio_lite import start_server
    from pywebio_lite.output import put_text
elif kind in ("tornado", "aiohttp"):
    start_server = importlib.import_module(f"pywebio_lite.platform.{kind}").start_server
    from pywebio_lite.output import put_text
else:
    from pywebio import start_server
    from pywebio.output import put_text


def main():
    for i in range(n):
        put_text(f"line {i}")


start_server(main, port=port, host="127.0.0.1", cdn=False)
