"""Serving apps: `start_server` on the built-in server, `path_deploy` for a directory of app files
(loaded on first use), page settings (`config`, `seo`), and
`run_event_loop` for hosts that do not run asyncio themselves. Framework adapters live in
submodules named after their framework and import it only when used."""

import asyncio

from .page import config, seo
from .server import start_server

__all__ = ["start_server", "config", "seo", "run_event_loop", "path_deploy", "path_deploy_http"]


def __getattr__(name):
    # path_deploy loads on first use. Its module has the same name as the function; the
    # function wins here, as in PyWebIO (and the module itself is callable, see there).
    if name in ("path_deploy", "path_deploy_http"):
        import importlib
        module = importlib.import_module(__name__ + ".path_deploy")
        globals().update(path_deploy=module.path_deploy, path_deploy_http=module.path_deploy_http)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_event_loop(debug: bool = False) -> None:
    """Run a new asyncio event loop forever in the calling thread (for coroutine apps under WSGI hosts)."""
    loop = asyncio.new_event_loop()
    loop.set_debug(debug)
    asyncio.set_event_loop(loop)
    loop.run_forever()
