"""Read what a Markdown body links to and its code blocks, without rendering it.

A full Markdown parse per file would cost more than the rest of a check run together, so this
is a line scanner that knows the parts that matter: fenced code (backtick and tilde fences,
indented too, as pymdownx.superfences allows), code spans, inline and reference links.
Headings and their anchors are read in `headings`, over the fenced ranges found here.
"""

from __future__ import annotations

import bisect
import functools
import operator
import posixpath
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from urllib.parse import unquote

from skillbook.html_policy import unsafe_url
from skillbook.markdown_blocks import HeadingSpan, fenced_blocks, in_ranges, outside, scan_lines
from skillbook.markdown_blocks import fence_ranges as fence_ranges
from skillbook.model import CodeBlock

_BACKTICKS = re.compile(r"`+")
_BRACKET = re.compile(r"[\[\]]")
# the `](` of an inline link or the `]:` of a reference definition: a regular expression
# finds them far faster than `str.find` does either pair (its skip table clashes with letters)
_CLOSER = re.compile(r"\][(:]")
# `](` then the URL, an optional title and `)`. Titles and <bracketed> URLs are bounded in
# length: unbounded, every `](` of a long line would scan to its end (quadratic time).
_LINK_TAIL = re.compile(
    r"\s*(?P<url><[^>\n]{0,2048}>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"\n]{0,1024}\"|'[^'\n]{0,1024}'|\([^)\n]{0,1024}\)))?\s*\)"
)
_REF_DEF = re.compile(r"^ {0,3}\[(?P<label>[^\]\n]+)\]:[ \t]*(?P<url><[^>\n]*>|\S+)", re.MULTILINE)


RawLink = tuple[str, int, bool]
"""A link as found in the text, before it is resolved: (target, line, whether an image).
A plain tuple: a read makes one for every link of every file."""


class Scan(NamedTuple):
    """What `scan` finds in one body."""

    links: tuple[RawLink, ...]
    code_blocks: tuple[CodeBlock, ...]
    fences: tuple[tuple[int, int], ...]  # (start, end) of each fenced block: whole lines
    headings: tuple[HeadingSpan, ...] = ()  # outside fenced code, in order


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_first = operator.itemgetter(0)


_ALL_BUT_NEWLINES = bytes(0x0A if byte == 0x0A else 0x20 for byte in range(256))


def _spaces(segment: str) -> str:
    """A space for each character of `segment` but its newlines."""
    if segment.isascii():  # a byte a character: one C pass
        return segment.encode("ascii").translate(_ALL_BUT_NEWLINES).decode("ascii")
    return "\n".join(" " * len(line) for line in segment.split("\n"))


def _code_span_ranges(
    text: str, skip: list[tuple[int, int]] | None = None, start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    """(start, end) of every code span in text[start:end], outside the `skip` ranges.

    A run of n backticks opens a span that the next run of exactly n backticks in the same
    paragraph closes; an opener without a closer is literal text. Each run is looked at a
    bounded number of times, so a body of unmatched backticks costs linear time (a regex
    would search to the end of the text from every opener).
    """
    end = len(text) if end is None else end
    if text.find("`", start, end) < 0:
        return []
    runs = [
        (m.start(), m.end())
        for m in _BACKTICKS.finditer(text, start, end)
        if not (skip and in_ranges(m.start(), skip))
    ]
    if len(runs) < 2:
        return []
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text, start, end)]
    paragraph = [bisect.bisect_right(breaks, run) for run, _ in runs] if breaks else None
    following: list[int | None] = [None] * len(runs)  # index of the next run of equal length
    last: dict[tuple[int, int], int] = {}
    for index in range(len(runs) - 1, -1, -1):
        key = (runs[index][1] - runs[index][0], paragraph[index] if paragraph else 0)
        following[index] = last.get(key)
        last[key] = index
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        closer = following[index]
        if closer is None:
            index += 1
            continue
        spans.append((runs[index][0], runs[closer][1]))
        index = closer + 1
    return spans


