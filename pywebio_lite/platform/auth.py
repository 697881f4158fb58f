"""HTTP Basic authentication (RFC 7617) for the page, the static files and the WebSocket upgrade.

`BasicAuth` is pure: it reads a request's ``Authorization`` header and says yes or no; the caller
answers no with `challenge()` (401 and a ``WWW-Authenticate`` header). Credentials are compared
in constant time (`hmac.compare_digest`) on the UTF-8 bytes of both the user and the password,
so the time an answer takes says nothing about how much of either was right.
"""
from __future__ import annotations

import base64
import binascii
import hmac
from typing import Callable

from ..protocol.http import Response

__all__ = ["BasicAuth", "make_auth"]


class BasicAuth:
    """Checks ``Authorization: Basic ...`` against one user/password pair or a function.

    Args:
        credentials: ``(user, password)``; or None when `check` decides.
        check: ``check(user, password) -> bool``, called with the decoded strings.
        realm: shown by the browser's login dialog.
    """

    def __init__(self, credentials: tuple[str, str] | None = None,
                 check: Callable[[str, str], bool] | None = None, realm: str = "pywebio_lite"):
        if (credentials is None) == (check is None):
            raise ValueError("BasicAuth needs exactly one of credentials or check")
        if credentials is not None:
            if (not isinstance(credentials, (tuple, list)) or len(credentials) != 2
                    or not all(isinstance(part, str) for part in credentials)):
                raise TypeError("auth must be a (user, password) pair of str")
            user, password = credentials
            if not user or ":" in user:
                raise ValueError("auth user must be a non-empty str without ':' (RFC 7617 §2)")
            self._user = user.encode("utf-8")
            self._password = password.encode("utf-8")
        if check is not None and not callable(check):
            raise TypeError("check_auth must be a function (user, password) -> bool")
        if not isinstance(realm, str) or '"' in realm or "\\" in realm:
            raise ValueError("realm must be a str without quotes or backslashes")
        self._check = check
        self.realm = realm

    @staticmethod
    def parse(header: str | None) -> tuple[str, str] | None:
        """The (user, password) of an ``Authorization`` header value, or None if it is not Basic."""
        if not header:
            return None
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "basic" or not token.strip():
            return None
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):  # bad base64, or not UTF-8 (RFC 7617 §2.1 charset)
            return None
        user, sep, password = decoded.partition(":")
        if not sep:
            return None
        return user, password

    def allows(self, request) -> bool:
        """Whether the request carries acceptable credentials."""
        pair = self.parse(request.headers.get("Authorization"))
        if pair is None:
            return False
        user, password = pair
        if self._check is not None:
            try:
                return bool(self._check(user, password))
            except Exception:  # a failing check function refuses; it never lets a request in
                return False
        # Compare both parts every time (no short-circuit), each in constant time.
        user_ok = hmac.compare_digest(user.encode("utf-8"), self._user)
        password_ok = hmac.compare_digest(password.encode("utf-8"), self._password)
        return user_ok & password_ok

    def challenge(self) -> Response:
        """The 401 answer that makes a browser ask for credentials (RFC 7617 §2, RFC 9110 §11.6.1)."""
        return Response(401, [("WWW-Authenticate", f'Basic realm="{self.realm}", charset="UTF-8"'),
                              ("Content-Type", "text/plain; charset=utf-8"),
                              ("Cache-Control", "no-store")], b"Authentication required")


def make_auth(auth=None, check_auth=None, realm: str = "pywebio_lite") -> BasicAuth | None:
    """The BasicAuth for start_server's ``auth``/``check_auth`` arguments, or None for no auth."""
    if auth is None and check_auth is None:
        return None
    if auth is not None and check_auth is not None:
        raise ValueError("give auth or check_auth, not both")
    if check_auth is not None:
        return BasicAuth(check=check_auth, realm=realm)
    return BasicAuth(credentials=auth, realm=realm)
