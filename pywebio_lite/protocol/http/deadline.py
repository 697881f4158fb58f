"""When a request body that is still arriving must be refused: pure bookkeeping, the caller
passes the times (no clock here)."""
from __future__ import annotations

__all__ = ["BodyDeadline"]


class BodyDeadline:
    """When a request body that is still arriving must be refused (slow-body defence).

    Two rules, from the moment the head was read (`started`): the whole body must arrive within
    `timeout` seconds, and after `grace` seconds it must keep up an average of at least `min_rate`
    bytes per second (0 turns the rate rule off). Each byte does *not* restart a clock, so a
    client trickling a byte a second is refused after `grace` seconds, not kept forever.

    Pure bookkeeping: the caller passes the times (`now`) and the byte counts, and asks `check()`
    when the `next_check()` delay has passed.
    """

    __slots__ = ("timeout", "min_rate", "grace", "started", "received")

    def __init__(self, started: float, *, timeout: float, min_rate: float = 0, grace: float = 0):
        self.timeout = timeout
        self.min_rate = min_rate
        self.grace = grace
        self.started = started
        self.received = 0

    def add(self, nbytes: int) -> None:
        """`nbytes` more body bytes arrived."""
        self.received += nbytes

    def check(self, now: float) -> str | None:
        """Why the body must be refused now ("request body timeout" / "request body too slow"),
        or None while it is on time."""
        elapsed = now - self.started
        if elapsed >= self.timeout:
            return "request body timeout"
        if self.min_rate and elapsed >= self.grace and self.received < self.min_rate * elapsed:
            return "request body too slow"
        return None

    def next_check(self, now: float) -> float:
        """Seconds from `now` until `check()` can next find the body late (> 0 while on time)."""
        elapsed = now - self.started
        due = self.timeout
        if self.min_rate:
            # The body falls behind the rate once elapsed > received / min_rate.
            due = min(due, max(self.grace, self.received / self.min_rate))
        return max(due - elapsed, 1e-3)
