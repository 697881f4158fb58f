"""Apps for bench/poll_flask.py: a Flask app with a PyWebIO view at /tool, on pywebio_lite or PyWebIO.

    python bench/apps/flask_app.py ours|pywebio PORT roundtrip|output N

roundtrip: N consecutive input() calls; output: N put_text() lines. Both sides run Flask's
threaded development server; PyWebIO's view has cdn=False with STATIC_PATH hosted beside it, as
its guide shows (ours serves its files through the view itself).
"""
import sys

from flask import Flask, send_from_directory

kind, port, mode, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
if kind == "ours":
    from pywebio_lite import STATIC_PATH
    from pywebio_lite.input import input
    from pywebio_lite.output import put_text
    from pywebio_lite.platform.flask import webio_view
else:
    from pywebio import STATIC_PATH
    from pywebio.input import input
    from pywebio.output import put_text
    from pywebio.platform.flask import webio_view


def roundtrip():
    for i in range(n):
        input(f"Question {i}")
    put_text("All answered")


def output():
    for i in range(n):
        put_text(f"line {i}")


app = Flask(__name__)
app.add_url_rule("/tool", "webio_view", webio_view({"roundtrip": roundtrip, "output": output}[mode], cdn=False),
                 methods=["GET", "POST", "OPTIONS"])


@app.route("/<path:static_file>")
def serve_static_file(static_file):
    return send_from_directory(STATIC_PATH, static_file)


import logging  # noqa: E402
logging.getLogger("werkzeug").setLevel(logging.ERROR)
app.run(host="127.0.0.1", port=port, threaded=True)
