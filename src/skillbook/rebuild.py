"""Rebuilds under `mkdocs serve --dirty`: render again exactly what an edit affects.

MkDocs' dirty mode renders again only the pages whose source file is newer than the page it
wrote. Everything one page takes from others then goes stale: a pattern's "used by", the
catalogues, the dashboard, the navigation of other pages, and the search index, which holds
only the pages rendered last. `Memory`, which the plugin keeps across the rebuilds of one
`mkdocs serve --dirty`, records what each page was rendered from, and plans each rebuild:

- every page, when something every page shows changed: the navigation, the pages and their
  addresses, any title, description or tag, a page of docs/ (by MkDocs' own test), the
  configuration or the templates;
- otherwise exactly the pages whose own inputs (`page_inputs`) differ from their last render.

For a page not rendered it keeps what MkDocs would lose: its title and metadata (the
navigation and other plugins read them) and its search entries, given back in the order a clean
build writes them. A skill's bundle whose files are unchanged is reused with its zip, an export
whose bytes are unchanged is not written again, and the files of pages and exports that are
gone are removed: the site is what a clean build of the same files writes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from skillbook.diagnostics import Severity
from skillbook.export import Bundle, Reuse, Zips, both_zips
from skillbook.model import Skill
from skillbook.site import Site

Shown = tuple[Any, dict[str, Any]]  # a page's title and metadata after its render


@dataclass(eq=False)
class Memory:
    """What the last build rendered each page from, and what the next one must keep."""

    site: object = None  # the site-wide inputs of the last build; None: render everything
    pages: dict[str, object] = field(default_factory=dict)  # src path -> inputs of its render
    shown: dict[str, Shown] = field(default_factory=dict)  # src path -> title and metadata
    search: dict[str, list[Any]] = field(default_factory=dict)  # src path -> search entries
    order: list[str] = field(default_factory=list)  # src paths of the pages, in build order
    # skill path -> (its bundle, the bundle's zips, a token of each input: see `token`)
    bundles: dict[str, tuple[Bundle, tuple[bytes, bytes], dict[str, object]]] = field(
        default_factory=dict
    )
    # kind of output ("exports", "raw") -> site path -> bytes written by the last build
    outputs: dict[str, dict[str, bytes]] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)  # absolute paths of the last build's files

    def plan(self, site: object, pages: Mapping[str, object]) -> frozenset[str] | None:
        """Src paths of the plugin's pages to render (None: every page of the site), given
        the site-wide inputs and each page's; the new inputs are remembered."""
        render = None
        if self.site is not None and self.site == site:
            render = frozenset(src for src, now in pages.items() if self.pages.get(src) != now)
        self.site, self.pages = site, dict(pages)
        return render

    def forget(self) -> None:
        """After a failed build: the next one renders everything."""
        self.site = None
        self.pages.clear()

    def reusable(self, skill: Skill, token: Callable[[str], object]) -> Bundle | None:
        """The skill's bundle from the last build, if no file it was made from changed."""
        kept = self.bundles.get(skill.path)
        if kept is None or any(token(path) != was for path, was in kept[2].items()):
            return None
        return kept[0]

    def zips(
        self, bundles: Iterable[tuple[str, Bundle]], token: Callable[[str], object]
    ) -> dict[str, tuple[bytes, bytes]]:
        """Skill path -> zips of each bundle (a reused bundle keeps its zips); remembered."""
        kept: dict[str, tuple[Bundle, tuple[bytes, bytes], dict[str, object]]] = {}
        for path, bundle in bundles:
            old = self.bundles.get(path)
            data = old[1] if old is not None and old[0] is bundle else both_zips(bundle)
            inputs = old[2] if old is not None and old[0] is bundle else _tokens(bundle, token)
            kept[path] = (bundle, data, inputs)
        self.bundles = kept
        return {path: data for path, (_, data, _) in kept.items()}

    def changed_outputs(self, kind: str, outputs: Mapping[str, bytes]) -> set[str]:
        """Site paths of the outputs whose bytes differ from the last build's; remembered."""
        before = self.outputs.get(kind, {})
        changed = {path for path, data in outputs.items() if before.get(path) != data}
        self.outputs[kind] = dict(outputs)
        return changed

    def for_exports(self, site: Site) -> tuple[Reuse, Zips]:
        """What `Site.exports` takes to reuse the bundles of the last build."""
        token = token_of(site)
        return (lambda skill: self.reusable(skill, token)), (lambda pairs: self.zips(pairs, token))

    def entries(self) -> list[Any]:
        """The search entries of every page, in the order of a clean build."""
        return [entry for src in self.order for entry in self.search.get(src, ())]

    def gone(self, written: Iterable[str]) -> list[str]:
        """Files the last build wrote that this one did not: to remove. Remembers `written`."""
        now = set(written)
        stale = sorted(self.written - now)
        self.written = now
        return stale


