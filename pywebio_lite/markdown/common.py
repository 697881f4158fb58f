"""Character classes, escaping and unescaping helpers shared by the parsers and the renderer.

References are to the CommonMark spec 0.31.2 (https://spec.commonmark.org/0.31.2/).
"""
from __future__ import annotations

import re
import unicodedata
from html.entities import html5 as _HTML5

# §2.1 ASCII punctuation characters.
ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_ASCII_PUNCT_SET = frozenset(ASCII_PUNCTUATION)

ESCAPABLE = "[!-/:-@\\[-`{-~]"
# §2.5 entity and numeric character references (only names the HTML5 list knows count).
ENTITY = "&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});"
RE_ESCAPE_OR_ENTITY = re.compile("\\\\(" + ESCAPABLE + ")|(" + ENTITY + ")")
RE_BACKSLASH_OR_AMP = re.compile(r"[\\&]")

_punct_cache: dict[str, bool] = {}


def is_punctuation(ch: str) -> bool:
    """§2.1 Unicode punctuation character: ASCII punctuation or general category P* or S*."""
    if ch in _ASCII_PUNCT_SET:
        return True
    if ch < "\x80":
        return False
    cached = _punct_cache.get(ch)
    if cached is None:
        cached = unicodedata.category(ch)[0] in "PS"
        _punct_cache[ch] = cached
    return cached


def is_whitespace(ch: str) -> bool:
    """§2.1 Unicode whitespace character: category Zs, or tab, line feed, form feed, CR."""
    if ch in " \t\n\x0c\r":
        return True
    if ch < "\x80":
        return False
    return unicodedata.category(ch) == "Zs"


def decode_entity(ref: str) -> str:
    """Turn ``&name;``, ``&#123;`` or ``&#x1F;`` into its character(s); unknown names stay as is."""
    if ref[1] == "#":
        if ref[2] in "xX":
            code = int(ref[3:-1], 16)
        else:
            code = int(ref[2:-1], 10)
        # §2.5: invalid code points and U+0000 become U+FFFD.
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return "\ufffd"
        return chr(code)
    return _HTML5.get(ref[1:], ref)


def _unescape_match(m: re.Match) -> str:
    if m.group(1) is not None:
        return m.group(1)
    return decode_entity(m.group(2))


def unescape_string(s: str) -> str:
    """Resolve backslash escapes (§2.4) and entity references (§2.5) in ``s``."""
    if RE_BACKSLASH_OR_AMP.search(s) is None:
        return s
    return RE_ESCAPE_OR_ENTITY.sub(_unescape_match, s)


def escape_html(s: str) -> str:
    """Escape text for HTML element content and double-quoted attribute values."""
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if '"' in s:
        s = s.replace('"', "&quot;")
    return s


_RE_LABEL_SPACE = re.compile(r"[ \t\r\n]+")


def normalize_label(label: str) -> str:
    """§4.7 matching of link labels: trim, collapse whitespace, Unicode case fold."""
    return _RE_LABEL_SPACE.sub(" ", label.strip(" \t\r\n")).casefold()


_RE_SURROGATE = re.compile("[\ud800-\udfff]")
_RE_URI_UNSAFE = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9;/?:@&=+$,\-_.!~*'()#%]+")


def _percent_encode(m: re.Match) -> str:
    text = _RE_SURROGATE.sub("\ufffd", m.group(0))
    return "".join("%%%02X" % b for b in text.encode("utf-8"))


def normalize_uri(uri: str) -> str:
    """Percent-encode a link destination the way reference implementations do.

    Characters that are safe in a URL are kept, existing ``%XX`` escapes are kept, everything
    else is UTF-8 encoded and percent-escaped (the spec's examples expect this output).
    """
    return _RE_URI_UNSAFE.sub(_percent_encode, uri)
