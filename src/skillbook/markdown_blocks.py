"""One pass over the lines of a Markdown body: its fenced code blocks and its headings.

Fences and headings are both whole lines, found by one regular expression from the `\n`
before each line; a line in an open fence is neither a heading nor a setext heading's text.
`markdown_scan` reads links and code blocks over these fences, `headings` turns the
headings into the ids MkDocs gives them.
"""

from __future__ import annotations

import bisect
import re
import sys

# (offset of its line, raw text, level) of an ATX or setext heading; for a setext heading
# the offset and text are those of its text line
HeadingSpan = tuple[int, str, int]

# Line patterns start with "\n" (the text is searched with one prepended), which lets the
# regex engine jump between newlines instead of trying `^` at every character.
# A fence line, an ATX heading's line, or a line that may underline a setext heading, each
# matched from the "\n" before it to its end: one pass over a body finds all three.
_LINE = re.compile(
    r"\n(?=[ \t#`~=-])"  # (what every kind of line starts with: most lines fail here at once)
    r"(?:[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)"
    r"| {0,3}(?:(?P<hashes>#{1,6})(?P<text>[^\n]*)|(?P<bar>=+|-+)[ \t\r]*(?=\n|\Z)))"
)
_SETEXT = re.compile(r"^ {0,3}(?P<bar>=+|-+)[ \t]*$")


def _fence_lang(info: str) -> str:
    info = info.strip()
    if info.startswith("{"):
        match = re.search(r"\.([\w+-]+)", info)
        return match.group(1).lower() if match else ""
    return info.split(None, 1)[0].lower().lstrip(".") if info else ""


def fenced_blocks(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, str, str]]]:
    """(start, end) of every fenced block, fences included, and (content offset, lang, content)."""
    if "```" not in text and "~~~" not in text:
        return [], []
    ranges, blocks, _ = scan_lines(text)
    return ranges, blocks


def scan_lines(
    text: str,
) -> tuple[list[tuple[int, int]], list[tuple[int, str, str]], list[HeadingSpan]]:
    """What one pass over the lines of `text` finds: (start, end) of every fenced block,
    fences included; (content offset, lang, content) of each; and every heading outside them.

    A line in a fence is neither a heading nor the text of a setext heading; an unclosed
    fence runs to the end, as in Python-Markdown.
    """
    ranges: list[tuple[int, int]] = []
    blocks: list[tuple[int, str, str]] = []
    atx: list[HeadingSpan] = []
    underlines: list[tuple[int, str]] = []  # (offset, bar) of each possible setext underline
    fence: str | None = None
    lang = ""
    block_start = content_start = 0
    for match in _LINE.finditer("\n" + text):  # offsets: start = line start in text
        marker, info, hashes, heading, bar = match.groups()
        if marker is None:
            if fence is not None:  # a line in an open fence
                continue
            if hashes is not None:  # closing hashes are not text
                atx.append((match.start(), heading.rstrip(" \t\r").rstrip("#"), len(hashes)))
            else:
                underlines.append((match.start(), bar[0]))
            continue
        line_start, line_end = match.start(), match.end() - 1
        if fence is None:
            if marker[0] == "`" and "`" in info:
                continue  # an inline code span such as ```x``` on one line, not a fence
            fence, lang = marker, _fence_lang(info)
            block_start, content_start = line_start, min(line_end + 1, len(text))
        elif marker[0] == fence[0] and len(marker) >= len(fence) and not info.strip():
            blocks.append(
                (content_start, lang, text[content_start : max(line_start - 1, content_start)])
            )
            ranges.append((block_start, line_end))
            fence = None
    if fence is not None:
        blocks.append((content_start, lang, text[content_start:]))
        ranges.append((block_start, len(text)))
    return ranges, blocks, _with_setext(text, ranges, atx, underlines) if underlines else atx


def _with_setext(
    text: str,
    ranges: list[tuple[int, int]],
    atx: list[HeadingSpan],
    underlines: list[tuple[int, str]],
) -> list[HeadingSpan]:
    """`atx` and the setext headings the `underlines` make, in order. Underlines count only
    where `==` or `--` is outside fenced code (as before fences were kept)."""
    if not (outside(text, ranges, "==") or outside(text, ranges, "--")):
        return atx
    found = list(atx)
    for offset, bar in underlines:
        if offset < 2:
            continue
        previous_start = text.rfind("\n", 0, offset - 1) + 1
        if ranges and in_ranges(previous_start, ranges):
            continue
        line = text[previous_start : offset - 1].rstrip("\r")
        stripped = line.lstrip()
        if (
            not stripped
            or stripped.startswith(("<", ">", "|", "#"))
            or _SETEXT.match(line)
            or len(line) - len(stripped) > 3
        ):
            continue
        found.append((previous_start, line.strip(), 1 if bar == "=" else 2))
    found.sort(key=lambda item: item[0])
    return found


def outside(text: str, ranges: list[tuple[int, int]], needle: str) -> bool:
    """Whether `needle` occurs in `text` outside the fenced ranges (no line spans a fence's
    edge, so an occurrence is wholly inside one or wholly outside)."""
    if needle not in text:
        return False
    pos = 0
    for start, end in ranges:
        if text.find(needle, pos, start) >= 0:
            return True
        pos = end
    return text.find(needle, pos) >= 0


def heading_spans(body: str) -> list[HeadingSpan]:
    """(line offset, raw text, level) of each ATX and setext heading of `body` outside
    fenced code, in order."""
    return scan_lines(body)[2]


def fence_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of every fenced code block, fences included; each covers whole lines."""
    return fenced_blocks(text)[0]


def in_ranges(offset: int, ranges: list[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(ranges, (offset, sys.maxsize)) - 1
    return index >= 0 and ranges[index][0] <= offset < ranges[index][1]
