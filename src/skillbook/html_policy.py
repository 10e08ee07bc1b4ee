"""What HTML a knowledge-base page may carry: the check reports it, the site enforces it.

Knowledge-base files come from many hands, and Markdown passes raw HTML and any link URL
through. The published page keeps what Markdown and Material's extensions produce (text
markup, tables, code, admonitions, details, inline SVG icons) and removes scripts, event
handlers, frames, forms and `javascript:`/`vbscript:`/`data:` URLs. `skillbook check`
reports the same things at their lines (KB306, KB307), so nothing is dropped unannounced.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # nh3, and Python's HTML parser, are imported where a page or a tag needs them
    import nh3

UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
_LEADING_IGNORED = "".join(chr(c) for c in range(33))  # C0 controls and space
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "ftps", "irc", "ircs", "xmpp"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "xlink:href", "poster"})

# what the page keeps beyond nh3's own defaults (`allowed_tags`, `allowed_attributes`)
_MORE_TAGS = {
    # inline SVG: Material's and pymdownx.emoji's icons
    "svg",
    "path",
    "g",
    "circle",
    "rect",
    "line",
    "polyline",
    "polygon",
    "ellipse",
    "text",
    "tspan",
    "title",
    "desc",
    # task lists, figures and tables as Markdown extensions write them
    "input",
    "label",
    "tfoot",
    "section",
    "main",
    "picture",
    "source",
}
_GENERIC = {"class", "id", "title", "lang", "dir", "role", "style", "tabindex", "hidden"}
# how SVG shapes and text are drawn: presentation attributes only (no `href`, no `on*`, no
# `style`-less tricks); names keep their SVG case (`viewBox`), which the sanitiser matches exactly
_STROKE = {"stroke", "stroke-width", "stroke-opacity", "stroke-dasharray", "stroke-linecap"}
_PAINT = {"fill", "fill-opacity", "opacity", "transform"} | _STROKE
_FONT = {"text-anchor", "dominant-baseline", "font-size", "font-weight", "fill"}
_MORE_ATTRIBUTES = {
    "a": {"href", "hreflang", "name", "target", "download"},
    "img": {"src", "alt", "width", "height", "loading", "align"},
    "source": {"srcset", "media", "type"},
    "details": {"open"},
    "input": {"type", "checked", "disabled"},
    "label": {"for"},
    "time": {"datetime"},
    "svg": {"viewBox", "preserveAspectRatio", "xmlns", "width", "height", "fill", "focusable"},
    "path": {"d", "fill-rule", "clip-rule"} | _PAINT,
    "g": _PAINT | _FONT,
    "circle": {"cx", "cy", "r"} | _PAINT,
    "rect": {"x", "y", "width", "height", "rx", "ry"} | _PAINT,
    "line": {"x1", "y1", "x2", "y2"} | _PAINT,
    "polyline": {"points"} | _PAINT,
    "polygon": {"points"} | _PAINT,
    "ellipse": {"cx", "cy", "rx", "ry"} | _PAINT,
    "text": {"x", "y", "dx", "dy", "transform"} | _FONT,
    "tspan": {"x", "y", "dx", "dy"} | _FONT,
}


@functools.cache
def allowed_tags() -> frozenset[str]:
    """The tags a page keeps: nh3's defaults, and what Material and its extensions write."""
    import nh3

    return frozenset(nh3.ALLOWED_TAGS) | _MORE_TAGS


@functools.cache
def allowed_attributes() -> dict[str, set[str]]:
    """The attributes a page keeps, by tag (`*`: on any tag)."""
    import nh3

    found = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()} | {"*": _GENERIC}
    for tag, attrs in _MORE_ATTRIBUTES.items():
        found.setdefault(tag, set()).update(attrs)
    return found


@functools.cache
def _allowed_lower() -> dict[str, set[str]]:
    # the check sees attribute names lowercased, as an HTML parser gives them
    return {tag: {a.lower() for a in attrs} for tag, attrs in allowed_attributes().items()}