def _tokens(bundle: Bundle, token: Callable[[str], object]) -> dict[str, object]:
    return {path: token(path) for path in bundle.inputs}


def token_of(site: Site) -> Callable[[str], object]:
    """What tells a file changed: its parsed document (the same object while the file is
    unchanged), else its modification time and size, or None when it is missing."""
    root = site.analysis.kb.root

    def token(repo_path: str) -> object:
        doc = site.docs.get(repo_path)
        if doc is not None:
            return doc
        try:
            stat = os.stat(os.path.join(root, repo_path))
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    return token


def site_inputs(site: Site, *more: object) -> tuple[object, ...]:
    """What every page shows, apart from MkDocs' own: each page's title, description and
    tags (the navigation, the tags index, other plugins), the plugin's options and the check
    reference notices link to."""
    metas = tuple((path, site.meta(path)) for path in site.entry_paths() if path.endswith(".md"))
    return (metas, site.options, site.renderer.check_reference, *more)


def page_inputs(
    site: Site, src: str, repo_path: str, markdown: str | None, cards: Cards | None = None
) -> tuple[object, ...]:
    """What one of the plugin's pages is rendered from: its source (`markdown`, or its
    document), its problems and task, and the cards it shows of other entries, which hold
    exactly what `render.pages` puts in a card (its link is a function of the path)."""
    cards = cards or Cards(site)
    rels = site.analysis.relations
    if markdown is not None:  # a generated page: catalogue cards, if it has them
        markdown = markdown.replace(site.catalogue_marker, "")  # a new marker each build
        if src == f"{site.layout.skills_dir}/index.md":
            return (markdown, tuple(cards.skill(s) for s in site.skills))
        if src == f"{site.layout.patterns_dir}/index.md":
            return (markdown, tuple(cards.pattern(p) for p in site.patterns))
        return (markdown,)
    own = (
        site.docs.get(repo_path),
        tuple(site.problems.get(repo_path, ())),
        site.analysis.status.task_of.get(repo_path),
    )
    if repo_path in site.skills:
        patterns = tuple(cards.pattern(p) for p in rels.patterns_of.get(repo_path, ()))
        skills = tuple(cards.skill(s) for s in rels.skills_of.get(repo_path, ()))
        return (*own, patterns, skills, bool(site.patterns))
    if repo_path in site.patterns:
        return (*own, tuple(cards.skill(s) for s in rels.used_by.get(repo_path, ())))
    return own


class Cards:
    """What each entry's card shows, made once per build."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.errors = frozenset(
            d.path for d in site.analysis.report.diagnostics if d.severity is Severity.ERROR
        )
        self.skills: dict[str, tuple[object, ...]] = {}
        self.patterns: dict[str, tuple[object, ...]] = {}

    def skill(self, path: str) -> tuple[object, ...]:
        if (card := self.skills.get(path)) is None:
            skill = self.site.skills[path]
            count = len(self.site.analysis.relations.patterns_of.get(path, ()))
            card = (
                path,
                skill.name,
                skill.description,
                skill.tags,
                count,
                path in self.errors,
                self.site.renderer.scripts(skill),
                self.site.analysis.overlaps.get(path, ()),
            )
            self.skills[path] = card
        return card

    def pattern(self, path: str) -> tuple[object, ...]:
        if (card := self.patterns.get(path)) is None:
            pattern = self.site.patterns[path]
            used_by = self.site.analysis.relations.used_by.get(path, ())
            users = tuple(self.skill(s) for s in used_by)
            card = (path, pattern.title, pattern.summary, pattern.tags, users)
            self.patterns[path] = card
        return card


def plan_pages(
    memory: Memory,
    site: Site,
    pages: Sequence[Any],
    ours: Mapping[str, str | None],
    repo_of: Mapping[str, str],
    *,
    nav: object,
    config_file: str | None,
    templates: str | None,
) -> frozenset[str] | None:
    """Decide which documentation pages MkDocs renders, and tell their files.

    `pages` are MkDocs' documentation files in build order, `ours` the plugin's src paths
    (with the Markdown of a generated page); the navigation, the configuration file and the
    templates folder are what else every page depends on. A page of docs/ that MkDocs finds
    modified means every page: its title is in every page's navigation."""
    memory.order = [file.src_uri for file in pages]
    urls = tuple((file.src_uri, file.url) for file in pages)
    site_wide = (nav, urls, _bytes(config_file), _stamps(templates) if templates else None)
    cards = Cards(site)
    inputs = {
        src: page_inputs(site, src, repo_of.get(src, src), markdown, cards)
        for src, markdown in ours.items()
    }
    render = memory.plan(site_inputs(site, *site_wide), inputs)
    if any(f.abs_src_path and f.src_uri not in ours and f.is_modified() for f in pages):
        render = None
    for file in pages:
        if file.src_uri in ours:
            _modified(file, render is None or file.src_uri in render)
        elif render is None:
            _modified(file, True)
    return render


