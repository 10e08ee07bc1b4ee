"""The whole site as plain Markdown and a `mkdocs.yml`, for engines that run no plugin.

Zensical, MkDocs without the plugin (or MkDocs 2) and other generators build this export into
the same pages the plugin makes: every skill and pattern with its relations, the catalogues,
the status dashboard (its charts as SVG files), the journal, the pages of docs/, and a nav.
Links are relative `.md` links between the exported files; a link to a file the export does
not hold becomes a link to the repository host when `repo_url`/`edit_uri` allow, else its
text. Nothing here imports MkDocs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from skillbook.analysis import Analysis
from skillbook.engines import without_plugin_notes
from skillbook.export import page_dest
from skillbook.loader import first_heading
from skillbook.markdown_scan import links_in, resolve_relative
from skillbook.render.environment import environment
from skillbook.render.markdown_pages import MarkdownRenderer
from skillbook.site import CSS_PATH, Options, Site

DOCS = "docs"  # the export's docs_dir, beside its mkdocs.yml
MARKDOWN_EXTENSIONS: list[Any] = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    {"toc": {"permalink": True}},
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.superfences",
]


def export_path(repo_path: str, skills: Iterable[str]) -> str:
    """Where the export puts a knowledge-base file: a SKILL.md becomes its folder's
    `index.md` (the address the plugin gives it), a README.md beside it `README/index.md`."""
    dest = page_dest(repo_path, frozenset(skills), use_directory_urls=True)
    if dest is None:
        return repo_path
    return dest.removesuffix(".html") + ".md"


def _frontmatter(values: dict[str, Any], body: str) -> str:
    fields = {key: value for key, value in values.items() if value}
    head = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n\n{body.lstrip()}"


def _docs_files(root: Path, docs_dir: str) -> dict[str, bytes]:
    """docs_dir-relative path -> bytes of every file in docs_dir (hidden ones left out)."""
    base = root / docs_dir
    found: dict[str, bytes] = {}
    for path in sorted(base.rglob("*")) if base.is_dir() else []:
        rel = path.relative_to(base).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in rel.split("/")):
            found[rel] = path.read_bytes()
    return found


class MarkdownSite:
    """The export of one analysis: export path (under `docs/`) -> text or bytes."""

    def __init__(
        self,
        analysis: Analysis,
        options: Options,
        *,
        repo_url: str | None = None,
        edit_uri: str | None = None,
    ) -> None:
        self.analysis = analysis
        self.options = options
        self.repo_url, self.edit_uri = repo_url, edit_uri
        env = environment()
        self.site = Site(analysis, env, options)
        self.renderer = MarkdownRenderer(
            analysis, env, check_reference=self.site.renderer.check_reference
        )
        self.kb = analysis.kb

    def pages(self) -> tuple[dict[str, str | bytes], list[Any]]:
        """Every file of the export's docs folder, and its nav."""
        kb, site, r = self.kb, self.site, self.renderer
        skill_paths = [s.path for s in kb.skills]
        docs = _docs_files(kb.root, self.options.docs_dir)
        texts: dict[str, str] = {}  # export path -> Markdown, links still as written
        repo_of: dict[str, str] = {}  # export path of a page -> the path its links are from
        made: dict[str, str | bytes] = {}
        layout = kb.layout
        generated = r.status_files()
        generated[f"{layout.skills_dir}/index.md"] = r.skills_page(f"{layout.skills_dir}/index.md")
        if site.has_patterns:
            page = f"{layout.patterns_dir}/index.md"
            generated[page] = r.patterns_page(page)
        if site.has_sessions:
            page = f"{layout.sessions_dir}/index.md"
            generated[page] = r.sessions_index(page)
        for path, text in generated.items():
            if path in docs:  # a page of docs/ wins, as on the site
                continue
            if path.endswith(".md"):
                texts[path], repo_of[path] = text, path
            else:
                made[path] = text
        for path in site.entry_paths():
            dest = export_path(path, skill_paths)
            if not path.endswith(".md"):
                made[dest] = (kb.root / path).read_bytes() if (kb.root / path).is_file() else b""
                continue
            texts[dest], repo_of[dest] = self._entry(path), path
        for path, data in docs.items():
            if path.endswith(".md"):
                text = data.decode("utf-8", errors="replace")
                texts[path] = without_plugin_notes(text)
                repo_of[path] = posixpath.join(self.options.docs_dir, path)
            else:
                made[path] = data
        made[CSS_PATH] = site.static_files()[CSS_PATH]
        src_of = {repo: dest for dest, repo in repo_of.items()}
        exported = set(texts) | set(made)
        for dest, text in texts.items():
            made[dest] = self._links(text, repo_of[dest], dest, src_of, exported)
        return made, self._nav(docs, src_of)

    def _entry(self, path: str) -> str:
        """A skill's, pattern's or session log's page, or a Markdown file of a skill folder."""
        site, r = self.site, self.renderer
        doc = site.docs[path]
        title = site.title_of(path)
        body = doc.body if doc.loaded else r.unloaded(doc, title)
        if path in site.skills:
            skill = site.skills[path]
            title = (first_heading(doc) if doc.loaded else None) or title
            fields = {"title": title, "description": skill.description, "tags": list(skill.tags)}
            return _frontmatter(fields, body.rstrip() + "\n" + r.skill_relations_md(skill))
        if path in site.patterns:
            pattern = site.patterns[path]
            fields = {"title": title, "description": pattern.summary, "tags": list(pattern.tags)}
            return _frontmatter(fields, body.rstrip() + "\n" + r.pattern_relations_md(pattern))
        if path in site.sessions:
            return _frontmatter({"title": site.sessions[path].title}, body)
        return _frontmatter({}, body) if doc.frontmatter is not None else body

    def _links(
        self, text: str, repo_path: str, dest: str, src_of: dict[str, str], exported: set[str]
    ) -> str:
        """Links pointed at the exported files, or at the repository host, or made text."""
        text = self.site.rewrite(
            text, repo_path, dest, src_of, repo_url=self.repo_url, edit_uri=self.edit_uri
        )
        out: list[str] = []
        pos = 0
        for span in links_in(text):
            target = resolve_relative(dest, span.url)
            if target is None or target.path in exported or span.definition:
                continue
            out.append(text[pos : span.start] + (span.text or span.url))
            pos = span.end
        return "".join(out) + text[pos:]

    def _nav(self, docs: dict[str, bytes], src_of: dict[str, str]) -> list[Any]:
        """The plugin's nav, with each page at its export path."""
        pages = sorted(p for p in docs if p.endswith(".md"))
        nav = self.site.nav(home="index.md" in docs, docs_pages=pages)

        def place(item: Any) -> Any:
            if isinstance(item, str):
                return src_of.get(item, item)
            if isinstance(item, list):
                return [place(i) for i in item]
            if isinstance(item, dict):
                return {k: place(v) for k, v in item.items()}
            return item

        return [place(item) for item in nav.items]


