"""Serving apps: `start_server` on the built-in server, page settings (`config`, `seo`), and
`run_event_loop` for hosts that do not run asyncio themselves. Framework adapters live in
submodules named after their framework and import it only when used.

The server stack (asyncio, ssl, the HTTP and WebSocket code) is imported when `start_server`
is first looked up, not when this package is imported: a script that never serves stays light.
"""

from .page import config, seo

__all__ = ["start_server", "config", "seo", "run_event_loop"]


def __getattr__(name: str):
    """`start_server`, imported with the server stack on first use."""
    if name == "start_server":
        from .server import start_server
        return start_server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"start_server"})


def run_event_loop(debug: bool = False) -> None:
    """Run a new asyncio event loop forever in the calling thread (for coroutine apps under WSGI hosts)."""
    import asyncio
    loop = asyncio.new_event_loop()
    loop.set_debug(debug)
    asyncio.set_event_loop(loop)
    loop.run_forever()
