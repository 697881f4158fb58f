"""GitHub Flavored Markdown extensions (GFM spec 0.29): tables (§4.10) and extended autolinks
(§6.9). Strikethrough (§6.5) lives in the emphasis algorithm of ``inlines.py``.

Where the GFM spec is silent, behaviour follows cmark-gfm: ``ftp://`` links, schemes in any
case, ``http://localhost`` without a period, trailing quotes and semicolons left out.
"""
from __future__ import annotations

import re
from typing import Optional

from .nodes import (
    IMAGE, LINK, TABLE_BODY, TABLE_CELL, TABLE_HEAD, TABLE_ROW, TEXT, Node,
)

# -- tables ---------------------------------------------------------------------------------

RE_DELIMITER_CELL = re.compile(r":?-+:?")


def split_row(line: str) -> list[str]:
    """Split a table row into cell texts at unescaped pipes (GFM §4.10).

    A leading and a trailing pipe are optional. ``\\|`` becomes a literal ``|`` in the cell
    text, also inside code spans; other backslash escapes are left for the inline parser.
    """
    s = line.strip(" \t")
    if s.startswith("|"):
        s = s[1:]
        if not s:
            return []  # a lone pipe has no cells
    cells: list[str] = []
    cur: list[str] = []
    i = 0
    n = len(s)
    ended_with_pipe = False
    while i < n:
        c = s[i]
        ended_with_pipe = False
        if c == "\\" and i + 1 < n:
            if s[i + 1] == "|":
                cur.append("|")
            else:
                cur.append(s[i:i + 2])
            i += 2
            continue
        if c == "|":
            cells.append("".join(cur).strip(" \t"))
            cur = []
            ended_with_pipe = True
        else:
            cur.append(c)
        i += 1
    if not ended_with_pipe or not cells:
        cells.append("".join(cur).strip(" \t"))
    return cells


def parse_delimiter_row(line: str) -> Optional[list[str]]:
    """The alignments of a delimiter row (``| :-- | --: |``), or None if it is not one."""
    stripped = line.strip(" \t")
    if "-" not in stripped:
        return None
    if "|" not in stripped and ":" not in stripped:
        return None  # a bare "---" is a thematic break or setext underline
    cells = split_row(line)
    alignments = []
    for cell in cells:
        if not RE_DELIMITER_CELL.fullmatch(cell):
            return None
        left = cell.startswith(":")
        right = cell.endswith(":")
        if left and right:
            alignments.append("center")
        elif left:
            alignments.append("left")
        elif right:
            alignments.append("right")
        else:
            alignments.append("")
    return alignments


def _row(cells: list[str], alignments: list[str], header: bool) -> Node:
    row = Node(TABLE_ROW)
    for i, align in enumerate(alignments):
        cell = Node(TABLE_CELL)
        cell.align = align
        cell.is_header = header
        cell.string_content = cells[i] if i < len(cells) else ""
        row.append_child(cell)
    return row


def build_table(table: Node) -> None:
    """Turn the raw lines of a finished table block into head/body/row/cell nodes."""
    alignments = table.alignments or []
    lines = table.lines or []
    head = Node(TABLE_HEAD)
    head.append_child(_row(split_row(lines[0]), alignments, True))
    table.append_child(head)
    body = None
    for line in lines[1:]:
        if not line.strip(" \t"):
            continue  # the delimiter row leaves an empty remainder
        if body is None:
            body = Node(TABLE_BODY)
            table.append_child(body)
        body.append_child(_row(split_row(line), alignments, False))
    table.lines = None


# -- extended autolinks (§6.9) --------------------------------------------------------------

RE_CANDIDATE = re.compile(r"www\.|(?i:https?|ftp)://|@")
RE_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)*")
RE_PATH = re.compile(r"[^\s<]*")
RE_EMAIL_DOMAIN = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?")
_EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-")
_BOUNDARY = frozenset(" \t\n\r\x0b\x0c*_~(")
# §6.9 trailing punctuation, plus quotes as cmark-gfm does
_TRAILING = frozenset("?!.,:*_~'\"")


def _valid_domain(domain: str, need_period: bool) -> bool:
    parts = domain.split(".")
    if any(not p for p in parts):
        return False
    if need_period and len(parts) < 2:
        return False
    return not any("_" in p for p in parts[-2:])


