"""Log lines about what clients send: short excerpts of client data, and a rate limit.

A client controls what it sends, so a log line about it must stay short (`excerpt`) and a flood of
bad input must not become a flood of log lines (`LogLimiter`: a few lines per period, then one line
saying how many were left out).
"""
from __future__ import annotations

import logging
import time
from typing import Callable

__all__ = ["excerpt", "LogLimiter", "EXCERPT_CHARS"]

#: Most characters of client data a log line quotes.
EXCERPT_CHARS = 60


def excerpt(value, limit: int = EXCERPT_CHARS) -> str:
    """A repr of `value` cut to about `limit` characters, saying how long the whole was."""
    if isinstance(value, (str, bytes, bytearray)) and len(value) > limit:
        return f"{value[:limit]!r}... ({len(value)} {'chars' if isinstance(value, str) else 'bytes'})"
    if isinstance(value, (list, tuple, dict)) and len(value) > 8:
        return f"<{type(value).__name__} of {len(value)} items>"
    text = repr(value)
    if len(text) > limit:
        return text[:limit] + f"... ({len(text)} chars)"
    return text


class LogLimiter:
    """At most `burst` log lines per `period` seconds; the rest are counted, and the first line
    of a later period says how many were left out. `clock` is injectable for tests."""

    __slots__ = ("logger", "burst", "period", "clock", "_start", "_count", "_suppressed")

    def __init__(self, logger: logging.Logger, *, burst: int = 10, period: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        if not isinstance(burst, int) or isinstance(burst, bool) or burst < 1:
            raise ValueError("burst must be an int >= 1")
        if isinstance(period, bool) or not isinstance(period, (int, float)) or period <= 0:
            raise ValueError("period must be a number > 0")
        self.logger = logger
        self.burst = burst
        self.period = period
        self.clock = clock
        self._start = None
        self._count = 0
        self._suppressed = 0

    @property
    def suppressed(self) -> int:
        """Lines left out in the current period."""
        return self._suppressed

    def log(self, level: int, msg: str, *args) -> bool:
        """Log `msg % args` unless over the limit; True if it was logged."""
        now = self.clock()
        if self._start is None or now - self._start >= self.period:
            if self._suppressed:
                self.logger.log(level, "%d more log lines like these were left out in %.0f s",
                                self._suppressed, now - self._start)
            self._start, self._count, self._suppressed = now, 0, 0
        if self._count >= self.burst:
            self._suppressed += 1
            return False
        self._count += 1
        self.logger.log(level, msg, *args)
        return True

    def warning(self, msg: str, *args) -> bool:
        return self.log(logging.WARNING, msg, *args)

    def info(self, msg: str, *args) -> bool:
        return self.log(logging.INFO, msg, *args)
