"""N put_text() lines, served by pywebio_lite, by PyWebIO, or by one of our framework adapters (for
bench/output_throughput.py and bench/adapter_output.py).

    python bench/apps/output_app.py KIND PORT N

KIND: ours (the built-in server), pywebio (PyWebIO 1.8.4's Tornado server), asgi (our
platform.asgi app under uvicorn), fastapi (platform.fastapi.start_server: Starlette on uvicorn),
hypercorn (our platform.asgi app under hypercorn), tornado, aiohttp (those adapters'
start_server). The app is always at "/".
"""
import importlib
import sys

kind, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if kind == "pywebio":
    from pywebio import start_server
    from pywebio.output import put_text
else:
    from pywebio_lite import start_server
    from pywebio_lite.output import put_text


def main():
    for i in range(n):
        put_text(f"line {i}")


if kind in ("ours", "pywebio"):
    start_server(main, port=port, host="127.0.0.1", cdn=False)
elif kind in ("tornado", "aiohttp"):
    importlib.import_module(f"pywebio_lite.platform.{kind}").start_server(main, port=port, host="127.0.0.1",
                                                                          cdn=False)
elif kind == "asgi":
    import uvicorn
    from pywebio_lite.platform.asgi import asgi_app
    uvicorn.run(asgi_app(main, cdn=False), host="127.0.0.1", port=port, log_level="warning")
elif kind == "fastapi":
    from pywebio_lite.platform.fastapi import start_server as fastapi_server
    fastapi_server(main, port=port, host="127.0.0.1", cdn=False, log_level="warning")
elif kind == "hypercorn":
    import asyncio
    from hypercorn.asyncio import serve
    from hypercorn.config import Config
    from pywebio_lite.platform.asgi import asgi_app
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.loglevel = "WARNING"
    asyncio.run(serve(asgi_app(main, cdn=False), config))
else:
    raise SystemExit(f"unknown kind {kind!r}")
