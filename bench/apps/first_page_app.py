"""An app's first page: a line of text, highlighted code and a text input, served by pywebio_lite
or by PyWebIO (for bench/first_page.py).

    python bench/apps/first_page_app.py ours|pywebio PORT
"""
import sys

kind, port = sys.argv[1], int(sys.argv[2])
if kind == "ours":
    from pywebio_lite import start_server
    from pywebio_lite.input import input
    from pywebio_lite.output import put_code, put_text
else:
    from pywebio import start_server
    from pywebio.input import input
    from pywebio.output import put_code, put_text


def main():
    put_text("hello")
    put_code("x = 1", language="python")
    put_text(input("Your name"))


start_server(main, port=port, host="127.0.0.1", cdn=False)
