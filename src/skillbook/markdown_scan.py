"""Read what a Markdown body links to, its headings and its code blocks, without rendering it.

A full Markdown parse per file would cost more than the rest of a check run together, so this
is a line scanner that knows the parts that matter: fenced code (backtick and tilde fences,
indented too, as pymdownx.superfences allows), code spans, ATX and setext headings, inline and
reference links. Anchors are slugified exactly as MkDocs' `toc` extension does it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from markdown.extensions.toc import slugify

from skillbook.model import CodeBlock, Heading

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ATX = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?P<text>.*?)#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?P<bar>=+|-+)[ \t]*$")
_ATTR_LIST = re.compile(r"[ \t]*\{:?(?P<attrs>[^{}]*)\}[ \t]*$")
_ATTR_ID = re.compile(r"(?:^|\s)#(?P<id>[^\s}]+)")
_BACKTICKS = re.compile(r"`+")
_INLINE_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
    r"\(\s*(?P<url><[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REF_DEF = re.compile(r"^ {0,3}\[(?P<label>[^\]\n]+)\]:[ \t]*(?P<url><[^>\n]*>|\S+)", re.MULTILINE)
_HTML_TAG = re.compile(r"<[^>]+>")
_MD_LINK_TEXT = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\](?:\([^)]*\)|\[[^\]]*\])?")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")
_EM_UNDERSCORE = re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")


@dataclass(frozen=True, slots=True)
class RawLink:
    """A link as found in the text, before it is resolved."""

    target: str
    line: int
    image: bool


@dataclass(frozen=True, slots=True)
class Scan:
    """What `scan` finds in one body."""

    links: tuple[RawLink, ...]
    headings: tuple[Heading, ...]
    code_blocks: tuple[CodeBlock, ...]


def _fence_lang(info: str) -> str:
    info = info.strip()
    if info.startswith("{"):
        match = re.search(r"\.([\w+-]+)", info)
        return match.group(1).lower() if match else ""
    return info.split(None, 1)[0].lower().lstrip(".") if info else ""


def _blank_code_spans(text: str) -> str:
    """Replace the content of every code span with spaces, keeping offsets and newlines."""
    out = list(text)
    runs = list(_BACKTICKS.finditer(text))
    i = 0
    while i < len(runs):
        opening = runs[i]
        for j in range(i + 1, len(runs)):
            closing = runs[j]
            if len(closing.group()) == len(opening.group()):
                for k in range(opening.start(), closing.end()):
                    if out[k] != "\n":
                        out[k] = " "
                i = j + 1
                break
        else:
            i += 1
    return "".join(out)


def scan(body: str, first_line: int) -> Scan:
    """Find links, headings and fenced code blocks in `body`, whose first line is `first_line`."""
    lines = body.split("\n")
    kept: list[str] = []
    headings: list[Heading] = []
    blocks: list[CodeBlock] = []
    fence: str | None = None
    fence_lang = ""
    fence_start = 0
    fence_lines: list[str] = []
    previous_text = False  # the previous line can be the text of a setext heading
    for index, raw in enumerate(lines):
        line = raw[:-1] if raw.endswith("\r") else raw
        number = first_line + index
        if fence is not None:
            stripped = line.strip()
            if (
                stripped.startswith(fence[0])
                and stripped == fence[0] * len(stripped)
                and len(stripped) >= len(fence)
            ):
                blocks.append(CodeBlock(fence_lang, fence_start, "\n".join(fence_lines)))
                fence = None
            else:
                fence_lines.append(line)
            kept.append(" " * len(raw))
            continue
        match = _FENCE.match(line)
        if match and not (match.group("fence")[0] == "`" and "`" in match.group("info")):
            fence = match.group("fence")
            fence_lang = _fence_lang(match.group("info"))
            fence_start = number + 1
            fence_lines = []
            kept.append(" " * len(raw))
            previous_text = False
            continue
        kept.append(raw)
        atx = _ATX.match(line)
        if atx:
            headings.append(_heading(atx.group("text") or "", number, len(atx.group("hashes"))))
            previous_text = False
            continue
        setext = _SETEXT.match(line)
        if setext and previous_text:
            level = 1 if setext.group("bar")[0] == "=" else 2
            headings.append(_heading(kept[-2].strip(), number - 1, level))
            previous_text = False
            continue
        previous_text = bool(line.strip()) and not line.lstrip().startswith(("<", ">", "|"))
    if fence is not None:  # an unclosed fence runs to the end, as in Python-Markdown
        blocks.append(CodeBlock(fence_lang, fence_start, "\n".join(fence_lines)))
    return Scan(_links("\n".join(kept), first_line), tuple(headings), tuple(blocks))


def mask_code(body: str) -> str:
    """`body` with fenced code and code spans blanked out, every offset unchanged."""
    lines = body.split("\n")
    out: list[str] = []
    fence: str | None = None
    for raw in lines:
        line = raw[:-1] if raw.endswith("\r") else raw
        if fence is not None:
            stripped = line.strip()
            if stripped and stripped == fence[0] * len(stripped) and len(stripped) >= len(fence):
                fence = None
            out.append(" " * len(raw))
            continue
        match = _FENCE.match(line)
        if match and not (match.group("fence")[0] == "`" and "`" in match.group("info")):
            fence = match.group("fence")
            out.append(" " * len(raw))
            continue
        out.append(raw)
    return _blank_code_spans("\n".join(out))


def link_spans(body: str) -> list[tuple[int, int, str]]:
    """(start, end, url) of every inline link or reference definition URL outside code."""
    masked = mask_code(body)
    spans = [(m.start("url"), m.end("url"), m.group("url")) for m in _INLINE_LINK.finditer(masked)]
    spans.extend((m.start("url"), m.end("url"), m.group("url")) for m in _REF_DEF.finditer(masked))
    return sorted(spans)


def _heading(text: str, line: int, level: int) -> Heading:
    custom_id = None
    attrs = _ATTR_LIST.search(text)
    if attrs:
        id_match = _ATTR_ID.search(attrs.group("attrs"))
        custom_id = id_match.group("id") if id_match else None
        text = text[: attrs.start()]
    return Heading(text.strip(), line, level, custom_id)


def _links(text: str, first_line: int) -> tuple[RawLink, ...]:
    text = _blank_code_spans(text)
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")

    def line_at(offset: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return first_line + lo

    found = [
        (m.start(), RawLink(m.group("url").strip("<>"), line_at(m.start()), bool(m.group("bang"))))
        for m in _INLINE_LINK.finditer(text)
    ]
    found.extend(
        (m.start("url"), RawLink(m.group("url").strip("<>"), line_at(m.start("url")), False))
        for m in _REF_DEF.finditer(text)
    )
    found.sort(key=lambda item: item[0])
    return tuple(link for _, link in found)


def heading_text(markdown_text: str) -> str:
    """The plain text a heading renders to (what `toc` slugifies)."""
    text = _BACKTICKS.sub("", _code_spans_to_text(markdown_text))
    text = _MD_LINK_TEXT.sub(lambda m: m.group(1), text)
    for pattern in (_STRONG, _EM_STAR, _EM_UNDERSCORE):
        text = pattern.sub(lambda m: m.group(m.lastindex or 1), text)
    text = _HTML_TAG.sub("", text)
    return html.unescape(text.replace("\\", ""))


def _code_spans_to_text(text: str) -> str:
    """Keep the content of code spans but protect it from emphasis and link handling."""
    parts: list[str] = []
    pos = 0
    runs = list(_BACKTICKS.finditer(text))
    i = 0
    while i < len(runs):
        opening = runs[i]
        for j in range(i + 1, len(runs)):
            closing = runs[j]
            if len(closing.group()) == len(opening.group()):
                parts.append(text[pos : opening.start()])
                parts.append(text[opening.end() : closing.start()].strip())
                pos = closing.end()
                i = j + 1
                break
        else:
            i += 1
    parts.append(text[pos:])
    return "".join(parts)


def anchors_of(headings: Iterable[Heading]) -> frozenset[str]:
    """The ids MkDocs' `toc` extension gives these headings, duplicates numbered `_1`, `_2`."""
    used: set[str] = set()
    for heading in headings:
        slug = heading.custom_id or slugify(heading_text(heading.text), "-")
        if heading.custom_id is None:
            base, n = slug, 0
            while slug in used or not slug:
                n += 1
                slug = f"{base}_{n}"
        used.add(slug)
    return frozenset(used)


def first_paragraph(body: str) -> str:
    """The first paragraph of prose, joined into one line (for fallback descriptions)."""
    paragraph: list[str] = []
    fence: str | None = None
    for raw in body.split("\n"):
        line = raw.strip()
        if fence is not None:
            if line.startswith(fence):
                fence = None
            continue
        match = _FENCE.match(raw)
        if match:
            if paragraph:
                break
            fence = match.group("fence")
            continue
        if not line:
            if paragraph:
                break
            continue
        if line.startswith(("#", "<", "|", "---", "***", "===", "!!!", "[")) and not paragraph:
            continue
        paragraph.append(line.lstrip("> ").strip())
    return " ".join(paragraph)
