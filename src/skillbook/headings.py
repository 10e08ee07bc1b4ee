"""Headings of a Markdown body, the anchors MkDocs gives them, and a body's first paragraph.

Headings are found by the same line scan as links (see `markdown_scan`): ATX and setext
headings outside fenced code. Anchors are slugified exactly as MkDocs' `toc` extension does it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from skillbook.markdown_blocks import HeadingSpan, heading_spans
from skillbook.markdown_scan import lines_of
from skillbook.model import Heading

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ATTR_LIST = re.compile(r"[ \t]*\{:?(?P<attrs>[^{}]*)\}[ \t]*$")
_ATTR_ID = re.compile(r"(?:^|\s)#(?P<id>[^\s}]+)")
_BACKTICKS = re.compile(r"`+")
_HTML_TAG = re.compile(r"<[^>]+>")
_MD_LINK_TEXT = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\](?:\([^)]*\)|\[[^\]]*\])?")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")
_EM_UNDERSCORE = re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\[\]]*\])*\](?:\([^)]*\)|\[[^\]]*\])?")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^<>\s]+|[^<>\s@]+@[^<>\s@]+)>")
_INLINE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_INLINE_MARKUP = re.compile(r"[`\[*_<&\\]")  # what `heading_text` may take out or decode
_HEADING_MARK = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")
_CODE_SLOT = re.compile(r"\x00(\d+)\x00")
_NOT_IN_SLUG = re.compile(r"[^\w\s-]")
_SLUG_GAP = re.compile(r"[-\s]+")


def slugify(text: str) -> str:
    """The id Python-Markdown's `toc` makes of a heading's plain text with its default
    `slugify` and separator `-`: accents taken off and other non-ASCII letters dropped,
    punctuation but `-` dropped, lower case, each run of spaces and `-` one `-`.

    Written here, not imported: importing Markdown costs a check run more than its
    slugs do. A property test holds it to Markdown's own.
    """
    if not text.isascii():  # (ASCII text is its own decomposition)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG_GAP.sub("-", _NOT_IN_SLUG.sub("", text).strip().lower())


@functools.lru_cache(maxsize=4096)
def headings_in(body: str, first_line: int) -> tuple[Heading, ...]:
    """ATX and setext headings of `body` outside fenced code, in order."""
    found = heading_spans(body)
    numbers = lines_of(body, [offset for offset, _, _ in found], first_line)
    return tuple(
        _heading(text, line, level) for line, (_, text, level) in zip(numbers, found, strict=True)
    )


def find_anchors(spans: Iterable[HeadingSpan]) -> frozenset[str]:
    """The ids MkDocs' `toc` gives the headings `markdown_scan` found (`Scan.headings`).

    The loader keeps only these ids, which is all a link check needs; the headings
    themselves, with their lines, come from `headings_in` when asked for.
    """
    return frozenset(_ids([_text_and_id(text) for _, text, _ in spans]))


def _text_and_id(text: str) -> tuple[str, str | None]:
    """A heading's raw text less its attr list, stripped, and the `{#id}` the list gives."""
    custom_id = None
    attrs = _ATTR_LIST.search(text) if "{" in text else None
    if attrs:
        id_match = _ATTR_ID.search(attrs.group("attrs"))
        custom_id = id_match.group("id") if id_match else None
        text = text[: attrs.start()]
    return text.strip(), custom_id


def _heading(text: str, line: int, level: int) -> Heading:
    stripped, custom_id = _text_and_id(text)
    return Heading(stripped, line, level, custom_id)


def _unescape(text: str) -> str:
    """`html.unescape`; its module, with a table of 2,231 entities, is imported only for a
    text that holds a `&`."""
    if "&" not in text:
        return text
    import html

    return html.unescape(text)


def heading_text(markdown_text: str) -> str:
    """The plain text a heading renders to (what `toc` slugifies)."""
    if _INLINE_MARKUP.search(markdown_text) is None:  # nothing below would change it
        return markdown_text
    text = _BACKTICKS.sub("", _code_spans_to_text(markdown_text))
    text = _MD_LINK_TEXT.sub(lambda m: m.group(1), text)
    for pattern in (_STRONG, _EM_STAR, _EM_UNDERSCORE):
        text = pattern.sub(lambda m: m.group(m.lastindex or 1), text)
    text = _HTML_TAG.sub("", text)
    return _unescape(text.replace("\\", ""))


