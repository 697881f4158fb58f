"""Small helpers shared by many modules: random ids, size parsing, name checks, function kinds.

`secrets`, `inspect` and `socket` are imported inside the helpers that need them, so importing
the package stays light (bench/startup.py).
"""

import functools
import re
import string

__all__ = [
    "random_str", "session_id", "task_id", "parse_file_size", "check_dom_name_value", "iscoroutinefunction",
    "isgeneratorfunction", "unwrap_partial", "get_free_port", "check_language",
]

_ALPHABET = string.ascii_letters + string.digits


def random_str(length: int = 16) -> str:
    """A random string of ASCII letters and digits, from the `secrets` generator."""
    import secrets
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def session_id() -> str:
    """An unguessable session id (192 bits of randomness, URL-safe)."""
    import secrets
    return secrets.token_urlsafe(24)


def task_id(name: str) -> str:
    """An id for one task of a session: its function's name and 64 random bits (never an address)."""
    import secrets
    return f"{name[:40]}-{secrets.token_hex(8)}"


_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?)i?B?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50}


def parse_file_size(size, *, name: str = "size") -> int:
    """Parse ``1024``, ``'500'``, ``'40K'``, ``'3M'``, ``'1G'`` (binary units) into bytes."""
    if isinstance(size, bool):
        raise TypeError(f"{name} must be an int or a string like '3M', not bool")
    if isinstance(size, (int, float)):
        if size < 0:
            raise ValueError(f"{name} must not be negative, got {size!r}")
        return int(size)
    if not isinstance(size, str):
        raise TypeError(f"{name} must be an int or a string like '3M', not {type(size).__name__}")
    m = _SIZE_RE.match(size)
    if not m:
        raise ValueError(f"{name}: cannot parse the size {size!r} (examples: 500, '40K', '3M', '1G')")
    return int(float(m.group(1)) * _SIZE_UNITS[m.group(2).upper()])


_DOM_NAME_RE = re.compile(r"^[A-Za-z0-9_-]*$")


def check_dom_name_value(value: str, name: str = "name") -> None:
    """Names that become DOM ids (scopes, pins, inputs) may only hold letters, digits, _ and -."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not _DOM_NAME_RE.match(value):
        raise ValueError(f"{name} {value!r} is not valid: use only letters, digits, '_' and '-'")


def unwrap_partial(func):
    """The function behind any number of functools.partial layers."""
    while isinstance(func, functools.partial):
        func = func.func
    return func


def iscoroutinefunction(func) -> bool:
    """`async def` functions, looking through functools.partial."""
    import inspect
    return inspect.iscoroutinefunction(unwrap_partial(func))


def isgeneratorfunction(func) -> bool:
    """Generator functions, looking through functools.partial."""
    import inspect
    return inspect.isgeneratorfunction(unwrap_partial(func))


def get_free_port() -> int:
    """A TCP port that was free a moment ago on this machine."""
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("", 0))
        return s.getsockname()[1]


_LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def check_language(language) -> str:
    """A BCP 47 language tag such as 'en', 'de' or 'zh-CN'; raises TypeError/ValueError naming `language`."""
    if not isinstance(language, str):
        raise TypeError(f"language must be a str such as 'en' or 'zh-CN', not {type(language).__name__}")
    if not _LANGUAGE_RE.fullmatch(language):
        raise ValueError(f"language must be a language tag such as 'en' or 'zh-CN'; got {language!r}")
    return language
