"""N put_text() lines, served by pywebio_lite or by PyWebIO (for bench/output_throughput.py).

    python bench/apps/output_app.py ours|pywebio PORT N
"""
import sys

kind, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if kind == "ours":
    from pywebio_lite import start_server
    from pywebio_lite.output import put_text
else:
    from pywebio import start_server
    from pywebio.output import put_text


def main():
    for i in range(n):
        put_text(f"line {i}")


start_server(main, port=port, host="127.0.0.1", cdn=False)
