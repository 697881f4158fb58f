"""Markdown to HTML: a CommonMark 0.31.2 renderer with the GFM extensions (tables,
strikethrough, extended autolinks) and an allowlist HTML sanitizer, standard library only.

    from pywebio_lite.markdown import render
    render("# Hello *world*")            # '<h1>Hello <em>world</em></h1>\\n'

Modules: ``blocks`` (block structure), ``inlines`` (inline structure), ``gfm`` (extensions),
``renderer`` (tree to HTML), ``sanitize`` (HTML allowlist filter), ``nodes`` (the tree),
``common`` (character classes and escaping).
"""
from __future__ import annotations

from .blocks import BlockParser
from .gfm import apply_autolinks
from .inlines import InlineParser
from .nodes import HEADING, PARAGRAPH, TABLE_CELL, Node
from .renderer import render_html
from .sanitize import sanitize_html

__all__ = ["render", "parse", "render_html", "sanitize_html"]

_INLINE_CONTAINERS = (PARAGRAPH, HEADING, TABLE_CELL)


def parse(text: str, *, gfm: bool = True) -> Node:
    """Parse ``text`` into a document tree (blocks and inlines)."""
    if not isinstance(text, str):
        raise TypeError("text must be str, not %s" % type(text).__name__)
    block_parser = BlockParser(gfm=gfm)
    doc = block_parser.parse(text)
    inline_parser = InlineParser(block_parser.refmap, gfm=gfm)
    stack = [doc]
    while stack:
        node = stack.pop()
        child = node.first_child
        while child is not None:
            if child.type in _INLINE_CONTAINERS:
                inline_parser.parse(child)
            elif child.first_child is not None:
                stack.append(child)
            child = child.next
    if gfm:
        apply_autolinks(doc)
    return doc


def render(text: str, *, breaks: bool = False, gfm: bool = True, sanitize: bool = False) -> str:
    """Render Markdown ``text`` as HTML.

    ``breaks``: soft line breaks become ``<br />`` (like marked's ``breaks: true``).
    ``gfm``: enable GitHub Flavored Markdown tables, strikethrough and extended autolinks;
    ``gfm=False`` is strict CommonMark 0.31.2.
    ``sanitize``: pass the output through ``sanitize_html`` (drops scripts, event handlers,
    dangerous URLs and any tag or attribute not on the allowlist).
    """
    if not isinstance(text, str):
        raise TypeError("text must be str, not %s" % type(text).__name__)
    for name, value in (("breaks", breaks), ("gfm", gfm), ("sanitize", sanitize)):
        if not isinstance(value, bool):
            raise TypeError("%s must be bool, not %s" % (name, type(value).__name__))
    html = render_html(parse(text, gfm=gfm), breaks=breaks)
    if sanitize:
        html = sanitize_html(html)
    return html
