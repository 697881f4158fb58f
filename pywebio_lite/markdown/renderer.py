"""Render the document tree as HTML, in the output format of the CommonMark spec's examples
(and GFM's for tables and strikethrough). The walk is iterative, so nesting depth is unlimited.
"""
from __future__ import annotations

import re

from .common import escape_html, normalize_uri
from .nodes import (
    BLOCK_QUOTE, CODE, CODE_BLOCK, DOCUMENT, EMPH, HEADING, HTML_BLOCK, HTML_INLINE, IMAGE, ITEM,
    LINEBREAK, LINK, LIST, PARAGRAPH, SOFTBREAK, STRIKETHROUGH, STRONG, TABLE, TABLE_BODY,
    TABLE_CELL, TABLE_HEAD, TABLE_ROW, TEXT, THEMATIC_BREAK, Node, walk,
)

# The language is the info string's first word (§4.5); words end at ASCII whitespace.
_RE_INFO_SPLIT = re.compile(r"[ \t\n\r\f\v]")
_SIMPLE_INLINE = {EMPH: "em", STRONG: "strong", STRIKETHROUGH: "del"}


def _in_tight_list(paragraph: Node) -> bool:
    item = paragraph.parent
    if item is None or item.type != ITEM:
        return False
    lst = item.parent
    return lst is not None and lst.tight


def render_html(doc: Node, breaks: bool = False) -> str:
    """HTML for a parsed document. ``breaks``: soft line breaks become ``<br />``."""
    out: list[str] = []
    softbreak = "<br />\n" if breaks else "\n"
    alt_depth = 0  # > 0 while rendering the alt text of an image: plain text only

    def cr() -> None:
        if out and not out[-1].endswith("\n"):
            out.append("\n")

    for node, entering in walk(doc):
        t = node.type
        if alt_depth:
            if t == IMAGE:
                alt_depth += 1 if entering else -1
                if alt_depth:
                    continue
                # leaving the outermost image: close the tag
                if node.title:
                    out.append('" title="' + escape_html(node.title))
                out.append('" />')
            elif t in (TEXT, CODE, HTML_INLINE):
                out.append(escape_html(node.literal))
            elif t in (SOFTBREAK, LINEBREAK):
                out.append(" ")
            continue
        if t == TEXT:
            out.append(escape_html(node.literal))
        elif t == SOFTBREAK:
            out.append(softbreak)
        elif t == LINEBREAK:
            out.append("<br />\n")
        elif t == CODE:
            out.append("<code>" + escape_html(node.literal) + "</code>")
        elif t in _SIMPLE_INLINE:
            tag = _SIMPLE_INLINE[t]
            out.append("<" + tag + ">" if entering else "</" + tag + ">")
        elif t == LINK:
            if entering:
                attrs = ' href="' + escape_html(normalize_uri(node.destination)) + '"'
                if node.title:
                    attrs += ' title="' + escape_html(node.title) + '"'
                out.append("<a" + attrs + ">")
            else:
                out.append("</a>")
        elif t == IMAGE:
            if entering:
                out.append('<img src="' + escape_html(normalize_uri(node.destination))
                           + '" alt="')
                alt_depth = 1
            # (leaving is handled in the alt-text branch above)
        elif t == HTML_INLINE:
            out.append(node.literal)
        elif t == PARAGRAPH:
            if _in_tight_list(node):
                continue
            if entering:
                cr()
                out.append("<p>")
            else:
                out.append("</p>")
                cr()
        elif t == HEADING:
            tag = "h%d" % node.level
            if entering:
                cr()
                out.append("<" + tag + ">")
            else:
                out.append("</" + tag + ">")
                cr()
        elif t == CODE_BLOCK:
            cr()
            lang = _RE_INFO_SPLIT.split(node.info, 1)[0]
            if lang:
                out.append('<pre><code class="language-' + escape_html(lang) + '">')
            else:
                out.append("<pre><code>")
            out.append(escape_html(node.literal) + "</code></pre>")
            cr()
        elif t == HTML_BLOCK:
            cr()
            out.append(node.literal)
            cr()
        elif t == THEMATIC_BREAK:
            cr()
            out.append("<hr />")
            cr()
        elif t == BLOCK_QUOTE:
            cr()
            out.append("<blockquote>" if entering else "</blockquote>")
            cr()
        elif t == LIST:
            tag = "ul" if node.list_type == "bullet" else "ol"
            cr()
            if entering:
                if tag == "ol" and node.start != 1:
                    out.append('<ol start="%d">' % node.start)
                else:
                    out.append("<" + tag + ">")
            else:
                out.append("</" + tag + ">")
            cr()
        elif t == ITEM:
            if entering:
                out.append("<li>")
            else:
                out.append("</li>")
                cr()
        elif t == TABLE:
            cr()
            out.append("<table>" if entering else "</table>")
            cr()
        elif t == TABLE_HEAD:
            out.append("<thead>" if entering else "</thead>")
            cr()
        elif t == TABLE_BODY:
            out.append("<tbody>" if entering else "</tbody>")
            cr()
        elif t == TABLE_ROW:
            out.append("<tr>" if entering else "</tr>")
            cr()
        elif t == TABLE_CELL:
            tag = "th" if node.is_header else "td"
            if entering:
                if node.align:
                    out.append("<%s align=\"%s\">" % (tag, node.align))
                else:
                    out.append("<" + tag + ">")
            else:
                out.append("</" + tag + ">")
                cr()
        elif t == DOCUMENT:
            pass
    return "".join(out)
