"""Serving apps: `start_server` on the built-in server, page settings (`config`, `seo`), and
`run_event_loop` for hosts that do not run asyncio themselves. Framework adapters live in
submodules named after their framework and import it only when used."""

import asyncio

from .page import config, seo
from .server import start_server

__all__ = ["start_server", "config", "seo", "run_event_loop"]


def run_event_loop(debug: bool = False) -> None:
    """Run a new asyncio event loop forever in the calling thread (for coroutine apps under WSGI hosts)."""
    loop = asyncio.new_event_loop()
    loop.set_debug(debug)
    asyncio.set_event_loop(loop)
    loop.run_forever()