class _Paragraphs:
    """The paragraph (text between blank lines) around each of a series of ascending offsets.

    Each part of the text is searched once, however many offsets are asked about. A blank
    line is `\n\n` here, as in the rest of the link scan.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.start = 0  # of the paragraph holding the last offset asked about
        self.searched = 0  # breaks before this offset are known

    def start_of(self, offset: int) -> int:
        """Where the paragraph holding `offset` starts (offsets must not decrease)."""
        found = self.text.rfind("\n\n", self.searched, offset)
        if found >= 0:
            self.start = found + 1
        self.searched = max(self.searched, offset - 1)
        return self.start

    def end_of(self, offset: int) -> int:
        """Where the paragraph holding `offset` ends."""
        found = self.text.find("\n\n", offset)
        return len(self.text) if found < 0 else found


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """`text` with the (sorted, disjoint) ranges replaced by spaces, offsets and newlines kept."""
    if not ranges:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end in ranges:
        pieces.append(text[pos:start])
        pieces.append(_spaces(text[start:end]))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _blank_code_spans(text: str) -> str:
    """Replace every code span with spaces, keeping offsets and newlines."""
    return _blank(text, _code_span_ranges(text))


def lines_of(text: str, offsets: Iterable[int], first_line: int) -> list[int]:
    """The line of each offset; counting resumes from the previous offset when they ascend."""
    lines: list[int] = []
    line, counted = first_line, 0
    count, append = text.count, lines.append
    for offset in offsets:
        if offset < counted:
            line, counted = first_line, 0
        line += count("\n", counted, offset)
        counted = offset
        append(line)
    return lines


def scan(body: str, first_line: int) -> Scan:
    """Find links, fenced code blocks and headings in `body`, whose first line is
    `first_line`."""
    ranges, fenced, headings = scan_lines(body)
    lines = lines_of(body, (offset for offset, _, _ in fenced), first_line)
    blocks = tuple(
        CodeBlock(lang, line, content.replace("\r\n", "\n"))
        for line, (_, lang, content) in zip(lines, fenced, strict=True)
    )
    return Scan(_links(body, ranges, first_line), blocks, tuple(ranges), tuple(headings))


def mask_code(body: str, fences: Sequence[tuple[int, int]] | None = None) -> str:
    """`body` with fenced code and code spans blanked out, every offset unchanged; `fences`
    are the body's fenced ranges when they are known already (`Scan.fences`)."""
    ranges = fenced_blocks(body)[0] if fences is None else list(fences)
    return _blank_code_spans(_blank(body, ranges))


class LinkSpan(NamedTuple):
    """Where a link sits in a text: the whole link, its text, and its URL."""

    start: int  # of `[` (or `!` for an image), or of the URL for a reference definition
    end: int
    text: str  # link text or image alt; "" for a reference definition
    url_start: int
    url_end: int
    url: str
    definition: bool = False


def links_in(body: str) -> list[LinkSpan]:
    """Every inline link and reference definition outside code, in order."""
    masked = mask_code(body)
    spans = []
    for offset, url, image, close, tail in _inline_links(masked):
        opening = offset + image
        spans.append(
            LinkSpan(
                offset,
                tail.end(),
                body[opening + 1 : close],
                tail.start("url"),
                tail.end("url"),
                url,
            )
        )
    for m in _REF_DEF.finditer(masked):
        line_end = masked.find("\n", m.end())
        end = len(masked) if line_end < 0 else line_end
        spans.append(
            LinkSpan(m.start(), end, "", m.start("url"), m.end("url"), m.group("url"), True)
        )
    return sorted(spans, key=lambda s: s.start)


