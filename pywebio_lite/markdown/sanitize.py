"""An allowlist HTML sanitizer built on ``html.parser.HTMLParser``.

``sanitize_html(html)`` re-serialises the input from parsed tokens: only tags and attributes on
the allowlists below survive, every attribute value is re-quoted and escaped, every piece of
text is escaped, and comments, declarations and processing instructions are dropped. Elements
whose content is code or a foreign document (``script``, ``style``, ``iframe``, ``object``,
``svg``, ...) are removed together with their content; other unknown tags are removed but their
text is kept. URLs in ``href``/``src``/``cite`` must use a safe scheme (checked after entity
decoding and after removing whitespace and control characters, case-insensitively);
``data:`` is only accepted for raster images in ``<img src>``. ``style`` attributes are dropped
when they contain ``expression(``, ``url(``, ``javascript:`` and similar.

Because the output is canonical (quoted attributes, escaped text, balanced allowed tags), a
browser parses it the way this module saw it.
"""
from __future__ import annotations

from html import unescape as _unescape_entities
import re
from html.parser import HTMLParser
from urllib.parse import unquote

from .common import escape_html

__all__ = ["sanitize_html", "is_safe_url", "is_script_url", "ALLOWED_TAGS", "ALLOWED_ATTRIBUTES",
           "SAFE_URL_SCHEMES"]

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "center", "cite", "code",
    "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "tt", "u", "ul", "var", "wbr",
})
VOID_TAGS = frozenset({"br", "col", "hr", "img", "wbr"})
# Removed together with everything inside them.
DROP_CONTENT_TAGS = frozenset({
    "script", "style", "iframe", "object", "embed", "applet", "noscript", "noembed",
    "noframes", "frameset", "frame", "template", "textarea", "title", "xmp", "plaintext",
    "svg", "math", "select", "head",
})
GLOBAL_ATTRIBUTES = frozenset({"title", "class", "lang", "dir", "style"})
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "align"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "li": frozenset({"value"}),
    "td": frozenset({"align", "colspan", "rowspan"}),
    "th": frozenset({"align", "colspan", "rowspan", "scope"}),
    "tr": frozenset({"align"}),
    "table": frozenset({"align"}),
    "col": frozenset({"span", "align"}),
    "colgroup": frozenset({"span", "align"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
    "p": frozenset({"align"}),
    "div": frozenset({"align"}),
    "h1": frozenset({"align"}), "h2": frozenset({"align"}), "h3": frozenset({"align"}),
    "h4": frozenset({"align"}), "h5": frozenset({"align"}), "h6": frozenset({"align"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
SAFE_URL_SCHEMES = frozenset({
    "http", "https", "mailto", "tel", "ftp", "ftps", "sftp", "irc", "ircs", "xmpp", "news",
    "nntp", "sms", "magnet", "git", "ssh",
})

# Browsers drop ASCII whitespace and control characters around URLs and tabs/newlines inside
# them; removing every C0/C1 control and space before looking for a scheme covers both.
_RE_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\ufeff]+")
# Schemes that run code or carry a document: also refused when percent-encoded
# (``jav%09ascript:``), although browsers would treat that form as a relative URL.
DANGEROUS_URL_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "mocha", "data", "jar",
                                   "mhtml", "file"})
_RE_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_RE_DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpeg|jpg|webp|bmp|avif|x-icon)[;,]", re.I)

_RE_CSS_HEX_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?")
_RE_CSS_ESCAPE = re.compile(r"\\(.)", re.S)
_RE_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_CSS_FORBIDDEN = (
    "expression(", "javascript:", "vbscript:", "url(", "image(", "image-set(", "behavior",
    "-moz-binding", "@import", "\\",
)


def is_safe_url(value: str, tag: str = "a", attr: str = "href") -> bool:
    """True if ``value`` (entity-decoded already) is a relative URL or uses a safe scheme."""
    cleaned = _RE_URL_JUNK.sub("", value)
    if "%" in cleaned:
        decoded = _RE_URL_JUNK.sub("", unquote(cleaned))
        m = _RE_SCHEME.match(decoded)
        if m is not None and m.group(1).lower() in DANGEROUS_URL_SCHEMES:
            if not (m.group(1).lower() == "data" and _data_image_ok(decoded, tag, attr)):
                return False
    m = _RE_SCHEME.match(cleaned)
    if m is None:
        return True  # relative reference
    scheme = m.group(1).lower()
    if scheme in SAFE_URL_SCHEMES:
        return True
    if scheme == "data":
        return _data_image_ok(cleaned, tag, attr)
    return False


