"""Origin checking for WebSocket handshakes (cross-site WebSocket hijacking, RFC 6455 §10.2).

Browsers let any page open a WebSocket to any server and send its cookies along, so a server
that acts on behalf of a user must look at the Origin header. The rules match PyWebIO's:
no Origin → allowed (not a browser); same origin as the Host header → allowed; otherwise the
`check_origin` callable decides if given, else the `allowed_origins` glob patterns do.

DNS rebinding: the Origin check alone cannot stop it. A hostile page at ``http://evil.test:8080``
makes ``evil.test`` resolve to 127.0.0.1 after it has loaded; its requests then reach a server
on loopback with ``Host: evil.test:8080`` and ``Origin: http://evil.test:8080``, which *is* the
same origin. `host_allowed` closes that hole: with ``allowed_hosts`` (for example
``["localhost", "127.0.0.1"]``) a request whose Host header names any other host is refused
before it reaches the app, page and WebSocket alike.
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Callable
from urllib.parse import urlsplit

__all__ = ["origin_allowed", "host_allowed", "check_allowed_hosts"]


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


def check_allowed_hosts(allowed_hosts) -> list[str] | None:
    """`allowed_hosts` checked and copied: None (any host) or a list of str patterns."""
    if allowed_hosts is None:
        return None
    if isinstance(allowed_hosts, str) or not isinstance(allowed_hosts, (list, tuple, set, frozenset)) \
            or not all(isinstance(p, str) and p for p in allowed_hosts):
        raise TypeError("allowed_hosts must be a list of host name patterns such as 'localhost'")
    return [p.lower() for p in allowed_hosts]


def host_allowed(host: str | None, allowed_hosts: list[str] | None) -> bool:
    """Whether a request with this Host header may proceed (see the module docstring).

    Args:
        host: the request's Host header (None when absent).
        allowed_hosts: None (every host is allowed, PyWebIO's behaviour) or patterns matched
            without case against the host name: an exact name (``"localhost"``, ``"[::1]"``),
            ``"*.example.com"`` for every subdomain, ``"*"`` for any; a pattern with a port
            (``"localhost:8080"``) is matched against host and port.
    """
    if allowed_hosts is None:
        return True
    if not host:
        return False
    host = host.strip().lower()
    name = host
    if host.startswith("["):  # an IPv6 literal: [::1]:8080
        end = host.find("]")
        name = host[:end + 1] if end > 0 else host
    elif host.count(":") == 1:
        name = host.partition(":")[0]
    for pattern in allowed_hosts:
        has_port = pattern.rpartition(":")[2].isdigit() and not pattern.endswith("]")
        value = host if has_port else name
        if pattern == "*" or value == pattern or (pattern.startswith("*.") and value.endswith(pattern[1:])):
            return True
    return False
