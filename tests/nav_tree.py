"""The primary navigation of a page built with Material, as a tree of titles."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Item:
    """One entry of the rendered navigation: a page, or a section with children."""

    title: str = ""
    href: str | None = None
    section: bool = False
    children: list[Item] = field(default_factory=list)

    def find(self, title: str) -> Item | None:
        """The first item titled `title` at any depth under this one."""
        for child in self.children:
            if child.title == title:
                return child
            found = child.find(title)
            if found is not None:
                return found
        return None

    @property
    def titles(self) -> list[str]:
        return [child.title for child in self.children]


class _Nav(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Item(section=True)
        self.stack: list[Item] = []
        self.naming: Item | None = None  # the item whose title is being read
        self.nav_depth = 0  # inside the primary <nav>: how many <nav> are open

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "nav":
            if self.nav_depth or "md-nav--primary" in classes:
                self.nav_depth += 1
            self.naming = None
        if not self.nav_depth:
            return
        if tag == "li" and "md-nav__item" in classes:
            item = Item(section="md-nav__item--nested" in classes)
            (self.stack[-1] if self.stack else self.root).children.append(item)
            self.stack.append(item)
            self.naming = item
        elif tag == "a" and self.naming is not None and self.naming.href is None:
            self.naming.href = a.get("href")

    def handle_endtag(self, tag: str) -> None:
        if not self.nav_depth:
            return
        if tag == "nav":
            self.nav_depth -= 1
        elif tag == "li" and self.stack:
            self.stack.pop()
            self.naming = None

    def handle_data(self, data: str) -> None:
        if self.naming is not None and not self.naming.title and data.strip():
            self.naming.title = " ".join(data.split())


def primary_nav(page_html: str) -> Item:
    """The items of the page's primary navigation (Material's left sidebar)."""
    parser = _Nav()
    parser.feed(page_html)
    parser.close()
    return parser.root
