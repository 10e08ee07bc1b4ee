"""One pass over the lines of a Markdown body: its fenced code blocks and its headings.

Fences and headings are both whole lines, found by one regular expression from the `\n`
before each line; a line in an open fence is neither a heading nor a setext heading's text.
`markdown_scan` reads links and code blocks over these fences, `headings` turns the
headings into the ids MkDocs gives them.
"""

from __future__ import annotations

import bisect
import functools
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
# a fence line of backticks or of tildes, as `_LINE` reads one: the candidates to close a fence
_CLOSE = {
    "`": re.compile(r"\n[ \t]*(`{3,})([^\n]*)"),
    "~": re.compile(r"\n[ \t]*(~{3,})([^\n]*)"),
}


@functools.lru_cache(maxsize=1024)
def _fence_lang(info: str) -> str:
    """The language a fence's info string names (cached: a knowledge base uses a few, and
    one string for each is shared by its blocks)."""
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

    A line in a fence is neither a heading nor the text of a setext heading, and is not
    looked at: from a fence the scan goes to the line that closes it. An unclosed fence runs
    to the end, as in Python-Markdown.
    """
    ranges: list[tuple[int, int]] = []
    blocks: list[tuple[int, str, str]] = []
    atx: list[HeadingSpan] = []
    underlines: list[tuple[int, str]] = []  # (offset, bar) of each possible setext underline
    lined = "\n" + text  # offsets: a match's start is its line's start in text
    search = _LINE.search
    pos = 0
    while (match := search(lined, pos)) is not None:
        pos = match.end()
        marker, info, hashes, heading, bar = match.groups()
        if marker is None:
            if hashes is not None:  # closing hashes are not text
                atx.append((match.start(), heading.rstrip(" \t\r").rstrip("#"), len(hashes)))
            else:
                underlines.append((match.start(), bar[0]))
            continue
        if marker[0] == "`" and "`" in info:
            continue  # an inline code span such as ```x``` on one line, not a fence
        block_start, content_start = match.start(), min(pos, len(text))
        lang = _fence_lang(info)
        close = _closing(lined, pos, marker)  # the lines between are the block's: none is looked at
        if close is None:  # an unclosed fence runs to the end
            blocks.append((content_start, lang, text[content_start:]))
            ranges.append((block_start, len(text)))
            break
        pos = close.end()
        blocks.append(
            (content_start, lang, text[content_start : max(close.start() - 1, content_start)])
        )
        ranges.append((block_start, pos - 1))
    return ranges, blocks, _with_setext(text, ranges, atx, underlines) if underlines else atx


def _closing(lined: str, pos: int, fence: str) -> re.Match[str] | None:
    """The line from `pos` on that closes `fence`: a run of its character, at least as long,
    and nothing but spaces after it (`_LINE`'s fence lines, of one character)."""
    search = _CLOSE[fence[0]].search
    while (match := search(lined, pos)) is not None:
        if len(match.group(1)) >= len(fence) and not match.group(2).strip():
            return match
        pos = match.end()
    return None


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
