"""Exceptions raised inside apps when a session is missing or has ended."""

__all__ = ["SessionException", "SessionClosedException", "SessionNotFoundException", "PyWebIOWarning"]


class SessionException(Exception):
    """Base class of the session exceptions."""


class SessionClosedException(SessionException):
    """The session has closed: the browser left, or the app ended.

    Raised by pending and later PyWebIO calls of that session. The main task of an app swallows it
    silently, so an app whose user closed the tab simply stops.
    """


class SessionNotFoundException(SessionException):
    """No session is bound to the calling thread or task.

    In a thread-based app, a thread that calls PyWebIO functions must be registered with
    ``register_thread()`` first.
    """


class PyWebIOWarning(UserWarning):
    """Warnings about deprecated or ignored arguments."""
