"""A JavaScript (and CSS) tokenizer, and compaction that keeps every line where it was.

`tokenize(source)` cuts ES2022 source into (kind, text) tokens, kinds: "ws", "comment", "str",
"tpl" (a whole template literal, `${}` parts included), "re", "name", "num", "punct". It knows the
things that make naive text tools wrong: strings and template literals that hold `//` or `/*`,
regular expression literals, nested `${ `{}` }`.

`compact_js(source)` (`compact_tokens(tokens)`) drops comments and indentation and the spaces tokens do not need, but keeps
each newline (a comment spanning three lines leaves three newlines), so line numbers in the
browser's errors still match the source files. It checks its own work: the compact text must
cut into the same significant tokens as the source, or the source is returned as it was.
`compact_css(source)` does the same for CSS.

Pure functions: text in, text out. Nothing here runs the code.
"""
from __future__ import annotations

import re

__all__ = ["tokenize", "compact_js", "compact_tokens", "compact_css", "JSSyntaxError"]


class JSSyntaxError(ValueError):
    """The source is not JavaScript this tokenizer can cut (an unterminated string, comment...)."""


_NAME = re.compile(r"#?[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*")
_NUM = re.compile(r"0[xXoObB][\da-fA-F_]+n?|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?n?")
_PUNCT = re.compile(r">>>=|\.\.\.|===|!==|\*\*=|<<=|>>=|>>>|&&=|\|\|=|\?\?=|=>|==|!=|<=|>=|&&|\|\||\?\?|\?\.(?!\d)"
                    r"|\+\+|--|\+=|-=|\*=|/=|%=|&=|\|=|\^=|\*\*|<<|>>|[{}()\[\];,<>+\-*/%&|^!~?:=.@]")
_REGEX = re.compile(r"/(?![*/])(?:[^/\\\[\n]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[a-z]*")
# After these a "/" starts a regular expression, not a division.
_REGEX_AFTER_WORDS = frozenset("return typeof instanceof in of new delete void throw case do else yield await".split())
_DIVISION_AFTER_PUNCT = frozenset({")", "]", "}"})


def _regex_allowed(prev: tuple[str, str] | None) -> bool:
    if prev is None:
        return True
    kind, text = prev
    if kind == "name":
        return text in _REGEX_AFTER_WORDS
    if kind == "punct":
        return text not in _DIVISION_AFTER_PUNCT
    return False  # after a number, string, template or regex


def _template_end(src: str, i: int) -> int:
    """The index after the template literal starting at src[i] (a backtick)."""
    n = len(src)
    i += 1
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
        elif c == "`":
            return i + 1
        elif c == "$" and src.startswith("${", i):
            i = _scan(src, i + 2, None, until_brace=True)
        else:
            i += 1
    raise JSSyntaxError("unterminated template literal")


# One pattern for the tokens that need no context; templates and regular expressions are cut
# by hand (a "/" is a regular expression or a division depending on the token before it).
_TOKEN = re.compile("|".join([
    r"(?P<ws>[ \t\r\n\f\v\u00a0\ufeff\u2028\u2029]+)",
    r"(?P<comment>//[^\n]*|/\*[\s\S]*?\*/)",
    r"(?P<str>'(?:[^'\\\n]|\\[\s\S])*'|\"(?:[^\"\\\n]|\\[\s\S])*\")",
    f"(?P<num>{_NUM.pattern})",
    f"(?P<name>{_NAME.pattern})",
    f"(?P<punct>{_PUNCT.pattern})",
]))