#: Schemes whose URL runs script when a link is followed (or an image loaded, in old browsers).
SCRIPT_URL_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "mocha"})
_RE_DATA_ANY_IMAGE = re.compile(r"data:image/", re.I)


def is_script_url(url: str, image: bool = False) -> bool:
    """True if ``url`` may run script: a ``javascript:``/``vbscript:`` URL, or a ``data:`` URL
    other than an image (for a link: other than a raster image, as an SVG document opened from
    a link runs its scripts; inside ``<img>`` an SVG is inert).

    Used for the URLs of ``put_link`` and ``put_image`` (attribute values set from script, so
    the browser decodes no entities), yet checked as the sanitizer checks markup, whatever the
    disguise: any case, whitespace and control characters inside or around the scheme, HTML
    character references (``&#106;avascript:``) and percent-encoding (``javascript%3A``).
    """
    candidates = {url, _unescape_entities(url)}
    for value in list(candidates):
        if "%" in value:
            candidates.add(unquote(value))
    for value in candidates:
        cleaned = _RE_URL_JUNK.sub("", value)
        m = _RE_SCHEME.match(cleaned)
        if m is None:
            continue
        scheme = m.group(1).lower()
        if scheme in SCRIPT_URL_SCHEMES:
            return True
        if scheme == "data":
            ok = _RE_DATA_ANY_IMAGE.match(cleaned) if image else _RE_DATA_IMAGE.match(cleaned)
            if ok is None:
                return True
    return False


def _data_image_ok(url: str, tag: str, attr: str) -> bool:
    """``data:`` is only accepted for raster images in ``<img src>``."""
    return tag == "img" and attr == "src" and _RE_DATA_IMAGE.match(url) is not None


def _css_hex(m: re.Match) -> str:
    code = int(m.group(1), 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return chr(code)


def is_safe_css(value: str) -> bool:
    """True if an inline ``style`` value has nothing that can run code or load a resource."""
    css = _RE_CSS_HEX_ESCAPE.sub(_css_hex, value)
    css = _RE_CSS_ESCAPE.sub(r"\1", css)
    css = _RE_CSS_COMMENT.sub("", css)
    css = _RE_URL_JUNK.sub("", css).lower()
    return not any(bad in css for bad in _CSS_FORBIDDEN)


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open_tags: list[str] = []
        self.skip_tag = ""
        self.skip_depth = 0

    # -- tags --------------------------------------------------------------------------------

    def _start(self, tag: str, attrs: list, self_closing: bool) -> None:
        if self.skip_depth:
            if tag == self.skip_tag and not self_closing:
                self.skip_depth += 1
            return
        if tag in DROP_CONTENT_TAGS:
            if not self_closing:
                self.skip_tag = tag
                self.skip_depth = 1
            return
        if tag not in ALLOWED_TAGS:
            return
        parts = ["<", tag]
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset())
        seen = set()
        for name, value in attrs:
            if name in seen or name.startswith("on"):
                continue
            if name not in GLOBAL_ATTRIBUTES and name not in allowed:
                continue
            seen.add(name)
            if value is None:
                value = ""
            if name in URL_ATTRIBUTES and not is_safe_url(value, tag, name):
                continue
            if name == "style" and not is_safe_css(value):
                continue
            parts.append(' %s="%s"' % (name, escape_html(value)))
        if tag in VOID_TAGS:
            parts.append(" />")
        else:
            parts.append(">")
            if self_closing:
                parts.append("</%s>" % tag)
            else:
                self.open_tags.append(tag)
        self.out.append("".join(parts))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._start(tag, attrs, False)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._start(tag, attrs, True)

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
            return
        if tag not in ALLOWED_TAGS or tag in VOID_TAGS or tag not in self.open_tags:
            return
        while self.open_tags:
            top = self.open_tags.pop()
            self.out.append("</%s>" % top)
            if top == tag:
                break

    # -- everything else ---------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.out.append(escape_html(data))

    def handle_comment(self, data: str) -> None:
        pass

    def handle_decl(self, decl: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass

    def finish(self) -> str:
        self.close()
        while self.open_tags:
            self.out.append("</%s>" % self.open_tags.pop())
        return "".join(self.out)


# html.parser raises AssertionError on "<![" not followed by a marked-section keyword it
# knows; such text is escaped first (CDATA sections are parsed, then dropped).
_RE_BAD_MARKED_SECTION = re.compile(r"<!\[(?!CDATA\[)", re.I)


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the allowlisted tags and attributes (see module docstring)."""
    if not isinstance(html, str):
        raise TypeError("html must be str, not %s" % type(html).__name__)
    parser = _Sanitizer()
    parser.feed(_RE_BAD_MARKED_SECTION.sub("&lt;![", html))
    return parser.finish()
