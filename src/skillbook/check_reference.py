"""Where a site's check reference documents each code, so pages can link a code to it.

This repository's documentation has the reference (`docs/reference/checks.md`, a heading
per code); a site built from another knowledge base usually has none, and its pages then
name codes without linking them, rather than link to a page that is not there.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from markdown.extensions.toc import slugify

from skillbook.headings import heading_text, headings_in

CHECKS_PAGE = "reference/checks.md"  # under docs_dir
_CODE = re.compile(r"(KB\d{3})\b")


@dataclass(frozen=True, slots=True)
class CheckReference:
    """The check reference page of a site, and the anchor of each code's section on it."""

    repo_path: str  # docs/reference/checks.md
    src_path: str  # reference/checks.md, as MkDocs knows it
    anchors: Mapping[str, str]

    def link(self, code: str, href: Callable[[str], str]) -> str | None:
        """A link to `code`'s section (`href` maps the page's repo path to a URL), if any."""
        anchor = self.anchors.get(code)
        return None if anchor is None else f"{href(self.repo_path)}#{anchor}"


def parse_check_reference(text: str, repo_path: str, src_path: str) -> CheckReference:
    """The reference in `text`: each heading that starts with a code is that code's section."""
    anchors: dict[str, str] = {}
    for heading in headings_in(text, 1):
        plain = heading_text(heading.text).strip()
        found = _CODE.match(plain)
        if found and found.group(1) not in anchors:
            anchors[found.group(1)] = heading.custom_id or slugify(plain, "-")
    return CheckReference(repo_path, src_path, anchors)


def read_check_reference(root: Path, docs_dir: str) -> CheckReference | None:
    """The site's check reference, when its docs_dir has one."""
    repo_path = posixpath.join(docs_dir, CHECKS_PAGE)
    try:
        text = (root / repo_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return parse_check_reference(text, repo_path, CHECKS_PAGE)