def _trim_trailing(text: str, start: int, end: int) -> int:
    """GFM §6.9 extended autolink path validation: drop trailing punctuation, unbalanced
    closing parentheses and a trailing entity-like reference."""
    opens = closes = -1  # counted on first need, then kept up to date
    while end > start:
        last = text[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last == ")":
            if opens < 0:
                opens = text.count("(", start, end)
                closes = text.count(")", start, end)
            if closes > opens:
                end -= 1
                closes -= 1
            else:
                break
        elif last == ";":
            # an entity-like "&name;" goes as a whole, a lone ";" like other punctuation
            i = end - 1
            while i > start and text[i - 1].isascii() and text[i - 1].isalnum():
                i -= 1
            if i < end - 1 and i > start and text[i - 1] == "&":
                new_end = i - 1
            else:
                new_end = end - 1
            if opens >= 0:
                opens -= text.count("(", new_end, end)
                closes -= text.count(")", new_end, end)
            end = new_end
        else:
            break
    return end


def find_autolinks(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, href)`` of each extended autolink in a run of plain text."""
    found: list[tuple[int, int, str]] = []
    last_end = 0
    for m in RE_CANDIDATE.finditer(text):
        i = m.start()
        if i < last_end:
            continue
        token = m.group()
        if token == "@":
            link = _email_at(text, i, last_end)
        else:
            if i > 0 and text[i - 1] not in _BOUNDARY:
                continue
            link = _url_at(text, i, token)
        if link is not None:
            found.append(link)
            last_end = link[1]
    return found


def _url_at(text: str, start: int, token: str) -> Optional[tuple[int, int, str]]:
    www = token == "www."
    domain_start = start if www else start + len(token)
    dm = RE_DOMAIN.match(text, domain_start)
    if dm is None:
        return None
    domain = dm.group()
    after = dm.end()
    if after >= len(text) or text[after].isspace() or text[after] == "<":
        domain = domain.rstrip("".join(_TRAILING))  # no path: trailing dots are punctuation
    # "http://localhost:8000" is linked too (as cmark-gfm does); "www." needs a period
    if not _valid_domain(domain, need_period=www):
        return None
    end = RE_PATH.match(text, after).end()
    end = max(_trim_trailing(text, start, end), domain_start + len(domain))
    link_text = text[start:end]
    href = "http://" + link_text if www else link_text
    return start, end, href


def _email_at(text: str, at: int, floor: int) -> Optional[tuple[int, int, str]]:
    k = at
    while k > floor and text[k - 1] in _EMAIL_LOCAL:
        k -= 1
    if k == at:
        return None
    dm = RE_EMAIL_DOMAIN.match(text, at + 1)
    if dm is None:
        return None
    end = dm.end()
    if text[end - 1] == ".":
        end -= 1
    if end < len(text) and text[end] in "-_":
        return None  # the address may not end with "-" or "_"
    domain = text[at + 1:end]
    if "." not in domain or domain[-1] in "-_":
        return None
    for scheme in ("mailto:", "xmpp:"):
        if k - len(scheme) >= floor and text[k - len(scheme):k].lower() == scheme:
            return k - len(scheme), end, text[k - len(scheme):end]
    return k, end, "mailto:" + text[k:end]


def apply_autolinks(root: Node) -> None:
    """Turn extended autolinks in text nodes (outside links and images) into link nodes."""
    targets = []
    stack = [root]
    while stack:
        parent = stack.pop()
        child = parent.first_child
        while child is not None:
            if child.type == TEXT:
                targets.append(child)
            elif child.type not in (LINK, IMAGE) and child.first_child is not None:
                stack.append(child)
            child = child.next
    for node in targets:
        text = node.literal
        links = find_autolinks(text)
        if not links:
            continue
        pos = 0
        for start, end, href in links:
            if start > pos:
                before = Node(TEXT)
                before.literal = text[pos:start]
                node.insert_before(before)
            link = Node(LINK)
            link.destination = href
            label = Node(TEXT)
            label.literal = text[start:end]
            link.append_child(label)
            node.insert_before(link)
            pos = end
        if pos < len(text):
            node.literal = text[pos:]
        else:
            node.unlink()
