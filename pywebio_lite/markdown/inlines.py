"""Phase two of parsing: inline content (CommonMark spec 0.31.2, §6, and appendix "A parsing
strategy", "Phase 2: inline structure").

``InlineParser.parse(block)`` turns ``block.string_content`` into child nodes: code spans (§6.1),
emphasis via the delimiter-stack algorithm (§6.2, with GFM strikethrough on ``~``), links and
images via the bracket stack (§6.3, §6.4), autolinks (§6.5), raw HTML (§6.6), hard and soft line
breaks (§6.7, §6.8), backslash escapes (§2.4) and entity references (§2.5).

``parse_reference`` reads one link reference definition (§4.7); the block parser calls it on
paragraph text.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Optional

from .common import (
    ASCII_PUNCTUATION, ENTITY, decode_entity, is_punctuation, is_whitespace, normalize_label,
    unescape_string,
)
from .nodes import (
    CODE, EMPH, HTML_INLINE, IMAGE, LINEBREAK, LINK, SOFTBREAK, STRIKETHROUGH, STRONG, TEXT, Node,
)

_PUNCT = frozenset(ASCII_PUNCTUATION)

# §4.7 / §6.3 link labels: no unescaped brackets, at most 999 characters inside
RE_LINK_LABEL = re.compile(r"\[((?:[^\\\[\]]|\\.)*)\]", re.S)
MAX_LABEL = 999
# §6.3 link destination in pointy brackets
RE_POINTY_DEST = re.compile(r"<((?:[^<>\n\\]|\\[^\n])*)>")
RE_DEST_RUN = re.compile(r"(?:[^\\()\x00-\x20\x7f]|\\[!-/:-@\[-`{-~]?)+")
MAX_PAREN_DEPTH = 32  # the spec allows implementations to limit nesting (§6.3)
# §6.3 link titles
RE_TITLE = re.compile(
    r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|\(((?:[^()\\]|\\.)*)\)", re.S)
RE_SPNL = re.compile(r"[ \t]*(?:\n[ \t]*)?")
RE_LINE_END = re.compile(r"[ \t]*(?:\n|$)")

RE_TEXT = re.compile(r"[^\n\\`*_\[\]!<&~]+")
RE_TICKS = re.compile(r"`+")
RE_SPACES = re.compile(r"[ \t]*")
RE_ENTITY_HERE = re.compile(ENTITY)
RE_RUN = {c: re.compile(re.escape(c) + "+") for c in "*_~"}

# §6.5 autolinks
RE_AUTOLINK_URI = re.compile(r"<([A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\x00-\x20]*)>")
RE_AUTOLINK_EMAIL = re.compile(
    r"<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>")

# §6.6 raw HTML: whitespace here is spaces, tabs and up to one line ending
_WS = r"[ \t]*\n?[ \t]*"
_WS1 = r"(?:[ \t]+\n?[ \t]*|\n[ \t]*)"
_TAGNAME = r"[A-Za-z][A-Za-z0-9-]*"
_ATTRNAME = r"[a-zA-Z_:][a-zA-Z0-9_.:-]*"
_ATTRVALUE = r"(?:[^\"'=<>`\x00-\x20]+|'[^']*'|\"[^\"]*\")"
_ATTR = _WS1 + _ATTRNAME + "(?:" + _WS + "=" + _WS + _ATTRVALUE + ")?"
RE_OPEN_TAG = re.compile("<" + _TAGNAME + "(?:" + _ATTR + ")*" + _WS + "/?>")
RE_CLOSE_TAG = re.compile("</" + _TAGNAME + _WS + ">")


def _skip_spnl(s: str, pos: int) -> int:
    return RE_SPNL.match(s, pos).end()


def parse_link_destination(s: str, pos: int, allow_empty: bool) -> Optional[tuple[str, int]]:
    """§6.3 link destination at ``pos``: ``(unescaped destination, end)`` or None."""
    n = len(s)
    if pos < n and s[pos] == "<":
        m = RE_POINTY_DEST.match(s, pos)
        if m is None:
            return None
        return unescape_string(m.group(1)), m.end()
    i = pos
    depth = 0
    while i < n:
        m = RE_DEST_RUN.match(s, i)
        if m is not None:
            i = m.end()
            if i >= n:
                break
        c = s[i]
        if c == "(":
            depth += 1
            if depth > MAX_PAREN_DEPTH:
                return None
            i += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
            i += 1
        else:
            break  # space or control character ends the destination
    if depth != 0:
        return None
    if i == pos and not (allow_empty and i < n and s[i] == ")"):
        return None
    return unescape_string(s[pos:i]), i


def _title_text(m: re.Match) -> str:
    raw = m.group(1)
    if raw is None:
        raw = m.group(2)
        if raw is None:
            raw = m.group(3)
    return unescape_string(raw)


def parse_reference(s: str, pos: int, refmap: dict) -> int:
    """§4.7: parse a link reference definition at ``pos`` of paragraph text ``s``.

    Returns the position after it (0 if there is none) and records it in ``refmap`` unless
    the label is already defined (the first definition wins).
    """
    m = RE_LINK_LABEL.match(s, pos)
    if m is None or len(m.group(1)) > MAX_LABEL:
        return 0
    raw_label = m.group(1)
    p = m.end()
    if p >= len(s) or s[p] != ":":
        return 0
    p = _skip_spnl(s, p + 1)
    dest = parse_link_destination(s, p, allow_empty=False)
    if dest is None:
        return 0
    destination, p = dest
    before_title = p
    p = _skip_spnl(s, p)
    title = None
    if p != before_title:
        tm = RE_TITLE.match(s, p)
        if tm is not None:
            title = _title_text(tm)
            p = tm.end()
    if title is None:
        p = before_title
    end = RE_LINE_END.match(s, p)
    if end is None:
        if title is None:
            return 0
        # the "title" was followed by more text: the definition may still end before it
        title = None
        end = RE_LINE_END.match(s, before_title)
        if end is None:
            return 0
    label = normalize_label(raw_label)
    if not label:
        return 0
    if label not in refmap:
        refmap[label] = (destination, title or "")
    return end.end()


class _Delimiter:
    __slots__ = ("char", "count", "orig", "node", "can_open", "can_close", "prev", "next")

    def __init__(self, char, count, node, can_open, can_close, prev):
        self.char = char
        self.count = count
        self.orig = count
        self.node = node
        self.can_open = can_open
        self.can_close = can_close
        self.prev = prev
        self.next = None


class _Bracket:
    __slots__ = ("node", "index", "image", "active", "prev_delim", "prev")

    def __init__(self, node, index, image, prev_delim, prev):
        self.node = node
        self.index = index
        self.image = image
        self.active = True
        self.prev_delim = prev_delim
        self.prev = prev


def _text_node(literal: str) -> Node:
    node = Node(TEXT)
    node.literal = literal
    return node


class InlineParser:
    """Parses the inline content of paragraphs, headings and table cells."""

    def __init__(self, refmap: dict, gfm: bool = True) -> None:
        self.refmap = refmap
        self.gfm = gfm
        self.subject = ""
        self.pos = 0
        self.block: Optional[Node] = None
        self.delimiters: Optional[_Delimiter] = None
        self.brackets: Optional[_Bracket] = None
        self._tick_runs: Optional[dict] = None
        self._no_term: dict[str, int] = {}

    def parse(self, block: Node) -> None:
        self.subject = block.string_content.strip(" \t\n")
        self.pos = 0
        self.block = block
        self.delimiters = None
        self.brackets = None
        self._tick_runs = None
        self._no_term = {}
        s = self.subject
        n = len(s)
        append = block.append_child
        while self.pos < n:
            c = s[self.pos]
            if c == "\n":
                self._newline()
            elif c == "\\":
                self._backslash()
            elif c == "`":
                self._backticks()
            elif c == "*" or c == "_" or (c == "~" and self.gfm):
                self._delimiter_run(c)
            elif c == "[":
                node = _text_node("[")
                append(node)
                self.brackets = _Bracket(node, self.pos + 1, False, self.delimiters, self.brackets)
                self.pos += 1
            elif c == "!":
                if self.pos + 1 < n and s[self.pos + 1] == "[":
                    node = _text_node("![")
                    append(node)
                    self.brackets = _Bracket(node, self.pos + 2, True, self.delimiters,
                                             self.brackets)
                    self.pos += 2
                else:
                    append(_text_node("!"))
                    self.pos += 1
            elif c == "]":
                self._close_bracket()
            elif c == "<":
                self._angle()
            elif c == "&":
                self._entity()
            else:
                m = RE_TEXT.match(s, self.pos)
                if m is None:  # "~" without GFM
                    append(_text_node(c))
                    self.pos += 1
                else:
                    append(_text_node(m.group()))
                    self.pos = m.end()
        self._process_emphasis(None)
        _merge_text(block)

    # -- simple constructs -----------------------------------------------------------------

    def _newline(self) -> None:
        # §6.7 hard line break (two or more spaces) or §6.8 soft line break
        self.pos += 1
        last = self.block.last_child
        kind = SOFTBREAK
        if last is not None and last.type == TEXT and last.literal.endswith(" "):
            if last.literal.endswith("  "):
                kind = LINEBREAK
            last.literal = last.literal.rstrip(" ")
        self.block.append_child(Node(kind))
        self.pos = RE_SPACES.match(self.subject, self.pos).end()

    def _backslash(self) -> None:
        s = self.subject
        nxt = s[self.pos + 1] if self.pos + 1 < len(s) else ""
        if nxt == "\n":
            self.block.append_child(Node(LINEBREAK))
            self.pos = RE_SPACES.match(s, self.pos + 2).end()
        elif nxt and nxt in _PUNCT:
            self.block.append_child(_text_node(nxt))
            self.pos += 2
        else:
            self.block.append_child(_text_node("\\"))
            self.pos += 1

    def _entity(self) -> None:
        m = RE_ENTITY_HERE.match(self.subject, self.pos)
        if m is not None:
            decoded = decode_entity(m.group())
            if decoded != m.group():
                self.block.append_child(_text_node(decoded))
                self.pos = m.end()
                return
        self.block.append_child(_text_node("&"))
        self.pos += 1

    def _backticks(self) -> None:
        # §6.1 code spans: the closer is the next backtick string of the same length
        s = self.subject
        m = RE_TICKS.match(s, self.pos)
        ticks = m.group()
        after = m.end()
        if self._tick_runs is None:
            runs: dict[int, list] = {}
            for r in RE_TICKS.finditer(s):
                runs.setdefault(r.end() - r.start(), []).append(r.start())
            self._tick_runs = runs
        starts = self._tick_runs.get(len(ticks))
        closer = -1
        if starts:
            i = bisect_left(starts, after)
            if i < len(starts):
                closer = starts[i]
        if closer < 0:
            self.block.append_child(_text_node(ticks))
            self.pos = after
            return
        content = s[after:closer].replace("\n", " ")
        if content[:1] == " " and content[-1:] == " " and content.strip(" "):
            content = content[1:-1]
        node = Node(CODE)
        node.literal = content
        self.block.append_child(node)
        self.pos = closer + len(ticks)

    def _angle(self) -> None:
        s = self.subject
        pos = self.pos
        m = RE_AUTOLINK_URI.match(s, pos)
        if m is not None:
            self._autolink(m.group(1), m.group(1))
            self.pos = m.end()
            return
        m = RE_AUTOLINK_EMAIL.match(s, pos)
        if m is not None:
            self._autolink("mailto:" + m.group(1), m.group(1))
            self.pos = m.end()
            return
        end = self._match_html(pos)
        if end > 0:
            node = Node(HTML_INLINE)
            node.literal = s[pos:end]
            self.block.append_child(node)
            self.pos = end
            return
        self.block.append_child(_text_node("<"))
        self.pos += 1

    def _autolink(self, dest: str, text: str) -> None:
        link = Node(LINK)
        link.destination = dest
        link.append_child(_text_node(text))
        self.block.append_child(link)

    def _find(self, term: str, start: int) -> int:
        """``str.find`` that remembers where a terminator is known to be absent, so many
        unclosed comments or processing instructions stay linear."""
        limit = self._no_term.get(term)
        if limit is not None and start >= limit:
            return -1
        i = self.subject.find(term, start)
        if i < 0:
            self._no_term[term] = start if limit is None else min(start, limit)
        return i

    def _match_html(self, pos: int) -> int:
        """§6.6: end position of the raw HTML starting at ``pos``, or 0."""
        s = self.subject
        nxt = s[pos + 1] if pos + 1 < len(s) else ""
        if nxt == "!":
            if s.startswith("<!--", pos):
                if s.startswith("<!-->", pos):
                    return pos + 5
                if s.startswith("<!--->", pos):
                    return pos + 6
                i = self._find("-->", pos + 4)
                return i + 3 if i >= 0 else 0
            if s.startswith("<![CDATA[", pos):
                i = self._find("]]>", pos + 9)
                return i + 3 if i >= 0 else 0
            if pos + 2 < len(s) and s[pos + 2].isascii() and s[pos + 2].isalpha():
                i = self._find(">", pos + 3)
                return i + 1 if i >= 0 else 0
            return 0
        if nxt == "?":
            i = self._find("?>", pos + 2)
            return i + 2 if i >= 0 else 0
        if nxt == "/":
            m = RE_CLOSE_TAG.match(s, pos)
        else:
            m = RE_OPEN_TAG.match(s, pos)
        return m.end() if m is not None else 0

    # -- emphasis (§6.2) -------------------------------------------------------------------

    def _delimiter_run(self, c: str) -> None:
        s = self.subject
        start = self.pos
        end = RE_RUN[c].match(s, start).end()
        count = end - start
        self.pos = end
        node = _text_node(s[start:end])
        self.block.append_child(node)
        if c == "~" and count > 2:
            return  # GFM: three or more tildes are plain text
        before = s[start - 1] if start > 0 else "\n"
        after = s[end] if end < len(s) else "\n"
        after_ws = is_whitespace(after)
        after_punct = is_punctuation(after)
        before_ws = is_whitespace(before)
        before_punct = is_punctuation(before)
        left = not after_ws and (not after_punct or before_ws or before_punct)
        right = not before_ws and (not before_punct or after_ws or after_punct)
        if c == "_":
            can_open = left and (not right or before_punct)
            can_close = right and (not left or after_punct)
        else:
            can_open = left
            can_close = right
        if can_open or can_close:
            d = _Delimiter(c, count, node, can_open, can_close, self.delimiters)
            if self.delimiters is not None:
                self.delimiters.next = d
            self.delimiters = d

    def _remove_delimiter(self, d: _Delimiter) -> None:
        if d.prev is not None:
            d.prev.next = d.next
        if d.next is not None:
            d.next.prev = d.prev
        else:
            self.delimiters = d.prev

    def _process_emphasis(self, stack_bottom: Optional[_Delimiter]) -> None:
        if self.delimiters is stack_bottom:
            return
        openers_bottom: dict = {}
        closer = self.delimiters
        while closer is not None and closer.prev is not stack_bottom:
            closer = closer.prev
        while closer is not None:
            if not closer.can_close:
                closer = closer.next
                continue
            c = closer.char
            if c == "~":
                key = ("~", closer.count)
            else:
                key = (c, closer.can_open, closer.orig % 3)
            bottom = openers_bottom.get(key, stack_bottom)
            opener = closer.prev
            found = False
            while opener is not None and opener is not stack_bottom and opener is not bottom:
                if opener.char == c and opener.can_open:
                    if c == "~":
                        if opener.count == closer.count:
                            found = True
                            break
                    else:
                        odd_match = ((closer.can_open or opener.can_close)
                                     and closer.orig % 3 != 0
                                     and (opener.orig + closer.orig) % 3 == 0)
                        if not odd_match:
                            found = True
                            break
                opener = opener.prev
            old_closer = closer
            if found:
                if c == "~":
                    use = closer.count
                    kind = STRIKETHROUGH
                else:
                    use = 2 if closer.count >= 2 and opener.count >= 2 else 1
                    kind = STRONG if use == 2 else EMPH
                opener.count -= use
                closer.count -= use
                opener_node = opener.node
                closer_node = closer.node
                opener_node.literal = opener_node.literal[:opener.count]
                closer_node.literal = closer_node.literal[:closer.count]
                wrapper = Node(kind)
                tmp = opener_node.next
                while tmp is not None and tmp is not closer_node:
                    nxt = tmp.next
                    wrapper.append_child(tmp)
                    tmp = nxt
                opener_node.insert_after(wrapper)
                # delimiters between opener and closer can no longer match
                opener.next = closer
                closer.prev = opener
                if opener.count == 0:
                    opener_node.unlink()
                    self._remove_delimiter(opener)
                if closer.count == 0:
                    nxt_closer = closer.next
                    closer_node.unlink()
                    self._remove_delimiter(closer)
                    closer = nxt_closer
            else:
                closer = closer.next
                openers_bottom[key] = old_closer.prev
                if not old_closer.can_open:
                    self._remove_delimiter(old_closer)
        while self.delimiters is not None and self.delimiters is not stack_bottom:
            self._remove_delimiter(self.delimiters)

    # -- links and images (§6.3, §6.4) -----------------------------------------------------

    def _close_bracket(self) -> None:
        s = self.subject
        n = len(s)
        start = self.pos
        after = start + 1
        self.pos = after
        opener = self.brackets
        if opener is None:
            self.block.append_child(_text_node("]"))
            return
        if not opener.active:
            self.block.append_child(_text_node("]"))
            self.brackets = opener.prev
            return
        matched = False
        dest = title = ""
        # inline link: ( destination "title" )
        if after < n and s[after] == "(":
            p = _skip_spnl(s, after + 1)
            parsed = parse_link_destination(s, p, allow_empty=True)
            if parsed is not None:
                dest, p = parsed
                p2 = _skip_spnl(s, p)
                title = ""
                if p2 != p:
                    tm = RE_TITLE.match(s, p2)
                    if tm is not None:
                        title = _title_text(tm)
                        p2 = _skip_spnl(s, tm.end())
                if p2 < n and s[p2] == ")":
                    matched = True
                    self.pos = p2 + 1
        if not matched:
            # full, collapsed or shortcut reference
            label = None
            new_pos = after
            lm = RE_LINK_LABEL.match(s, after)
            if lm is not None and lm.group(1):
                if len(lm.group(1)) <= MAX_LABEL:
                    label = lm.group(1)
                new_pos = lm.end()
            else:
                if lm is not None:
                    new_pos = lm.end()  # "[]"
                raw = s[opener.index:start]
                if len(raw) <= MAX_LABEL and RE_LINK_LABEL.fullmatch("[" + raw + "]"):
                    label = raw
            if label is not None:
                ref = self.refmap.get(normalize_label(label))
                if ref is not None:
                    dest, title = ref
                    matched = True
                    self.pos = new_pos
        if not matched:
            self.brackets = opener.prev
            self.block.append_child(_text_node("]"))
            self.pos = after
            return
        node = Node(IMAGE if opener.image else LINK)
        node.destination = dest
        node.title = title
        tmp = opener.node.next
        while tmp is not None:
            nxt = tmp.next
            node.append_child(tmp)
            tmp = nxt
        self.block.append_child(node)
        self._process_emphasis(opener.prev_delim)
        self.brackets = opener.prev
        opener.node.unlink()
        if not opener.image:
            # §6.3: links may not contain other links, so earlier "[" openers are disabled
            o = self.brackets
            while o is not None:
                if not o.image:
                    if not o.active:
                        break  # everything below was disabled by an earlier link
                    o.active = False
                o = o.prev


def _merge_text(root: Node) -> None:
    """Join adjacent text nodes (delimiter runs that stayed literal, escapes, ...)."""
    stack = [root]
    while stack:
        parent = stack.pop()
        child = parent.first_child
        while child is not None:
            nxt = child.next
            if child.type == TEXT:
                parts = None
                while nxt is not None and nxt.type == TEXT:
                    if parts is None:
                        parts = [child.literal]
                    parts.append(nxt.literal)
                    following = nxt.next
                    nxt.unlink()
                    nxt = following
                if parts is not None:
                    child.literal = "".join(parts)
            elif child.first_child is not None:
                stack.append(child)
            child = nxt
