"""Phase one of parsing: the block structure (CommonMark spec 0.31.2, §4 leaf blocks, §5 container
blocks, and appendix "A parsing strategy").

The input is consumed line by line. For each line we walk down the chain of open blocks and
check whether each one continues (§5.1 block quote marker, §5.2 list item indentation, ...),
then look for new block starts, then add the rest of the line to the innermost open leaf (or
treat it as a lazy paragraph continuation). Inline content is left as raw strings in
``Node.string_content``; ``inlines.py`` parses it afterwards, once all link reference
definitions are known.
"""
from __future__ import annotations

import re
from typing import Optional

from . import gfm as _gfm
from .common import unescape_string
from .inlines import parse_reference
from .nodes import (
    BLOCK_QUOTE, CODE_BLOCK, DOCUMENT, HEADING, HTML_BLOCK, ITEM, LIST, PARAGRAPH, TABLE,
    THEMATIC_BREAK, Node,
)

RE_LINE_ENDING = re.compile(r"\r\n|\n|\r")

# §4.2 ATX headings
RE_ATX_OPEN = re.compile(r"#{1,6}(?=[ \t]|$)")
RE_ATX_CLOSE_ONLY = re.compile(r"^[ \t]*#+[ \t]*$")
RE_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
# §4.5 fenced code blocks: a backtick fence's info string may not contain backticks
RE_FENCE_OPEN = re.compile(r"`{3,}(?!.*`)|~{3,}")
RE_FENCE_CLOSE = re.compile(r"(?:`{3,}|~{3,})(?=[ \t]*$)")
# §4.3 setext heading underlines
RE_SETEXT = re.compile(r"(?:=+|-+)[ \t]*$")
# §4.1 thematic breaks
RE_THEMATIC = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,})$")
# §5.2 list markers
RE_BULLET = re.compile(r"[*+-]")
RE_ORDERED = re.compile(r"(\d{1,9})([.)])")
RE_NONSPACE = re.compile(r"[^ \t]")
RE_BLANK_LINE = re.compile(r"[ \t]*$")
RE_SPACES_TABS = re.compile(r"[ \t]*")

# §4.6 HTML blocks: the seven start conditions and the end conditions of the first five.
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|"
    "noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
_TAGNAME = r"[A-Za-z][A-Za-z0-9-]*"
_ATTRNAME = r"[a-zA-Z_:][a-zA-Z0-9_.:-]*"
_ATTRVALUE = r"(?:[^\"'=<>`\x00-\x20]+|'[^']*'|\"[^\"]*\")"
_ATTR = r"(?:[ \t]+" + _ATTRNAME + r"(?:[ \t]*=[ \t]*" + _ATTRVALUE + r")?)"
_OPEN_TAG = "<" + _TAGNAME + _ATTR + r"*[ \t]*/?>"
_CLOSE_TAG = "</" + _TAGNAME + r"[ \t]*>"
RE_HTML_BLOCK_OPEN = (
    None,
    re.compile(r"<(?:script|pre|textarea|style)(?:[ \t>]|$)", re.I),
    re.compile(r"<!--"),
    re.compile(r"<\?"),
    re.compile(r"<![A-Za-z]"),
    re.compile(r"<!\[CDATA\["),
    re.compile(r"</?(?:" + _BLOCK_TAGS + r")(?:[ \t]|/?>|$)", re.I),
    re.compile(r"(?:" + _OPEN_TAG + "|" + _CLOSE_TAG + r")[ \t]*$"),
)
RE_HTML_BLOCK_CLOSE = (
    None,
    re.compile(r"</(?:script|pre|textarea|style)>", re.I),
    re.compile(r"-->"),
    re.compile(r"\?>"),
    re.compile(r">"),
    re.compile(r"\]\]>"),
)
_RE_TYPE1_TAG = re.compile(r"</?(?:script|pre|textarea|style)(?![A-Za-z0-9-])", re.I)

# Characters that may start a block (anything else is paragraph text): a fast path.
_MAYBE_SPECIAL = frozenset("#`~*+_=<>-0123456789")
_MAYBE_SPECIAL_GFM = _MAYBE_SPECIAL | frozenset("|:")