def plain_text(markdown_text: str) -> str:
    """Inline Markdown as the plain text it reads as: for a description or summary taken
    from a body paragraph, shown in tables, lists and `<meta>` where markup is not rendered.

    Emphasis marks, link and image syntax, inline HTML tags, heading marks and backslash
    escapes go; a link keeps its text, an image goes with its alt text, a code span keeps
    its code as written, and entities are decoded.
    """
    codes: list[str] = []

    def keep(code: str) -> str:
        codes.append(code)
        return f"\x00{len(codes) - 1}\x00"

    text = _code_spans_to_text(markdown_text.replace("\x00", ""), keep)
    text = _ESCAPED.sub(lambda m: keep(m.group(1)), text)  # `\*` is a star, not emphasis
    text = _IMAGE.sub("", text)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    text = _MD_LINK_TEXT.sub(lambda m: m.group(1), text)
    for pattern in (_STRONG, _EM_STAR, _EM_UNDERSCORE):
        text = pattern.sub(lambda m: m.group(m.lastindex or 1), text)
    text = _INLINE_TAG.sub("", text)
    text = _unescape(_HEADING_MARK.sub("", text))
    text = _CODE_SLOT.sub(lambda m: codes[int(m.group(1))], text)
    return " ".join(text.split())


def _code_spans_to_text(text: str, keep: Callable[[str], str] | None = None) -> str:
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
                code = text[opening.end() : closing.start()].strip()
                parts.append(keep(code) if keep is not None else code)
                pos = closing.end()
                i = j + 1
                break
        else:
            i += 1
    parts.append(text[pos:])
    return "".join(parts)


def anchors_of(headings: Iterable[Heading]) -> frozenset[str]:
    """The ids MkDocs' `toc` extension gives these headings."""
    return frozenset(anchor for _, anchor in _anchored(tuple(headings)))


def heading_anchors(headings: Sequence[Heading]) -> tuple[str, ...]:
    """The id `toc` gives each heading, in order (see `_ids`)."""
    return _ids([(h.text, h.custom_id) for h in headings])


def _ids(headings: Sequence[tuple[str, str | None]]) -> tuple[str, ...]:
    """The id `toc` gives each heading, (text, `{#id}` or None), in order.

    As in `toc`: every `{#id}` is taken first, then each other heading gets its slug, made
    unique by `toc`'s own numbering (`example`, `example_1`, `example_2`; a slug already
    ending in `_<n>` counts on from n).
    """
    used = {custom_id for _, custom_id in headings if custom_id is not None}
    counters: dict[str, int] = {}
    found = []
    for text, anchor in headings:
        if anchor is None:
            anchor = _slug(text)
            if anchor and anchor not in used:  # what `toc`'s unique does with a new id
                used.add(anchor)
            else:
                anchor = _unique(anchor, used, counters)
        found.append(anchor)
    return tuple(found)


@functools.lru_cache(maxsize=4096)
def _anchored(headings: tuple[Heading, ...]) -> tuple[tuple[Heading, str], ...]:
    """Each heading with the id `toc` gives it, in order."""
    return tuple(zip(headings, heading_anchors(headings), strict=True))


@functools.lru_cache(maxsize=1 << 14)
def _slug(markdown_text: str) -> str:
    """The slug `toc` makes of a heading's text; cached, as most headings recur in many files
    (every pattern has a "Solution")."""
    return slugify(heading_text(markdown_text))


def anchored_cache_clear() -> None:
    """Empty the caches of headings' anchors and slugs (see `documents.clear_caches`)."""
    _anchored.cache_clear()
    _slug.cache_clear()


def _unique(slug: str, used: set[str], counters: dict[str, int]) -> str:
    from markdown.extensions.toc import unique as toc_unique  # for a repeated heading only

    try:
        return str(toc_unique(slug, used, counters))  # adds the unique id to `used`
    except TypeError:  # older Markdown: no counters (and slow on many repeated headings)
        return str(toc_unique(slug, used))


_GITHUB_DROPPED = re.compile(r"[^\w\- ]")


def github_anchors(headings: Iterable[Heading]) -> list[str]:
    """The anchors GitHub gives these headings: lower case, punctuation dropped, each space a
    `-` (`1. Run (`claude -p`)` is `1-run-claude--p`), repeats numbered `-1`, `-2`."""
    seen: dict[str, int] = {}
    found = []
    for heading in headings:
        slug = _GITHUB_DROPPED.sub("", heading_text(heading.text).strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.append(f"{slug}-{count}" if count else slug)
    return found


def suggest_anchor(anchor: str, headings: Iterable[Heading]) -> str | None:
    """The site's anchor of the heading a missing `#anchor` most likely means: the one GitHub
    gives that anchor (the link was written on GitHub), else the same slug with `-` for `_`,
    or a longer one it starts."""
    items = tuple(headings)
    anchored = _anchored(items)
    for (_, site), github in zip(anchored, github_anchors(items), strict=True):
        if github == anchor:
            return site
    for site in sorted(site for _, site in anchored):
        if anchor.replace("_", "-") == site or site.startswith(anchor):
            return site
    return None


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