def _inline_links(
    text: str, middles: Iterable[int] | None = None
) -> list[tuple[int, str, bool, int, re.Match[str]]]:
    """(offset, url, image, closing `]`, URL match) of inline links; `middles` are the
    offsets of each `](` in order, when the caller has found them.

    Only paragraphs that hold a `](` are looked at. In them, open brackets wait on a stack;
    a `]` closes the latest one, and when `(` follows it is a link (an image with `!` before
    the `[`). Every character is looked at once, so even a paragraph of unmatched brackets
    costs linear time.
    """
    if middles is None:
        middles = [m.start() for m in _CLOSER.finditer(text) if m.group() == "]("]
    found = []
    stack: list[int] = []
    count, rfind, tail = text.count, text.rfind, _LINK_TAIL.match
    paragraphs = _Paragraphs(text)
    scanned = 0  # brackets before this offset are on the stack already
    for at in middles:
        if at < scanned:
            continue
        paragraph = paragraphs.start_of(at)
        if paragraph > scanned:
            stack.clear()
        low = max(paragraph, scanned)
        if not stack and count("]", low, at) == 0:
            # the usual case, [text](url) with no other bracket before it: no stack needed
            opening = rfind("[", low, at)
            if opening < 0 or count("[", low, opening) == 0:
                scanned = at + 1
                url = tail(text, at + 2) if opening >= 0 else None
                if url is not None:
                    image = opening > 0 and text[opening - 1] == "!"
                    found.append((opening - image, url[1], image, at, url))
                continue
        for m in _BRACKET.finditer(text, low, at + 1):
            if m.group() == "[":
                stack.append(m.start())
                continue
            if not stack:
                continue
            opening = stack.pop()
            if text.startswith("(", m.end()):
                url = tail(text, m.end() + 1)
                if url is not None:
                    image = opening > 0 and text[opening - 1] == "!"
                    found.append((opening - image, url[1], image, m.start(), url))
        scanned = at + 1
    found.sort(key=_first)
    return found


def _outside_code_spans(
    text: str, found: list[tuple[int, str, bool]], ranges: list[tuple[int, int]]
) -> list[tuple[int, str, bool]]:
    """The links of `found` (sorted) that are not in a code span; only their paragraphs count."""
    kept = []
    paragraphs = _Paragraphs(text)
    spans: list[tuple[int, int]] = []
    paragraph_end = -1
    for item in found:
        if item[0] >= paragraph_end:
            start = paragraphs.start_of(item[0])
            paragraph_end = paragraphs.end_of(item[0])
            spans = _code_span_ranges(text, ranges, start, paragraph_end)
        if not (spans and in_ranges(item[0], spans)):
            kept.append(item)
    return kept


def _links(text: str, ranges: list[tuple[int, int]], first_line: int) -> tuple[RawLink, ...]:
    """Links outside fenced code (`ranges`) and code spans, each with its line."""
    if "]" not in text:  # (one character is found far faster than two)
        return ()
    middles = []
    definitions = False
    for closer in _CLOSER.finditer(text):
        if closer.group() == "](":
            middles.append(closer.start())
        else:
            definitions = True
    if not middles and not definitions:
        return ()
    found = [
        (offset, url.strip("<>"), image)
        for offset, url, image, _, _ in _inline_links(text, middles)
        if not (ranges and in_ranges(offset, ranges))
    ]
    if definitions:
        found.extend(
            (m.start("url"), m.group("url").strip("<>"), False)
            for m in _REF_DEF.finditer(text)
            if not in_ranges(m.start(), ranges)
        )
    found.sort(key=_first)
    if "`" in text and (not ranges or outside(text, ranges, "`")):  # a code span can be there
        found = _outside_code_spans(text, found, ranges)
    lines = lines_of(text, (offset for offset, _, _ in found), first_line)
    return tuple((url, line, image) for line, (_, url, image) in zip(lines, found, strict=True))


_NOT_RELATIVE = (
    "#",
    "/",
    "\\",
    "//",
    "mailto:",
    "http:",
    "https:",
    "ftp:",
    "data:",
    "tel:",
    "file:",
)


class RelativeTarget(NamedTuple):
    """A relative link resolved against its file: `path` from the root, `suffix` its #anchor."""

    path: str
    written: str  # the path part as written, decoded
    suffix: str


@functools.lru_cache(maxsize=1 << 16)
def resolve_relative(source: str, url: str) -> RelativeTarget | None:
    """Resolve a link written in the file at repo path `source`; None unless it is a relative
    file link that stays inside the repository."""
    bare = url.strip("<>")
    if not bare or bare.lower().startswith(_NOT_RELATIVE) or "://" in bare or unsafe_url(bare):
        return None
    written, hash_, anchor = bare.partition("#")
    written = unquote(written.split("?", 1)[0])
    if not written:
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), written))
    if resolved == ".." or resolved.startswith("../"):
        return None
    return RelativeTarget(resolved, written, f"{hash_}{anchor}")