def config_yml(options: Options, nav: list[Any], *, repo_url: str | None) -> str:
    """The export's mkdocs.yml: Material, search and tags, the extensions the pages use."""
    config: dict[str, Any] = {
        "site_name": options.site_name or "Skills",
        "site_description": options.site_description,
        "site_url": options.site_url,
        "repo_url": repo_url,
        "docs_dir": DOCS,
        "theme": {"name": "material", "features": ["navigation.indexes", "navigation.sections"]},
        "plugins": ["search", "tags"],
        "extra_css": [CSS_PATH],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "nav": nav,
    }
    head = (
        "# Written by `skillbook export --format markdown`: a plain-Markdown copy of the site\n"
        "# for engines that run no MkDocs plugin (Zensical, MkDocs without skillbook).\n"
        "# The next export replaces this file; change the knowledge base, not this copy.\n"
    )
    body = {k: v for k, v in config.items() if v is not None and v != ""}
    return head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=1000)


def markdown_export(
    analysis: Analysis, options: Options, *, repo_url: str | None, edit_uri: str | None
) -> dict[str, bytes]:
    """out-relative path -> bytes of the whole export: `mkdocs.yml` and `docs/…`."""
    site = MarkdownSite(analysis, options, repo_url=repo_url, edit_uri=edit_uri)
    pages, nav = site.pages()
    files = {
        f"{DOCS}/{path}": data if isinstance(data, bytes) else data.encode("utf-8")
        for path, data in pages.items()
    }
    files["mkdocs.yml"] = config_yml(options, nav, repo_url=repo_url).encode("utf-8")
    return files
