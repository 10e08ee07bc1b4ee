"""Every internal link of a built site must reach a file, and its #fragment an id there."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_SKIPPED_SCHEMES = ("mailto:", "data:", "tel:", "javascript:")


class _Page(HTMLParser):
    """The links (`href`, `src`) and the ids (`id`, `name`) of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value is None:
                continue
            if key in ("href", "src") and tag not in ("base",):
                self.links.append(value)
            elif key == "id" or (key == "name" and tag == "a"):
                self.ids.add(value)

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page


def _target(site: Path, page: str, url: str) -> tuple[str, str] | None:
    """(site path of the target file, fragment) of an internal link, or None to skip it."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.lower().startswith(_SKIPPED_SCHEMES):
        return None
    path = unquote(parts.path)
    if not path:
        return page, unquote(parts.fragment)
    if path.startswith("/"):
        joined = path.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(page), path)
    target = posixpath.normpath(joined) if joined else "."
    if target == "." or path.endswith("/") or (site / target).is_dir():
        target = posixpath.join("" if target == "." else target, "index.html")
    return target, unquote(parts.fragment)


def broken_links(site: Path) -> list[str]:
    """`page: link (why)` for every relative or site-absolute link of every HTML file of the
    site whose file is missing, or whose #fragment is no `id` (or `name`) in the target."""
    pages: dict[str, _Page] = {}

    def parsed(rel: str) -> _Page:
        if rel not in pages:
            pages[rel] = _parse(site / rel)
        return pages[rel]

    problems = []
    for html_file in sorted(site.rglob("*.html")):
        rel = html_file.relative_to(site).as_posix()
        for url in parsed(rel).links:
            found = _target(site, rel, url)
            if found is None:
                continue
            target, fragment = found
            if target.startswith("../") or not (site / target).is_file():
                problems.append(f"{rel}: {url} (no file {target})")
            elif fragment and target.endswith(".html") and fragment not in parsed(target).ids:
                problems.append(f"{rel}: {url} (no id '{fragment}' in {target})")
    return problems
