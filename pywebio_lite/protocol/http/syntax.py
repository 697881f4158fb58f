"""RFC 9110 field syntax shared by the HTTP and WebSocket code (sans-I/O): tokens (§5.6.2),
field values (§5.5) and comma-separated lists (§5.6.1).
"""
from __future__ import annotations

import re

__all__ = ["TOKEN_RE", "BAD_VALUE_RE", "is_token", "has_bad_value", "list_elements"]

# RFC 9110 §5.6.2: token = 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-"
# / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
TOKEN_RE = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 §5.5: field-value = *field-content; VCHAR, obs-text, SP and HTAB. Anything else (CR, LF,
# NUL and the other controls, DEL) makes the field invalid.
BAD_VALUE_RE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_BAD_VALUE_STR = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def is_token(name: str) -> bool:
    """Is ``name`` an RFC 9110 §5.6.2 token (a valid field name or method)?"""
    return isinstance(name, str) and name.isascii() and TOKEN_RE.fullmatch(name.encode()) is not None


def has_bad_value(value: str) -> bool:
    """Does ``value`` hold a character no field value may hold (CR, LF, other controls, DEL)?"""
    return _BAD_VALUE_STR.search(value) is not None


def list_elements(values) -> list[str]:
    """The lower-cased elements of comma-separated list fields (RFC 9110 §5.6.1), one ``str`` per
    field line given, empty elements dropped."""
    out = []
    for value in values:
        for part in value.split(","):
            part = part.strip(" \t").lower()
            if part:
                out.append(part)
    return out
