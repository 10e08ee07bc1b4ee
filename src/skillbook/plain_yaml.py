"""Plain frontmatter read without libyaml, exactly as PyYAML reads it, or not at all.

Most frontmatter is a few `key: value` lines: words, a quoted string, a `[list, of, words]`,
and one mapping of such lines one level in (`metadata:`). Composing that with libyaml and
building the values costs more than the rest of reading a file, so `read` reads it in one
pass over its lines.

It accepts only lines whose meaning is plain: a key of letters, digits, `_` and `-`; a value
that is a plain scalar starting with an ASCII letter (no `: `, no ` #`, no `:` at its end), a
single- or double-quoted string with no escape and no quote inside, a flow list of such
words, or nothing (a mapping follows, or null). A key or word is taken as a string only when
PyYAML's own resolvers (less timestamps, as `frontmatter` reads) find no other type for it:
`yes`, `on` and `null` go the long way. Anything else, including a blank line, a comment, a
tab, a duplicate key or a character libyaml may treat differently, returns None, and the
caller composes the text with libyaml. A property test compares both readings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# `key:` then spaces and a value, or nothing; the indent is checked by the caller
_KEY_LINE = re.compile(r"(?P<indent> *)(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?: +(?P<value>.*))?")
_WORD = "[A-Za-z][A-Za-z0-9_-]*"
_WORDS = re.compile(rf" *(?:(?P<items>{_WORD}(?: *, *{_WORD})*) *)?\]")
_DOUBLE = re.compile(r'"[^"\\]*"')
_SINGLE = re.compile(r"'[^']*'")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NO = object()  # a value this module does not read


MAX_KEY = 128  # libyaml refuses an implicit key of more than 1,024 characters


# PyYAML's implicit resolvers by first character: (tag, pattern) pairs
Resolvers = Mapping[str, Sequence[tuple[str, re.Pattern[str]]]]


def _is_string(word: str, resolvers: Resolvers) -> bool:
    """Whether PyYAML resolves the plain scalar `word` to a string."""
    return not any(regexp.match(word) for _, regexp in resolvers.get(word[0], ()))


def _value(raw: str, resolvers: Resolvers) -> object:
    """The value of a `key: value` line's value text (trailing spaces gone), or _NO."""
    first = raw[0]
    if first in _ASCII_LETTERS:
        if ": " in raw or " #" in raw or raw.endswith(":") or not _is_string(raw, resolvers):
            return _NO
        return raw
    if first == '"':
        return raw[1:-1] if _DOUBLE.fullmatch(raw) else _NO
    if first == "'":
        return raw[1:-1] if _SINGLE.fullmatch(raw) else _NO
    if first == "[":
        words = _WORDS.fullmatch(raw, 1)
        if words is None:
            return _NO
        items = words.group("items")
        found = [] if items is None else [w.strip() for w in items.split(",")]
        return found if all(_is_string(w, resolvers) for w in found) else _NO
    return _NO


def read(
    yaml_text: str, first_line: int, resolvers: Resolvers
) -> tuple[dict[str, Any], dict[str, int]] | None:
    """(data, key lines) of plain frontmatter whose first line is file line `first_line`,
    keys one level in recorded as `parent.key`; None when the text is not plain. `resolvers`
    are those of the loader the text would otherwise go to, none of them for any character."""
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    parent: dict[str, Any] | None = None  # the mapping the indented lines go into
    parent_key = ""
    indent = 0
    for number, line in enumerate(yaml_text.split("\n"), first_line):
        if not line.isprintable():  # a tab, a control, U+2028…: libyaml decides
            return None
        match = _KEY_LINE.fullmatch(line)
        if match is None:
            return None
        key = match.group("key")
        if len(key) > MAX_KEY:
            return None
        raw = (match.group("value") or "").rstrip(" ")
        level = len(match.group("indent"))
        if level:
            if parent is None or (indent and level != indent) or not raw:
                return None
            indent, target, full = level, parent, f"{parent_key}.{key}"
        else:
            if parent is not None and not parent:  # `key:` with nothing under it: null
                data[parent_key] = None
            parent, indent, target, full = None, 0, data, key
        if key in target or not _is_string(key, resolvers):
            return None
        if raw:
            value = _value(raw, resolvers)
            if value is _NO:
                return None
            target[key] = value
        else:
            parent = target[key] = {}
            parent_key = key
        key_lines[full] = number
    if parent is not None and not parent:
        data[parent_key] = None
    return data, key_lines
