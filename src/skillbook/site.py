"""What the plugin publishes, as plain functions of one analysis: no MkDocs here.

The navigation, the generated pages, the blocks put into each page (lead, notice, download
block, relations, catalogue entries), a page's title, description and tags, the exports and
the raw Markdown copies. The plugin's hooks hand these to MkDocs; tests call them directly.
"""

from __future__ import annotations

import posixpath
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from skillbook.analysis import Analysis
from skillbook.check_reference import read_check_reference
from skillbook.export import Reuse, Zips, both_zips, build_bundles, page_url, problems_of
from skillbook.loader import first_heading
from skillbook.model import Document, Layout
from skillbook.render.discovery import discovery_files
from skillbook.render.machine import RAW_NAME, catalog_json, llms_full_txt, llms_txt
from skillbook.render.pages import STATUS_PAGE, Href, Renderer, rel
from skillbook.site_links import link_fixes, repo_link, rewrite_links
from skillbook.site_nav import Nav, build_nav, html_text

CSS_PATH = "assets/skillbook/skillbook.css"
JS_PATH = "assets/skillbook/skillbook.js"  # the catalogues' filter
_PACKAGE = Path(__file__).parent
_HEADING = re.compile(r'<h([1-6])\b[^>]*?\sid="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_HEADERLINK = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Options:
    """What the site's configuration says that the published pages depend on."""

    layout: Layout = field(default_factory=Layout)
    docs_dir: str = "docs"  # repo-relative
    exports: bool = True
    notices: bool = True
    nav_max_entries: int = 50
    permalink: str | None = None  # the `toc` extension's permalink text, if any
    site_url: str | None = None
    site_name: str = ""
    site_description: str | None = None


@dataclass(frozen=True, slots=True)
class Meta:
    """A page's title, description and tags, as escaped HTML text (Material prints them raw)."""

    title: str
    description: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Blocks:
    """What one page gets besides its own converted text.

    `lead` goes under its title in the page's contents (search indexes it); `under_title`
    (notice, download block) and `after_body` (relations) go into the written page only.
    A catalogue's entries replace `catalogue` where its template put the site's marker.
    """

    lead: str = ""
    under_title: str = ""
    after_body: str = ""
    catalogue: str = ""


class Site:
    """The site of one analysis: every page, block and export the plugin publishes."""

    def __init__(self, analysis: Analysis, env: jinja2.Environment, options: Options) -> None:
        self.analysis = analysis
        self.options = options
        reference = read_check_reference(analysis.kb.root, options.docs_dir)
        self.renderer = Renderer(analysis, env, check_reference=reference)
        kb = analysis.kb
        self.layout = kb.layout
        self.skills = {s.path: s for s in kb.skills}
        self.patterns = {p.path: p for p in kb.patterns}
        self.sessions = {s.path: s for s in kb.sessions}
        self.docs = {doc.path: doc for doc in kb.documents()}
        self.problems: dict[str, list[Any]] = defaultdict(list)
        for d in analysis.report.diagnostics:
            self.problems[d.path].append(d)
        self.docs_dir = options.docs_dir
        self.intro_of = {  # generated page (src path) -> the section README shown in it
            f"{getattr(self.layout, f'{section}_dir')}/index.md": doc.path
            for section, doc in kb.intros.items()
        }
        root = kb.root
        # a section is shown when the knowledge base has its folder or any of its entries
        self.has_patterns = bool(kb.patterns) or (root / self.layout.patterns_dir).is_dir()
        self.has_sessions = bool(kb.sessions) or (root / self.layout.sessions_dir).is_dir()
        self.link_fixes = link_fixes(kb)  # what the published pages do with broken links
        # unguessable, so no text of the knowledge base can place what goes at them
        self.catalogue_marker = f"<!-- skillbook-catalogue-{secrets.token_hex(8)} -->"
        self._raw: frozenset[str] | None = None  # site paths of the raw Markdown copies
        self._served: dict[str, str] = {}  # site path -> text of Markdown the index serves

    # the files -------------------------------------------------------------------------

    def entry_paths(self) -> list[str]:
        """Repo paths of every knowledge-base file published: entries, logs, skill files."""
        kb = self.analysis.kb
        paths = [s.path for s in kb.skills] + [p.path for p in kb.patterns]
        return paths + [s.path for s in kb.sessions] + list(kb.assets)

    def src_paths(self, ours: Iterable[str], in_docs: Iterable[str]) -> dict[str, str]:
        """Repo path -> site (src) path of every file the site publishes from the repository:
        the plugin's own files keep their path, those of docs_dir lose the folder."""
        found = {src: src for src in ours}
        found.update((posixpath.join(self.docs_dir, src), src) for src in in_docs)
        return found

    def edit_uri(self, repo_path: str) -> str:
        """The file's `edit_uri`: MkDocs joins it to a docs_dir-relative base, so step out."""
        return quote(posixpath.relpath(repo_path, self.options.docs_dir))

    def generated_pages(self) -> dict[str, str]:
        """src path -> Markdown of the catalogues, the status dashboard and the journal."""
        layout, renderer, marker = self.layout, self.renderer, self.catalogue_marker
        skills, patterns = f"{layout.skills_dir}/index.md", f"{layout.patterns_dir}/index.md"
        sessions = f"{layout.sessions_dir}/index.md"
        made = {skills: renderer.skills_index(skills, marker)}
        if self.has_patterns:
            made[patterns] = renderer.patterns_index(patterns, marker)
        made[STATUS_PAGE] = renderer.status_page()
        if self.has_sessions:
            made[sessions] = renderer.sessions_index(sessions)
        return made

    def static_files(self) -> dict[str, bytes]:
        """The stylesheet, the catalogues' filter script and the published JSON schemas."""
        found = {
            CSS_PATH: (_PACKAGE / "templates" / "skillbook.css").read_bytes(),
            JS_PATH: (_PACKAGE / "templates" / "skillbook.js").read_bytes(),
        }
        for schema in sorted((_PACKAGE / "schemas").glob("*.json")):
            found[f"schemas/{schema.name}"] = schema.read_bytes()
        return found

    def exports(
        self, reuse: Reuse | None = None, zips: Zips | None = None
    ) -> tuple[dict[str, bytes], list[str]]:
        """catalog.json, llms.txt, llms-full.txt and every skill's bundle zip; the problems
        bundling met (each a KB301 that the check reports already). A rebuild passes `reuse`
        (a skill's unchanged bundle) and `zips` (skill path and bundle -> zip, see `rebuild`)."""
        if not self.options.exports:
            return {}, []
        o, analysis = self.options, self.analysis
        skip = analysis.not_installable  # skills that would not install get no bundle
        bundles = build_bundles(
            analysis.kb, site_url=o.site_url, docs_dir=o.docs_dir, exclude=skip, reuse=reuse
        )
        paths = [s.path for s in analysis.kb.skills if s.path not in skip]
        pairs = list(zip(paths, bundles, strict=True))
        zipped = zips(pairs) if zips else {path: both_zips(b) for path, b in pairs}
        made: dict[str, bytes] = {}
        for path, bundle in pairs:
            made[f"{self.layout.skills_dir}/{bundle.name}/{bundle.name}.zip"] = zipped[path][0]
        found, digests = discovery_files(
            (self.skills[path], bundle, zipped[path][1]) for path, bundle in pairs
        )
        made.update((path, data) for path, data in found.items() if not path.endswith(".md"))
        # Markdown goes with the raw copies: MkDocs would render a .md file as a page
        self._served = {p: d.decode() for p, d in found.items() if p.endswith(".md")}
        published = {path: (bundle, digests[path]) for path, bundle in pairs}
        made["catalog.json"] = catalog_json(
            analysis, site_url=o.site_url, docs_dir=o.docs_dir, bundles=published
        ).encode()
        made["llms.txt"] = llms_txt(
            analysis,
            title=o.site_name,
            summary=o.site_description,
            site_url=o.site_url,
            docs_dir=o.docs_dir,
        ).encode()
        made["llms-full.txt"] = llms_full_txt(analysis, title=o.site_name).encode()
        return made, [str(problem) for problem in problems_of(bundles)]

    def raw_copies(self) -> dict[str, str]:
        """Site path -> text of each skill's and pattern's raw Markdown, beside its page, and
        of the Markdown files the discovery index serves."""
        if not self.options.exports:
            return {}
        kb = self.analysis.kb
        copies: dict[str, str] = dict(self._served)  # the discovery index's Markdown files
        for doc in [s.doc for s in kb.skills] + [p.doc for p in kb.patterns]:
            url = page_url(kb, doc.path, self.options.docs_dir)
            if url is not None and doc.loaded:  # not loaded: KB101 / KB106
                copies[url + RAW_NAME] = doc.text
        return copies

    # the navigation --------------------------------------------------------------------

    def nav(self, *, home: bool, docs_pages: Iterable[str]) -> Nav:
        """The navigation (see `site_nav.build_nav`): sections only for what the knowledge
        base has, and the entries left out of sections past `nav_max_entries`."""
        return build_nav(
            self.analysis.kb,
            home=home,
            docs_pages=docs_pages,
            limit=self.options.nav_max_entries,
            status_page=STATUS_PAGE,
            patterns=self.has_patterns,
            sessions=self.has_sessions,
        )

    # one page --------------------------------------------------------------------------

    def source(self, repo_path: str) -> str | None:
        """The Markdown MkDocs is given for a knowledge-base page: the text the loader read,
        Markdown inside skill folders (references/) included; None for a file it did not load.

        An empty frontmatter block comes first, so MkDocs reads no `Key: value` first line as
        metadata.
        """
        doc = self.docs.get(repo_path)
        if doc is None:
            return None
        body = doc.body if doc.loaded else self.renderer.unloaded(doc, self.title_of(repo_path))
        return "---\n{}\n---\n\n" + body

    def title_of(self, repo_path: str) -> str:
        """The plain title of a knowledge-base file: a skill's name, a pattern's title."""
        if repo_path in self.skills:
            return self.skills[repo_path].name
        if repo_path in self.patterns:
            return self.patterns[repo_path].title
        return posixpath.basename(repo_path)

    def meta(self, repo_path: str) -> Meta:
        """Title, description and tags of a knowledge-base page, from the checked fields."""
        doc = self.docs.get(repo_path)
        description: str | None = None
        tags: tuple[str, ...] = ()
        if repo_path in self.patterns:
            pattern = self.patterns[repo_path]
            title, description, tags = pattern.title, pattern.summary, pattern.tags
        elif repo_path in self.sessions:
            title = self.sessions[repo_path].title
        else:
            title = (first_heading(doc) if doc is not None else None) or ""
            if repo_path in self.skills:
                skill = self.skills[repo_path]
                title, description, tags = title or skill.name, skill.description, skill.tags
        return Meta(
            html_text(title or posixpath.basename(repo_path)),
            html_text(description) if description else None,
            tuple(html_text(tag) for tag in tags),
        )

    def blocks(self, src: str, repo_path: str, href: Href) -> Blocks:
        """The lead, notice, download block, relations and catalogue entries of one page."""
        renderer, o = self.renderer, self.options
        skill, pattern = self.skills.get(repo_path), self.patterns.get(repo_path)
        lead = ""
        if skill is not None:
            lead = _stated(skill.doc, "description", skill.description)
        elif pattern is not None:
            lead = _stated(pattern.doc, "summary", pattern.summary)
        diagnostics = self.problems.get(repo_path)
        under = renderer.notice(diagnostics) if diagnostics and o.notices else ""
        if skill is not None and o.exports:
            under += renderer.download(skill, o.site_url, href)
        after = catalogue = ""
        if skill is not None:
            after = renderer.skill_relations(skill, href, o.permalink)
        elif pattern is not None:
            after = renderer.pattern_relations(pattern, href, o.permalink)
        elif src == f"{self.layout.skills_dir}/index.md":
            catalogue = renderer.skills_catalogue(href)
        elif src == f"{self.layout.patterns_dir}/index.md":
            catalogue = renderer.patterns_catalogue(href)
        return Blocks(renderer.lead(lead) if lead else "", under, after, catalogue)

    def place(
        self, output: str, page_url: str, blocks: Blocks | None, markers: tuple[str, str]
    ) -> str:
        """The written page with its blocks at their markers (title, body), and in its head
        the links agents follow (see `head_links`)."""
        if blocks is not None:
            output = output.replace(markers[0], blocks.under_title, 1)
            output = output.replace(markers[1], blocks.after_body, 1)
            output = output.replace(self.catalogue_marker, blocks.catalogue, 1)
        return output.replace("</head>", self.head_links(page_url) + "</head>", 1)

    def head_links(self, page_url: str) -> str:
        """`<link rel="alternate" type="text/markdown">` to the page's raw Markdown (where
        published) and to llms.txt: how an agent that fetched the HTML finds the Markdown."""
        if not self.options.exports:
            return ""
        if self._raw is None:
            self._raw = frozenset(self.raw_copies())
        alternate = '<link rel="alternate" type="text/markdown" href="{}" title="{}">'
        mine = alternate.format(RAW_NAME, "This page as Markdown")
        root = "../" * page_url.count("/")
        head = mine if page_url + RAW_NAME in self._raw else ""
        return head + alternate.format(f"{root}llms.txt", "llms.txt")

    def may_need_rewriting(
        self, repo_path: str, src: str, src_of: dict[str, str], *, generated: bool = False
    ) -> bool:
        """False for a page whose every relative link already resolves on the site as is.

        That is a knowledge-base page published at its repository path whose relative links
        all point at files published at theirs, and a generated page (its links are made for
        the site) unless the section README shown in it has other links.
        """
        if generated:
            intro = self.intro_of.get(src)
            return intro is not None and self.may_need_rewriting(intro, intro, src_of)
        doc = self.docs.get(repo_path)
        if doc is None or repo_path != src or repo_path in self.link_fixes:
            return True
        return any(
            link.kind == "relative" and src_of.get(link.path or "") != link.path
            for link in doc.links
        )

    def rewrite(
        self,
        markdown: str,
        repo_path: str,
        src: str,
        src_of: dict[str, str],
        *,
        repo_url: str | None,
        edit_uri: str | None,
    ) -> str:
        """A page's Markdown with links written for GitHub pointed at the site's pages, or at
        the repository for files the site does not publish, and its broken links fixed (see
        `site_links`) so that MkDocs does not report what the check reported."""
        root, docs_dir = self.analysis.kb.root, self.docs_dir
        return rewrite_links(
            markdown,
            page_repo_path=repo_path,
            page_src_uri=src,
            src_of=src_of,
            repo_link=lambda path: repo_link(
                path, repo_url=repo_url, edit_uri=edit_uri, docs_dir=docs_dir
            ),
            exists=lambda path: (root / path).exists(),
            fixes=self.link_fixes.get(self.intro_of.get(src) or repo_path),
        )


def _stated(doc: Document, key: str, value: str) -> str:
    """`value` if the file's frontmatter states it, else "": it was taken from the body."""
    stated = (doc.frontmatter or {}).get(key)
    return value if isinstance(stated, str) and stated.strip() else ""


def after_title(page_html: str, block: str) -> str:
    """Insert `block` after the converted page's leading `<h1>` (its title), or at the top."""
    if not block:
        return page_html
    stripped = page_html.lstrip()
    if stripped.startswith("<h1"):
        end = stripped.find("</h1>")
        if end >= 0:
            end += len("</h1>")
            return stripped[:end] + "\n" + block + stripped[end:]
    return block + page_html


def headings(added_html: str) -> list[tuple[str, str, int]]:
    """(title, id, level) of each heading with an id in a piece of HTML."""
    found = []
    for match in _HEADING.finditer(added_html):
        title = _TAG.sub("", _HEADERLINK.sub("", match.group(3))).strip()
        found.append((title, match.group(2), int(match.group(1))))
    return found


def relative_href(src_of: dict[str, str], by_src: Mapping[str, Any], page: Any) -> Href:
    """Links from `page` (MkDocs' file of a page) to repo paths: MkDocs' URL where it
    publishes the target (`by_src`: its files by src path), else the plain relative path."""

    def href(path: str) -> str:
        target = by_src.get(src_of.get(path, path))
        return target.url_relative_to(page) if target is not None else rel(path, page.src_uri)

    return href