def _scan(src: str, i: int, out: list | None, until_brace: bool = False) -> int:
    """Cut tokens from src[i:] into `out` (None: only find the end). With `until_brace`, stop after
    the "}" that closes a template's "${"; return the index reached."""
    n = len(src)
    depth = 0
    prev = None
    match = _TOKEN.match
    while i < n:
        m = match(src, i)
        kind = m.lastgroup if m else None
        if kind == "punct":
            text = m.group()
            if text[0] == "/" and src.startswith("/*", i):
                raise JSSyntaxError("unterminated comment")
            if text in ("/", "/=") and _regex_allowed(prev):
                r = _REGEX.match(src, i)
                if not r:
                    raise JSSyntaxError(f"unterminated regular expression at offset {i}")
                kind, text = "re", r.group()
            elif until_brace:
                if text == "{":
                    depth += 1
                elif text == "}":
                    if depth == 0:
                        return i + 1
                    depth -= 1
            tok = (kind, text)
        elif kind is not None:
            tok = (kind, m.group())
        elif src[i] == "`":
            tok = ("tpl", src[i:_template_end(src, i)])
        elif src[i] in "'\"":
            raise JSSyntaxError(f"unterminated string at offset {i}")
        else:
            raise JSSyntaxError(f"unexpected character {src[i]!r} at offset {i}")
        if out is not None:
            out.append(tok)
        if tok[0] != "ws" and tok[0] != "comment":
            prev = tok
        i += len(tok[1])
    if until_brace:
        raise JSSyntaxError("unterminated ${ in a template literal")
    return i


def tokenize(source: str) -> list[tuple[str, str]]:
    """The tokens of `source`; joining their texts gives `source` back."""
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, not {type(source).__name__}")
    out: list[tuple[str, str]] = []
    _scan(source, 0, out)
    return out


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$#\\" or ord(ch) > 127


def _needs_space(left: str, right: str) -> bool:
    """Would writing `left` and `right` side by side change how they are read?"""
    a, b = left[-1], right[0]
    if _word_char(a) and _word_char(b):
        return True
    if a == b and a in "+-":
        return True               # a + +b, a - -b
    if a in "+-" and right[:2] in ("++", "--"):
        return True
    if a == "/" and b in "/*":
        return True               # would start a comment
    if left[0].isdigit() and b == ".":
        return True               # 1 .toString()
    return False


def join_compact(tokens, keep_lines: bool = True) -> str:
    """Write tokens back with comments and needless spaces gone, every newline kept (or, with
    `keep_lines=False`, one newline wherever there were any: still safe for semicolon insertion)."""
    parts: list[str] = []
    last = ""           # the last significant token written
    pending_space = False
    pending_lines = 0
    for kind, text in tokens:
        if kind in ("ws", "comment"):
            lines = text.count("\n")
            pending_lines += lines
            pending_space = True
            continue
        if pending_lines:
            parts.append("\n" * pending_lines if keep_lines else "\n")
        elif pending_space and last and _needs_space(last, text):
            parts.append(" ")  # (tokens that touched in the source still read the same touching)
        parts.append(text)
        last = text
        pending_space = False
        pending_lines = 0
    if pending_lines:
        parts.append("\n")
    return "".join(parts)


def _significant(tokens) -> list:
    return [t for t in tokens if t[0] not in ("ws", "comment")]


def compact_tokens(tokens, keep_lines: bool = True) -> str:
    """The compact text of `tokens`, or their plain text if it would not read the same."""
    out = join_compact(tokens, keep_lines)
    try:
        same = _significant(tokenize(out)) == _significant(tokens)
    except JSSyntaxError:
        same = False
    return out if same else "".join(text for _, text in tokens)


def compact_js(source: str) -> str:
    """`source` without comments, indentation or needless spaces; same lines, same behaviour."""
    return compact_tokens(tokenize(source))


_CSS_TOKEN = re.compile(r"""(?P<comment>/\*[\s\S]*?\*/)|(?P<str>"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*')"""
                        r"""|(?P<ws>\s+)|(?P<other>[^\s"'/]+|/)""")
_CSS_TIGHT = set("{};,>")   # no space is needed on either side of these (":" is not: a :hover selector)


def compact_css(source: str) -> str:
    """`source` without comments and needless spaces, newlines kept (line numbers stay right)."""
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, not {type(source).__name__}")
    parts: list[str] = []
    space = False
    lines = 0
    for m in _CSS_TOKEN.finditer(source):
        kind, text = m.lastgroup, m.group()
        if kind in ("comment", "ws"):
            lines += text.count("\n")
            space = True
            continue
        if lines:
            parts.append("\n" * lines)
        elif space and parts and not (parts[-1][-1] in _CSS_TIGHT or text[0] in _CSS_TIGHT):
            parts.append(" ")
        parts.append(text)
        space, lines = False, 0
    if lines:
        parts.append("\n")
    return "".join(parts)