# Results of continue/start checks
_MATCHED, _FAILED, _DONE = 0, 1, 2
_NO_START, _CONTAINER_START, _LEAF_START = 0, 1, 2


def _can_contain(parent_type: str, child_type: str) -> bool:
    if parent_type in (DOCUMENT, BLOCK_QUOTE, ITEM):
        return child_type != ITEM
    if parent_type == LIST:
        return child_type == ITEM
    return False


def _accepts_lines(node_type: str) -> bool:
    return node_type in (PARAGRAPH, CODE_BLOCK, HTML_BLOCK, TABLE)


class BlockParser:
    """Builds the block tree of one document. Use ``parse(text)`` once per instance."""

    def __init__(self, gfm: bool = True) -> None:
        self.gfm = gfm
        self.refmap: dict[str, tuple[str, str]] = {}
        self.doc = Node(DOCUMENT, 1)
        self.tip: Optional[Node] = self.doc
        self.oldtip: Optional[Node] = self.doc
        self.last_matched_container: Node = self.doc
        self.line = ""
        self.line_number = 0
        self.offset = 0
        self.column = 0
        self.next_nonspace = 0
        self.next_nonspace_column = 0
        self.indent = 0
        self.indented = False
        self.blank = False
        self.partially_consumed_tab = False
        self.all_closed = True
        self._ws_from = self._ws_end = -1
        self._ws_has_tab = False
        self._special = _MAYBE_SPECIAL_GFM if gfm else _MAYBE_SPECIAL
        self._starts = [
            self._start_block_quote,
            self._start_atx_heading,
            self._start_fenced_code,
            self._start_html_block,
            self._start_setext_heading,
            self._start_thematic_break,
        ]
        # GFM tables come after list items, as in cmark-gfm ("- |" starts a list item)
        self._starts.append(self._start_list_item)
        if gfm:
            self._starts.append(self._start_table)
        self._starts.append(self._start_indented_code)

    # -- driver ---------------------------------------------------------------------------

    def parse(self, text: str) -> Node:
        # §2.3: U+0000 is replaced by U+FFFD
        if "\0" in text:
            text = text.replace("\0", "\ufffd")
        lines = RE_LINE_ENDING.split(text)
        if lines and lines[-1] == "":
            lines.pop()  # the final line ending does not start another line
        for line in lines:
            self._incorporate_line(line)
        while self.tip is not None:
            self._finalize(self.tip, self.line_number)
        return self.doc

    # -- position helpers (tabs count as advancing to the next multiple of 4, §2.2) -------

    def _find_next_nonspace(self) -> None:
        line = self.line
        offset = self.offset
        # The run of spaces/tabs found last time is remembered, so deep nesting does not
        # rescan the same indentation once per open container.
        if self._ws_from <= offset <= self._ws_end:
            i = self._ws_end
        else:
            i = RE_SPACES_TABS.match(line, offset).end()
            self._ws_from = offset
            self._ws_end = i
            self._ws_has_tab = line.find("\t", offset, i) >= 0
        cols = self.column
        if self._ws_has_tab:
            for c in line[offset:i]:
                cols += 4 - (cols % 4) if c == "\t" else 1
        else:
            cols += i - offset
        self.blank = i >= len(line)
        self.next_nonspace = i
        self.next_nonspace_column = cols
        self.indent = cols - self.column
        self.indented = self.indent >= 4

    def _advance_next_nonspace(self) -> None:
        self.offset = self.next_nonspace
        self.column = self.next_nonspace_column
        self.partially_consumed_tab = False

    def _advance_offset(self, count: int, columns: bool) -> None:
        line = self.line
        n = len(line)
        while count > 0 and self.offset < n:
            if line[self.offset] == "\t":
                chars_to_tab = 4 - (self.column % 4)
                if columns:
                    self.partially_consumed_tab = chars_to_tab > count
                    step = min(count, chars_to_tab)
                    self.column += step
                    if not self.partially_consumed_tab:
                        self.offset += 1
                    count -= step
                else:
                    self.partially_consumed_tab = False
                    self.column += chars_to_tab
                    self.offset += 1
                    count -= 1
            else:
                self.partially_consumed_tab = False
                self.offset += 1
                self.column += 1
                count -= 1

    def _peek(self, i: int) -> str:
        return self.line[i] if i < len(self.line) else ""

    # -- tree helpers ----------------------------------------------------------------------

    def _add_line(self) -> None:
        tip = self.tip
        if self.partially_consumed_tab:
            # the rest of a tab that was partly used as indentation becomes spaces
            self.offset += 1
            chars_to_tab = 4 - (self.column % 4)
            text = " " * chars_to_tab + self.line[self.offset:]
        else:
            text = self.line[self.offset:]
        tip.lines.append(text)
        if not (tip.type == CODE_BLOCK and tip.fence_length == 0 and self.blank):
            tip.end_line = self.line_number

    def _add_child(self, node_type: str) -> Node:
        while not _can_contain(self.tip.type, node_type):
            self._finalize(self.tip, self.line_number - 1)
        node = Node(node_type, self.line_number)
        if _accepts_lines(node_type):
            node.lines = []
        self.tip.append_child(node)
        self.tip = node
        return node

    def _close_unmatched_blocks(self) -> None:
        if not self.all_closed:
            while self.oldtip is not self.last_matched_container:
                parent = self.oldtip.parent
                self._finalize(self.oldtip, self.line_number - 1)
                self.oldtip = parent
            self.all_closed = True

    # -- the per-line algorithm (appendix: "Phase 1: block structure") ---------------------

    def _incorporate_line(self, line: str) -> None:
        container = self.doc
        self.oldtip = self.tip
        self.offset = 0
        self.column = 0
        self.blank = False
        self.partially_consumed_tab = False
        self.line_number += 1
        self.line = line
        self._ws_from = self._ws_end = -1
        self._ws_has_tab = False

        # 1. Which open blocks does this line continue?
        while True:
            last_child = container.last_child
            if last_child is None or not last_child.open:
                break
            container = last_child
            self._find_next_nonspace()
            result = self._continue(container)
            if result == _MATCHED:
                continue
            if result == _FAILED:
                container = container.parent
                break
            return  # _DONE: the line was consumed (closing code fence)

        self.all_closed = container is self.oldtip
        self.last_matched_container = container

        # 2. New block starts, unless the container is a leaf that takes raw lines.
        matched_leaf = container.type in (CODE_BLOCK, HTML_BLOCK)
        special = self._special
        while not matched_leaf:
            self._find_next_nonspace()
            if not self.indented and (self.blank or line[self.next_nonspace] not in special):
                self._advance_next_nonspace()
                break
            result = _NO_START
            for start in self._starts:
                result = start(container)
                if result != _NO_START:
                    break
            if result == _CONTAINER_START:
                container = self.tip
            elif result == _LEAF_START:
                container = self.tip
                matched_leaf = True
            else:
                self._advance_next_nonspace()
                break

        # 3. Add the rest of the line: lazy continuation (§5.1), to the open leaf, or a
        #    new paragraph.
        if not self.all_closed and not self.blank and self.tip.type == PARAGRAPH:
            self._add_line()
            return
        self._close_unmatched_blocks()
        t = container.type
        if _accepts_lines(t):
            self._add_line()
            if t == HTML_BLOCK and 1 <= container.html_type <= 5:
                if RE_HTML_BLOCK_CLOSE[container.html_type].search(line, self.offset):
                    self._finalize(container, self.line_number)
        elif self.offset < len(line) and not self.blank:
            self._add_child(PARAGRAPH)
            self._advance_next_nonspace()
            self._add_line()

    def _continue(self, container: Node) -> int:
        t = container.type
        if t == PARAGRAPH or t == TABLE:
            return _FAILED if self.blank else _MATCHED
        if t == ITEM:
            # §5.2: continuation lines are indented by the item's content offset
            if self.blank:
                if container.first_child is None:
                    return _FAILED  # an item can begin with at most one blank line
                self._advance_next_nonspace()
            elif self.indent >= container.marker_offset + container.padding:
                self._advance_offset(container.marker_offset + container.padding, True)
            else:
                return _FAILED
            return _MATCHED
        if t == BLOCK_QUOTE:
            # §5.1 block quote marker
            if not self.indented and self._peek(self.next_nonspace) == ">":
                self._advance_next_nonspace()
                self._advance_offset(1, False)
                if self._peek(self.offset) in (" ", "\t"):
                    self._advance_offset(1, True)
                container.end_line = self.line_number
                return _MATCHED
            return _FAILED
        if t == LIST or t == DOCUMENT:
            return _MATCHED
        if t == CODE_BLOCK:
            if container.fence_length:
                # §4.5 closing fence
                if self.indent <= 3 and self._peek(self.next_nonspace) == container.fence_char:
                    m = RE_FENCE_CLOSE.match(self.line, self.next_nonspace)
                    if m and len(m.group()) >= container.fence_length:
                        container.end_line = self.line_number
                        self._finalize(container, self.line_number)
                        return _DONE
                i = container.fence_offset
                while i > 0 and self._peek(self.offset) in (" ", "\t"):
                    self._advance_offset(1, True)
                    i -= 1
                return _MATCHED
            # §4.4 indented code
            if self.indent >= 4:
                self._advance_offset(4, True)
            elif self.blank:
                self._advance_next_nonspace()
            else:
                return _FAILED
            return _MATCHED
        if t == HTML_BLOCK:
            if self.blank and container.html_type in (6, 7):
                return _FAILED
            return _MATCHED
        return _FAILED  # headings, thematic breaks: one line only

    # -- block starts ----------------------------------------------------------------------

    def _start_block_quote(self, container: Node) -> int:
        if not self.indented and self.line[self.next_nonspace] == ">":
            self._advance_next_nonspace()
            self._advance_offset(1, False)
            if self._peek(self.offset) in (" ", "\t"):
                self._advance_offset(1, True)
            self._close_unmatched_blocks()
            self._add_child(BLOCK_QUOTE)
            return _CONTAINER_START
        return _NO_START

    def _start_atx_heading(self, container: Node) -> int:
        if self.indented:
            return _NO_START
        m = RE_ATX_OPEN.match(self.line, self.next_nonspace)
        if m is None:
            return _NO_START
        self._advance_next_nonspace()
        self._advance_offset(len(m.group()), False)
        self._close_unmatched_blocks()
        heading = self._add_child(HEADING)
        heading.level = len(m.group())
        content = self.line[self.offset:]
        content = RE_ATX_CLOSE_ONLY.sub("", content)
        content = RE_ATX_CLOSE.sub("", content)
        heading.string_content = content.strip(" \t")
        self._advance_offset(len(self.line) - self.offset, False)
        return _LEAF_START

    def _start_fenced_code(self, container: Node) -> int:
        if self.indented:
            return _NO_START
        m = RE_FENCE_OPEN.match(self.line, self.next_nonspace)
        if m is None:
            return _NO_START
        fence = m.group()
        self._close_unmatched_blocks()
        block = self._add_child(CODE_BLOCK)
        block.fence_char = fence[0]
        block.fence_length = len(fence)
        block.fence_offset = self.indent
        self._advance_next_nonspace()
        self._advance_offset(len(fence), False)
        block.info = unescape_string(self.line[self.offset:].strip(" \t"))
        self._advance_offset(len(self.line) - self.offset, False)
        return _LEAF_START

    def _start_html_block(self, container: Node) -> int:
        if self.indented or self.line[self.next_nonspace] != "<":
            return _NO_START
        rest = self.line[self.next_nonspace:]
        for block_type in range(1, 8):
            if RE_HTML_BLOCK_OPEN[block_type].match(rest):
                if block_type == 7:
                    # type 7 cannot interrupt a paragraph, not even a lazy one
                    if container.type == PARAGRAPH or (
                        not self.all_closed and not self.blank and self.tip.type == PARAGRAPH
                    ):
                        return _NO_START
                    if _RE_TYPE1_TAG.match(rest):
                        return _NO_START
                self._close_unmatched_blocks()
                block = self._add_child(HTML_BLOCK)
                block.html_type = block_type
                return _LEAF_START
        return _NO_START

    def _start_setext_heading(self, container: Node) -> int:
        if self.indented or container.type != PARAGRAPH:
            return _NO_START
        m = RE_SETEXT.match(self.line, self.next_nonspace)
        if m is None:
            return _NO_START
        self._close_unmatched_blocks()
        # Link reference definitions at the start of the paragraph are not heading text.
        rest = self._take_references("\n".join(container.lines))
        if not rest:
            container.lines = []
            return _NO_START
        heading = Node(HEADING, container.start_line)
        heading.level = 1 if m.group()[0] == "=" else 2
        heading.setext = True
        heading.string_content = rest
        heading.end_line = self.line_number
        container.insert_after(heading)
        container.unlink()
        self.tip = heading
        self._advance_offset(len(self.line) - self.offset, False)
        return _LEAF_START

    def _start_thematic_break(self, container: Node) -> int:
        if self.indented or not RE_THEMATIC.match(self.line, self.next_nonspace):
            return _NO_START
        self._close_unmatched_blocks()
        self._add_child(THEMATIC_BREAK)
        self._advance_offset(len(self.line) - self.offset, False)
        return _LEAF_START

    def _start_table(self, container: Node) -> int:
        # GFM §4.10 tables: a header row (the paragraph's last line) and a delimiter row
        if self.indented or container.type != PARAGRAPH:
            return _NO_START
        alignments = _gfm.parse_delimiter_row(self.line[self.next_nonspace:])
        if alignments is None:
            return _NO_START
        # Cheap check first: reference definitions end at line ends, so the header row is
        # the paragraph's last line whenever anything is left of the paragraph.
        if len(_gfm.split_row(container.lines[-1])) != len(alignments):
            return _NO_START
        rest = self._take_references("\n".join(container.lines))
        if not rest:
            container.lines = []
            return _NO_START
        lines = rest.split("\n")
        header = lines[-1]
        if len(_gfm.split_row(header)) != len(alignments):
            container.lines = lines
            return _NO_START
        self._close_unmatched_blocks()
        if len(lines) > 1:
            container.lines = lines[:-1]
            self._finalize(container, self.line_number - 1)
        else:
            parent = container.parent
            container.unlink()
            self.tip = parent
        table = self._add_child(TABLE)
        table.start_line = self.line_number - 1
        table.alignments = alignments
        table.lines.append(header)
        self._advance_offset(len(self.line) - self.offset, False)
        return _LEAF_START

    def _parse_list_marker(self, container: Node) -> Optional[Node]:
        if self.indent >= 4:
            return None
        line = self.line
        nn = self.next_nonspace
        data = Node(LIST)
        m = RE_BULLET.match(line, nn)
        if m is not None:
            data.list_type = "bullet"
            data.bullet_char = m.group()
        else:
            m = RE_ORDERED.match(line, nn)
            if m is None:
                return None
            if container.type == PARAGRAPH and m.group(1) != "1":
                return None  # §5.2: only a list starting with 1 can interrupt a paragraph
            data.list_type = "ordered"
            data.start = int(m.group(1))
            data.delimiter = m.group(2)
        marker_end = m.end()
        if marker_end < len(line) and line[marker_end] not in " \t":
            return None
        if container.type == PARAGRAPH and not RE_NONSPACE.search(line, marker_end):
            return None  # an empty item cannot interrupt a paragraph
        marker_len = marker_end - nn
        self._advance_next_nonspace()
        self._advance_offset(marker_len, True)
        spaces_start_col = self.column
        spaces_start_offset = self.offset
        while True:
            self._advance_offset(1, True)
            nextc = self._peek(self.offset)
            if not (self.column - spaces_start_col < 5 and nextc in (" ", "\t") and nextc):
                break
        blank_item = self.offset >= len(line)
        spaces_after_marker = self.column - spaces_start_col
        if spaces_after_marker >= 5 or spaces_after_marker < 1 or blank_item:
            # §5.2 rule 2/3: content starts one space after the marker
            data.padding = marker_len + 1
            self.column = spaces_start_col
            self.offset = spaces_start_offset
            self.partially_consumed_tab = False
            if self._peek(self.offset) in (" ", "\t") and self._peek(self.offset):
                self._advance_offset(1, True)
        else:
            data.padding = marker_len + spaces_after_marker
        data.marker_offset = self.indent
        return data

    def _start_list_item(self, container: Node) -> int:
        if self.indented:
            return _NO_START
        data = self._parse_list_marker(container)
        if data is None:
            return _NO_START
        self._close_unmatched_blocks()
        tip = self.tip
        if tip.type != LIST or not (
            tip.list_type == data.list_type
            and tip.delimiter == data.delimiter
            and tip.bullet_char == data.bullet_char
        ):
            lst = self._add_child(LIST)
            lst.list_type = data.list_type
            lst.bullet_char = data.bullet_char
            lst.delimiter = data.delimiter
            lst.start = data.start
        item = self._add_child(ITEM)
        item.list_type = data.list_type
        item.bullet_char = data.bullet_char
        item.delimiter = data.delimiter
        item.start = data.start
        item.padding = data.padding
        item.marker_offset = data.marker_offset
        return _CONTAINER_START

    def _start_indented_code(self, container: Node) -> int:
        if self.indented and self.tip.type != PARAGRAPH and not self.blank:
            self._advance_offset(4, True)
            self._close_unmatched_blocks()
            self._add_child(CODE_BLOCK)
            return _LEAF_START
        return _NO_START

    # -- finalization ----------------------------------------------------------------------

    def _take_references(self, content: str) -> str:
        """Strip (and record) link reference definitions at the start of paragraph text."""
        pos = 0
        while pos < len(content) and content[pos] == "[":
            end = parse_reference(content, pos, self.refmap)
            if not end:
                break
            pos = end
        return content[pos:]

    def _finalize(self, block: Node, line_number: int) -> None:
        above = block.parent
        block.open = False
        t = block.type
        if t == PARAGRAPH:
            rest = self._take_references("\n".join(block.lines))
            if RE_BLANK_LINE.match(rest):
                block.unlink()
            else:
                block.string_content = rest
            block.lines = None
        elif t == CODE_BLOCK:
            lines = block.lines
            if block.fence_length:
                del lines[:1]  # what followed the opening fence (the info string)
            else:
                # §4.4: trailing blank lines are not part of an indented code block
                while lines and RE_BLANK_LINE.match(lines[-1]):
                    lines.pop()
            block.literal = "".join(ln + "\n" for ln in lines)
            block.lines = None
        elif t == HTML_BLOCK:
            lines = block.lines
            while lines and RE_BLANK_LINE.match(lines[-1]):
                lines.pop()
            block.literal = "\n".join(lines)
            block.lines = None
        elif t == BLOCK_QUOTE:
            if block.last_child is not None:  # lazy continuation lines count too
                block.end_line = max(block.end_line, block.last_child.end_line)
        elif t == ITEM:
            block.end_line = block.last_child.end_line if block.last_child else block.start_line
        elif t == LIST:
            self._finalize_list(block)
        elif t == TABLE:
            _gfm.build_table(block)
        self.tip = above

    @staticmethod
    def _finalize_list(block: Node) -> None:
        # §5.3: a list is loose if items are separated by blank lines, or if an item
        # directly contains two block-level elements with a blank line between them.
        block.end_line = block.last_child.end_line if block.last_child else block.start_line
        tight = True
        item = block.first_child
        while item is not None and tight:
            if item.next is not None and item.next.start_line > item.end_line + 1:
                tight = False
                break
            sub = item.first_child
            while sub is not None:
                if sub.next is not None and sub.next.start_line > sub.end_line + 1:
                    tight = False
                    break
                sub = sub.next
            item = item.next
        block.tight = tight
