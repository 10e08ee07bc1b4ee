"""JSON text read with the line of each value: json's own verdict, and a scanner for lines.

`json.loads` decides whether a text is JSON and gives its values, but keeps no positions. A
second pass walks the same text without recursion and notes where each value starts, by its
path (`("evals", 0, "id")`), for `line_of`. It walks into the arrays and objects the caller asks for and
hands everything else, whole, to json's own scanner (`JSONDecoder.raw_decode`), so both passes
read the text alike and a large value nobody reports on costs no Python loop.

What Python's json accepts and other readers refuse is reported too: `NaN` and `Infinity`, and
a key given twice in one object (readers differ on which one they keep). `json.loads` notices
them through its hooks; only then does the scanner walk every value, to find their lines.
Nesting is capped, so a hostile file cannot exhaust the parser's recursion.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

JsonPath = tuple[str | int, ...]

MAX_NESTING = 100
"""The deepest nesting of arrays and objects read; an evals file needs four levels."""

_WHITESPACE = re.compile(r"[ \t\n\r]*")  # matches anywhere, if only the empty string
# a string, or a bracket outside strings: enough to measure nesting without parsing
_NESTING_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_LONG_NUMBER = re.compile(r"\d{4300}")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class JsonText:
    """A parsed JSON text: its data, where each value starts, and its problems as (line,
    message).

    When the text is not JSON, `valid` is False, `data` is None and `problems` holds the one
    error that stopped the parser.
    """

    data: object
    offsets: Mapping[JsonPath, int]  # where the value at a path starts in the text
    problems: tuple[tuple[int, str], ...]
    valid: bool
    lines: _Lines

    def line_of(self, path: JsonPath) -> int:
        """The line the value at `path` starts on, else that of its nearest recorded parent."""
        while path not in self.offsets and path:
            path = path[:-1]
        return self.lines.at(self.offsets.get(path, 0))


class _Lines:
    """1-based line numbers of offsets in a text."""

    def __init__(self, text: str) -> None:
        self._breaks = [m.start() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> int:
        return bisect.bisect_left(self._breaks, offset) + 1


def _too_deep(text: str) -> int | None:
    """The offset where nesting first passes MAX_NESTING, or None."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return None
    depth = 0
    for match in _NESTING_TOKEN.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return match.start()
        elif bracket in "]}":
            depth -= 1
    return None


def _skip(text: str, at: int) -> int:
    """The offset of the first character at or after `at` that is not JSON whitespace."""
    return _WHITESPACE.match(text, at).end()  # type: ignore[union-attr]  # it always matches


class _Odd:
    """Hooks for `json.loads` that note what only Python reads: NaN, Infinity, repeated keys."""

    def __init__(self) -> None:
        self.seen = False

    def constant(self, name: str) -> float:
        self.seen = True
        return float(name)

    def pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(pairs)
        if len(found) != len(pairs):
            self.seen = True
        return found


def parse_json(text: str, walk: Callable[[JsonPath], bool] = lambda _: True) -> JsonText:
    """Parse `text` as JSON, noting where each value starts in the arrays and objects whose
    path `walk` accepts (and where the top-level value starts)."""
    lines = _Lines(text)
    deep = _too_deep(text)
    if deep is not None:
        message = f"nests arrays and objects more than {MAX_NESTING} levels deep; it is not read"
        return JsonText(None, {}, ((lines.at(deep), message),), False, lines)
    odd = _Odd()
    try:
        data = json.loads(text, parse_constant=odd.constant, object_pairs_hook=odd.pairs)
    except json.JSONDecodeError as exc:
        message = f"is not valid JSON: {exc.msg} (column {exc.colno})"
        return JsonText(None, {}, ((exc.lineno, message),), False, lines)
    except ValueError as exc:  # an integer of more than 4,300 digits (sys.int_info)
        long = _LONG_NUMBER.search(text)
        line = lines.at(long.start()) if long else 1
        return JsonText(None, {}, ((line, f"cannot be read: {exc}"),), False, lines)
    except RecursionError:  # not expected below MAX_NESTING; reported, never raised
        return JsonText(None, {}, ((1, "nests too deeply to be read"),), False, lines)
    found, problems = _Scan(text, lines, (lambda _: True) if odd.seen else walk).run()
    return JsonText(data, found, tuple(problems), True, lines)


@dataclass(slots=True)
class _Open:
    """An array or object being scanned."""

    path: JsonPath
    is_object: bool
    index: int = 0
    keys: dict[str, int] | None = None  # an object's keys, with the offset of their first use


class _Scan:
    """One pass over a text `json.loads` has read (so its structure is sound), without
    recursion: where each value reached starts, and what only Python reads."""

    def __init__(self, text: str, lines: _Lines, walk: Callable[[JsonPath], bool]) -> None:
        self.text = text
        self.lines = lines
        self.walk = walk
        self.found: dict[JsonPath, int] = {}
        self.problems: list[tuple[int, str]] = []

    def key(self, at: int, frame: _Open) -> tuple[JsonPath, int]:
        """Read the key at `at` and the colon after it: the value's path and offset."""
        name, end = _DECODER.raw_decode(self.text, at)
        assert frame.keys is not None
        if name in frame.keys:
            self.problems.append(
                (
                    self.lines.at(at),
                    f"key {json.dumps(name)} is given twice in one object (first on line "
                    f"{self.lines.at(frame.keys[name])}): JSON readers keep one or the other; "
                    f"remove one",
                )
            )
        else:
            frame.keys[name] = at
        return (*frame.path, name), _skip(self.text, _skip(self.text, end) + 1)  # past the ':'

    def constant(self, at: int) -> None:
        """Report the NaN or Infinity starting at `at`."""
        word = "NaN" if self.text[at] == "N" else "Infinity"
        self.problems.append(
            (
                self.lines.at(at),
                f"{word} is not JSON (Python reads it, other JSON readers refuse the file): "
                f"write a number, a string or null",
            )
        )

    def run(self) -> tuple[dict[JsonPath, int], list[tuple[int, str]]]:
        text, found, walk = self.text, self.found, self.walk
        skip, decode = _skip, _DECODER.raw_decode
        stack: list[_Open] = []
        path: JsonPath = ()
        at = skip(text, 0)
        while True:
            # a value starts at `at`
            found[path] = at
            opening = text[at]
            if opening in "[{" and walk(path):
                frame = _Open(path, opening == "{", keys={} if opening == "{" else None)
                at = skip(text, at + 1)
                if text[at] not in "]}":
                    stack.append(frame)
                    if frame.is_object:
                        path, at = self.key(at, frame)
                    else:
                        path = (*path, 0)
                    continue
                at += 1  # an empty array or object
            else:
                if opening in "NI" or (opening == "-" and text[at + 1] == "I"):
                    self.constant(at)
                at = decode(text, at)[1]
            # after a value: a comma and the next member, or the end of arrays and objects
            while True:
                at = skip(text, at)
                if not stack:
                    return found, self.problems
                frame = stack[-1]
                if text[at] == ",":
                    at = skip(text, at + 1)
                    if frame.is_object:
                        path, at = self.key(at, frame)
                    else:
                        frame.index += 1
                        path = (*frame.path, frame.index)
                    break
                stack.pop()
                at += 1