# CSS that only changes how text looks: no positioning, no URLs, nothing that can overlay the page
STYLE_PROPERTIES = frozenset(
    {
        "color",
        "background-color",
        "font-weight",
        "font-style",
        "font-size",
        "text-align",
        "text-decoration",
        "vertical-align",
        "width",
        "height",
        "max-width",
        "margin",
        "margin-left",
        "margin-right",
        "padding",
        "border",
        "border-collapse",
        "white-space",
    }
)
_REMOVED_WITH_CONTENT = frozenset({"script", "style"})
_PREFIXES = ("data-", "aria-")


def unsafe_url(url: str) -> bool:
    """Whether a browser would run or inline `url`: javascript:, vbscript: or data:.

    Browsers decode entities in attributes, skip leading spaces and control characters, and
    ignore tabs and newlines inside the scheme, so `jav&#x61;\\tscript:` counts too.
    """
    if ":" not in url and "&" not in url:  # a scheme needs a colon, or an entity for one
        return False
    if "&" in url:
        import html

        url = html.unescape(url)
    text = url.lstrip(_LEADING_IGNORED)
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    return text[:11].lower().startswith(UNSAFE_SCHEMES)


@functools.cache
def _cleaner() -> nh3.Cleaner:
    # built once: passing the policy to `nh3.clean` converts it again on every call, which
    # cost more than cleaning a typical page
    import nh3

    return nh3.Cleaner(
        tags=set(allowed_tags()),
        clean_content_tags=set(_REMOVED_WITH_CONTENT),
        attributes=allowed_attributes(),
        generic_attribute_prefixes=set(_PREFIXES),
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None,
        strip_comments=False,
    )


def sanitize(page_html: str) -> str:
    """The rendered HTML of a knowledge-base page, with everything the policy forbids removed."""
    return _cleaner().clean(page_html)


class RawHtmlProblem(NamedTuple):
    """A piece of raw HTML the published page will not carry, at an offset of the body."""

    offset: int
    message: str


# a start tag; the name must end at a space, `/` or `>`, so autolinks (<https://…>, <a@b.c>)
# are not tags
_TAG = re.compile(
    r"<(?P<name>[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])(?P<rest>(?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>"
)


@functools.cache
def _attribute_parser() -> Callable[[str], list[tuple[str, str | None]]]:
    """What parses the attributes of one start tag, exactly as Python's HTML parser does
    (imported the first time a tag has attributes)."""
    from html.parser import HTMLParser

    class Attributes(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.attrs: list[tuple[str, str | None]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.attrs = attrs

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.attrs = attrs

    def parse(tag_text: str) -> list[tuple[str, str | None]]:
        parser = Attributes()
        parser.feed(tag_text)
        parser.close()
        return parser.attrs

    return parse


def raw_html_problems(masked_body: str) -> Iterator[RawHtmlProblem]:
    """Raw HTML in a body (code already blanked out) that the site removes."""
    if "<" not in masked_body:
        return
    for match in _TAG.finditer(masked_body):
        before = masked_body[max(0, match.start() - 3) : match.start()]
        if before.endswith(("](", "]:", "]: ")):
            continue  # a link destination written in angle brackets: [x](<url>)
        written = match.group("name")  # messages quote the tag as the source writes it
        name = written.lower()
        if name not in allowed_tags():
            if name in _REMOVED_WITH_CONTENT:
                what = f"<{written}> is removed with its content"
            else:
                what = f"<{written}> is removed (its text is kept)"
            yield RawHtmlProblem(match.start(), f"raw HTML {what} from the published page")
            continue
        if not match.group("rest").strip():
            continue
        lower = _allowed_lower()
        allowed = lower.get(name, set()) | lower["*"]
        for attr, value in _attribute_parser()(match.group(0)):
            if attr.startswith("on"):
                yield RawHtmlProblem(
                    match.start(),
                    f"raw HTML <{written} {attr}=…>: event handlers are removed from the "
                    f"published page",
                )
            elif attr in URL_ATTRIBUTES and value is not None and unsafe_url(value):
                yield RawHtmlProblem(
                    match.start(),
                    f'raw HTML <{written} {attr}="{value[:40]}">: script and data URLs are '
                    f"removed from the published page",
                )
            elif attr not in allowed and attr != "markdown" and not attr.startswith(_PREFIXES):
                # (`markdown` is md_in_html's switch, consumed while rendering)
                yield RawHtmlProblem(
                    match.start(),
                    f"raw HTML <{written} {attr}=…>: the attribute is removed from the published page",
                )
