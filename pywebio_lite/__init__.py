"""pywebio_lite: write web apps the way you write console programs, on the standard library alone.

Blocking ``input()``-style calls pop up forms in the browser; ``put_xxx()`` calls stream text,
tables, markdown, images, buttons and layouts into the page. The API is PyWebIO 1.8.4's:
change ``import pywebio`` to ``import pywebio_lite`` and existing apps run.
"""

__version__ = "0.1.0"
__author__ = "pywebio_lite developers"
__license__ = "MIT"
__description__ = "The PyWebIO programming model on nothing but the Python standard library"
__url__ = "https://github.com/pywebio-lite/pywebio_lite"

import logging as _logging

from .exceptions import SessionClosedException, SessionException, SessionNotFoundException
from .platform import config
from .platform.page import STATIC_PATH
from . import input, output, pin, platform, session  # noqa: E402  (the public submodules)

__all__ = ["start_server", "config", "STATIC_PATH", "enable_debug", "SessionException",
           "SessionClosedException", "SessionNotFoundException", "input", "output", "pin",
           "platform", "session"]


def __getattr__(name: str):
    """`start_server`, imported with the server stack on first use (see pywebio_lite.platform)."""
    if name == "start_server":
        return platform.start_server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"start_server"})


def enable_debug(level: int = _logging.DEBUG) -> None:
    """Send pywebio_lite's logs (sessions, server, connections) to stderr at `level`."""
    logger = _logging.getLogger("pywebio_lite")
    logger.setLevel(level)
    if not any(isinstance(h, _logging.StreamHandler) for h in logger.handlers):
        handler = _logging.StreamHandler()
        handler.setFormatter(_logging.Formatter("[%(levelname)s %(asctime)s %(name)s] %(message)s"))
        logger.addHandler(handler)