def _bytes(path: str | None) -> bytes:
    try:
        with open(path or "", "rb") as file:
            return file.read()
    except OSError:
        return b""


def _stamps(folder: str) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of each file of a templates folder."""
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_file():
            stat = entry.stat()
            found.append((entry.name, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _modified(file: Any, value: bool) -> None:
    """Answer MkDocs' `is_modified()` for this build (a dirty build renders what is)."""
    file.is_modified = lambda: value


def keep_unchanged(file: Any, changed: Collection[str]) -> None:
    """An export whose bytes did not change is not written again."""
    if file.src_uri not in changed:
        _modified(file, False)


def restore(memory: Memory, pages: Iterable[Any]) -> None:
    """Give the pages MkDocs will not render their title and metadata from their last render:
    the navigation of the pages it renders shows them."""
    for file in pages:
        page = file.page
        if page is not None and file.src_uri in memory.shown and not file.is_modified():
            page.title, page.meta = memory.shown[file.src_uri]


def search_list(plugins: Mapping[str, Any]) -> tuple[Any, list[Any]] | None:
    """The search plugin (Material's or MkDocs') and the list of its index entries."""
    plugin = plugins.get("material/search") or plugins.get("search")
    index = getattr(plugin, "search_index", None)
    entries = getattr(index, "entries", getattr(index, "_entries", None))
    return (plugin, entries) if isinstance(entries, list) else None


def record(memory: Memory, page: Any, entries: list[Any] | None, seen: int) -> int:
    """After a page is indexed: keep its title, metadata and its new search entries; returns
    how many entries the index holds now."""
    memory.shown[page.file.src_uri] = (page.title, dict(page.meta))
    if entries is None:
        return seen
    memory.search[page.file.src_uri] = entries[seen:]
    return len(entries)


def complete_search(memory: Memory, found: tuple[Any, list[Any]] | None) -> None:
    """Before the search plugin writes its index: every page's entries, in build order (the
    pages not rendered keep theirs). Material's own dirty-mode merge is turned off."""
    if found is None:
        return
    plugin, entries = found
    entries[:] = memory.entries()
    if hasattr(plugin, "search_index_prev"):
        plugin.search_index_prev = None


def finish(
    memory: Memory,
    plugins: Mapping[str, Any],
    site_dir: str,
    files: Iterable[Any],
    copies: Mapping[str, str],
) -> dict[str, str]:
    """At the end of a dirty rebuild: the whole search index, the files of pages and exports
    now gone removed; returns the raw copies that changed (only those are written)."""
    complete_search(memory, search_list(plugins))
    written = [file.abs_dest_path for file in files]
    remove_stale(memory, written + [os.path.join(site_dir, path) for path in copies])
    changed = memory.changed_outputs("raw", {p: text.encode() for p, text in copies.items()})
    return {path: text for path, text in copies.items() if path in changed}


def remove_stale(memory: Memory, written: Iterable[str]) -> None:
    """Remove what the last build wrote and this one did not (a page or export now gone)."""
    for path in memory.gone(written):
        with contextlib.suppress(OSError):  # already gone
            os.remove(path)


def complete_tags(plugins: Mapping[str, Any], pages: Iterable[Any]) -> None:
    """Material's tags plugin collects a page's tags when the page is rendered; before it
    writes its listings and tags.json, give it every page's, in build order (the pages not
    rendered with their metadata from their last render)."""
    plugin = plugins.get("material/tags") or plugins.get("tags")
    mappings = getattr(plugin, "mappings", None)
    data = getattr(mappings, "data", None)
    if mappings is None or not isinstance(data, dict):
        return
    rendered, keep = dict(data), getattr(plugin, "filter", lambda file: True)
    data.clear()
    for file in pages:
        page = file.page
        if page is not None and page.url in rendered:
            data[page.url] = rendered[page.url]
        elif page is not None and page.meta and keep(file):
            mappings.add(page, "")
