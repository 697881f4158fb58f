"""Serving apps: `start_server` on the built-in server, `path_deploy` for a directory of app files
(loaded on first use), page settings (`config`, `seo`), and
`run_event_loop` for hosts that do not run asyncio themselves. Framework adapters live in
submodules named after their framework and import it only when used.

The server stack (asyncio, ssl, the HTTP and WebSocket code) is imported when `start_server`
is first looked up, not when this package is imported: a script that never serves stays light.
"""

from .page import config, seo

__all__ = ["start_server", "config", "seo", "run_event_loop", "path_deploy", "path_deploy_http"]


def __getattr__(name: str):
    """`start_server` (with the server stack) and `path_deploy`, imported on first use."""
    if name == "start_server":
        from .server import start_server
        return start_server
    # path_deploy's module has the same name as the function; the function wins here, as in
    # PyWebIO (and the module itself is callable, see there).
    if name in ("path_deploy", "path_deploy_http"):
        import importlib
        module = importlib.import_module(__name__ + ".path_deploy")
        globals().update(path_deploy=module.path_deploy, path_deploy_http=module.path_deploy_http)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"start_server", "path_deploy", "path_deploy_http"})


_event_loop = None  # the loop run_event_loop() runs: WSGI hosts run their sessions on it


def run_event_loop(debug: bool = False) -> None:
    """Run a new asyncio event loop forever in the calling thread (for coroutine apps under WSGI
    hosts, as PyWebIO's guide shows; they run their sessions on it)."""
    global _event_loop
    import asyncio
    loop = asyncio.new_event_loop()
    loop.set_debug(debug)
    asyncio.set_event_loop(loop)
    _event_loop = loop
    try:
        loop.run_forever()
    finally:
        if _event_loop is loop:
            _event_loop = None


def running_event_loop():
    """The loop `run_event_loop()` is running, or None."""
    loop = _event_loop
    return loop if loop is not None and loop.is_running() else None
