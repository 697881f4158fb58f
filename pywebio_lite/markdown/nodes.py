"""The document tree shared by the block parser, the inline parser and the renderer.

Children are kept in a doubly linked list (``first_child``/``last_child`` on the parent,
``prev``/``next`` between siblings) so the inline parser can splice nodes in and out in O(1),
which the emphasis and link algorithms of the CommonMark spec (appendix "A parsing strategy")
need to stay linear. ``walk`` visits a tree without recursion, so deeply nested input cannot hit
Python's recursion limit.
"""
from __future__ import annotations

from typing import Iterator, Optional

# Block node types
DOCUMENT = "document"
BLOCK_QUOTE = "block_quote"
LIST = "list"
ITEM = "item"
PARAGRAPH = "paragraph"
HEADING = "heading"
THEMATIC_BREAK = "thematic_break"
CODE_BLOCK = "code_block"
HTML_BLOCK = "html_block"
TABLE = "table"
TABLE_HEAD = "table_head"
TABLE_BODY = "table_body"
TABLE_ROW = "table_row"
TABLE_CELL = "table_cell"

# Inline node types
TEXT = "text"
SOFTBREAK = "softbreak"
LINEBREAK = "linebreak"
CODE = "code"
EMPH = "emph"
STRONG = "strong"
STRIKETHROUGH = "strikethrough"
LINK = "link"
IMAGE = "image"
HTML_INLINE = "html_inline"

# Nodes that never have children; the walker reports them once (entering only).
LEAVES = frozenset({
    THEMATIC_BREAK, CODE_BLOCK, HTML_BLOCK,
    TEXT, SOFTBREAK, LINEBREAK, CODE, HTML_INLINE,
})


class Node:
    """One node of the tree. Attributes unused by a node type stay at their defaults."""

    __slots__ = (
        "type", "parent", "first_child", "last_child", "prev", "next",
        # block parsing state
        "open", "start_line", "end_line", "lines", "string_content",
        # type-specific data
        "literal", "level", "info", "fence_char", "fence_length", "fence_offset",
        "html_type", "list_type", "bullet_char", "delimiter", "start", "tight",
        "marker_offset", "padding", "destination", "title", "setext",
        "alignments", "align", "is_header",
    )

    def __init__(self, type_: str, start_line: int = 0) -> None:
        self.type = type_
        self.parent: Optional[Node] = None
        self.first_child: Optional[Node] = None
        self.last_child: Optional[Node] = None
        self.prev: Optional[Node] = None
        self.next: Optional[Node] = None
        self.open = True
        self.start_line = start_line
        self.end_line = start_line
        self.lines: Optional[list] = None
        self.string_content = ""
        self.literal = ""
        self.level = 0
        self.info = ""
        self.fence_char = ""
        self.fence_length = 0
        self.fence_offset = 0
        self.html_type = 0
        self.list_type = ""
        self.bullet_char = ""
        self.delimiter = ""
        self.start = 1
        self.tight = True
        self.marker_offset = 0
        self.padding = 0
        self.destination = ""
        self.title = ""
        self.setext = False
        self.alignments: Optional[list] = None
        self.align = ""
        self.is_header = False

    def __repr__(self) -> str:
        return f"<Node {self.type}>"

    def append_child(self, child: "Node") -> None:
        child.unlink()
        child.parent = self
        if self.last_child is not None:
            self.last_child.next = child
            child.prev = self.last_child
            self.last_child = child
        else:
            self.first_child = child
            self.last_child = child

    def insert_after(self, sibling: "Node") -> None:
        """Put ``sibling`` right after this node."""
        sibling.unlink()
        sibling.next = self.next
        if sibling.next is not None:
            sibling.next.prev = sibling
        sibling.prev = self
        self.next = sibling
        sibling.parent = self.parent
        if sibling.next is None and self.parent is not None:
            self.parent.last_child = sibling

    def insert_before(self, sibling: "Node") -> None:
        """Put ``sibling`` right before this node."""
        sibling.unlink()
        sibling.prev = self.prev
        if sibling.prev is not None:
            sibling.prev.next = sibling
        sibling.next = self
        self.prev = sibling
        sibling.parent = self.parent
        if sibling.prev is None and self.parent is not None:
            self.parent.first_child = sibling

    def unlink(self) -> None:
        if self.prev is not None:
            self.prev.next = self.next
        elif self.parent is not None:
            self.parent.first_child = self.next
        if self.next is not None:
            self.next.prev = self.prev
        elif self.parent is not None:
            self.parent.last_child = self.prev
        self.parent = None
        self.next = None
        self.prev = None

    def children(self) -> Iterator["Node"]:
        child = self.first_child
        while child is not None:
            nxt = child.next
            yield child
            child = nxt


def walk(root: Node) -> Iterator[tuple[Node, bool]]:
    """Yield ``(node, entering)`` pairs in document order, without recursion.

    Leaf types (see ``LEAVES``) are yielded once with ``entering=True``; container nodes are
    yielded entering and again leaving (also when they happen to have no children).
    """
    node: Optional[Node] = root
    entering = True
    while node is not None:
        if node.type in LEAVES:
            yield node, True
        elif entering:
            yield node, True
            if node.first_child is not None:
                node = node.first_child
                continue
            entering = False
            continue
        else:
            yield node, False
        if node is root:
            return
        if node.next is not None:
            node = node.next
            entering = True
        else:
            node = node.parent
            entering = False
