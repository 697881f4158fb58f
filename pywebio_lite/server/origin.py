"""Origin checking for WebSocket handshakes (cross-site WebSocket hijacking, RFC 6455 §10.2).

Browsers let any page open a WebSocket to any server and send its cookies along, so a server
that acts on behalf of a user must look at the Origin header. The rules match PyWebIO's:
no Origin → allowed (not a browser); same origin as the Host header → allowed; otherwise the
`check_origin` callable decides if given, else the `allowed_origins` glob patterns do.
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Callable
from urllib.parse import urlsplit

__all__ = ["origin_allowed"]


def origin_allowed(origin: str | None, host: str | None,
                   allowed_origins: list[str] | tuple[str, ...] | None = None,
                   check_origin: Callable[[str], bool] | None = None) -> bool:
    """Whether a handshake with this Origin header value may proceed.

    Args:
        origin: the request's Origin header (None when absent).
        host: the request's Host header.
        allowed_origins: glob patterns matched against the whole origin, for example
            ``"https://*.example.com"``; matching ignores case.
        check_origin: ``f(origin) -> bool``; when given it replaces `allowed_origins`.
    """
    if allowed_origins is not None and (isinstance(allowed_origins, str) or not all(
            isinstance(p, str) for p in allowed_origins)):
        raise TypeError("allowed_origins must be a list of str patterns")
    if check_origin is not None and not callable(check_origin):
        raise TypeError("check_origin must be callable")
    if not origin:
        return True
    # RFC 6454 §7: Origin = scheme "://" host [ ":" port ]; the netloc is what Host carries.
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        netloc = ""
    if netloc and host and netloc.lower() == host.strip().lower():
        return True
    if check_origin is not None:
        return bool(check_origin(origin))
    low = origin.lower()
    return any(fnmatchcase(low, pattern.lower()) for pattern in allowed_origins or ())
