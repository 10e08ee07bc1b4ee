"""Plain frontmatter read without libyaml, exactly as PyYAML reads it, or not at all.

Most frontmatter is a few `key: value` lines: words, a quoted string, a `[list, of, words]`,
and one mapping of such lines one level in (`metadata:`). Composing that with libyaml and
building the values costs more than the rest of reading a file, so `read` reads it in one
pass over its lines.

It accepts only lines whose meaning is plain: a key of letters, digits, `_` and `-`; a value
that is a plain scalar starting with an ASCII letter (no `: `, no ` #`, no `:` at its end), a
single- or double-quoted string with no escape and no quote inside, a flow list of such
words, or nothing (a mapping follows, or null). A key or word is taken as a string only when
PyYAML would find no other type for it: `yes`, `on` and `null` go the long way. Anything
else, including a blank line, a comment, a tab, a duplicate key or a character libyaml may
treat differently, returns None, and the caller composes the text with libyaml. Property
tests compare both readings, and the words below with PyYAML's own resolvers.

This module does not import PyYAML: a knowledge base whose frontmatter is all plain is
checked without loading it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from sys import intern
from types import MappingProxyType
from typing import Any, NamedTuple

# `key:` then spaces and a value, or nothing; the indent is checked by the caller
_KEY_LINE = re.compile(r"(?P<indent> *)(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?: +(?P<value>.*))?")
_WORD = "[A-Za-z][A-Za-z0-9_-]*"
_WORDS = re.compile(rf" *(?:(?P<items>{_WORD}(?: *, *{_WORD})*) *)?\]")
_DOUBLE = re.compile(r'"[^"\\]*"')
_SINGLE = re.compile(r"'[^']*'")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NO = object()  # a value this module does not read


class Parsed(NamedTuple):
    """Parsed YAML: the data, key lines, and the first problem (message, line) if any."""

    data: Any = None
    key_lines: Mapping[str, int] = MappingProxyType({})  # (read-only: one is shared)
    error: tuple[str, int] | None = None
    duplicates: tuple[tuple[str, int, int], ...] = ()  # key, line, first line


MAX_KEY = 128  # libyaml refuses an implicit key of more than 1,024 characters


# The plain scalars starting with a letter or `_` that PyYAML does not read as strings: YAML
# 1.1's booleans and nulls as its resolvers write them (not `y` and `n`, which the type's
# page lists; numbers, dates, `~`, `=` and `<<` start with another character).
NOT_STRINGS = frozenset(
    variant
    for word in ("yes", "no", "true", "false", "on", "off", "null")
    for variant in (word, word.capitalize(), word.upper())
)


def _value(raw: str) -> object:
    """The value of a `key: value` line's value text (trailing spaces gone), or _NO."""
    first = raw[0]
    if first in _ASCII_LETTERS:
        if ": " in raw or " #" in raw or raw.endswith(":") or raw in NOT_STRINGS:
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
        return _NO if NOT_STRINGS.intersection(found) else found
    return _NO


def read(yaml_text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]] | None:
    """(data, key lines) of plain frontmatter whose first line is file line `first_line`,
    keys one level in recorded as `parent.key`; None when the text is not plain."""
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
        key = intern(key)  # one string for a key every file has: shared, pickled once
        raw = (match.group("value") or "").rstrip(" ")
        level = len(match.group("indent"))
        if level:
            if parent is None or (indent and level != indent) or not raw:
                return None
            indent, target, full = level, parent, intern(f"{parent_key}.{key}")
        else:
            if parent is not None and not parent:  # `key:` with nothing under it: null
                data[parent_key] = None
            parent, indent, target, full = None, 0, data, key
        if key in target or key in NOT_STRINGS:
            return None
        if raw:
            value = _value(raw)
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
