"""The MkDocs plugin: thin hooks over load → check → render. The only module importing MkDocs."""

from __future__ import annotations

import functools
import html
import os
import posixpath
import re
import secrets
import shutil
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import AnchorLink

from skillbook.config import SkillbookConfig
from skillbook.diagnostics import Diagnostic, Severity
from skillbook.errors import SkillbookError
from skillbook.export import build_bundles, page_url, problems_of
from skillbook.html_policy import sanitize
from skillbook.loader import (
    DocumentCache,
    clear_caches,
    first_heading,
    read_document,
)
from skillbook.model import Document, Layout, Pattern, Session, Skill
from skillbook.pipeline import Analysis, analyse
from skillbook.render.machine import RAW_NAME, catalog_json, llms_full_txt, llms_txt
from skillbook.render.pages import STATUS_PAGE, Href, Renderer, environment, rel
from skillbook.site_links import rewrite_links

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)

# what on_env puts in place: export contents (path -> content), the problems
# bundling met, by page (src path) its lead (a skill's description or a pattern's summary,
# under the title) and what goes into the written page ({marker: HTML}: notice and download
# block under the title, relations after the body, a catalogue's entries), and the raw
# Markdown copies that could not be written
_Later = tuple[
    dict[str, str | bytes], list[str], dict[str, str], dict[str, dict[str, str]], list[str]
]
_Hook = TypeVar("_Hook", bound=Callable[..., Any])

CSS_PATH = "assets/skillbook/skillbook.css"
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "tables")
FENCES = ("fenced_code", "superfences")  # either reads fenced code blocks
RETIRED_TEMPLATES = {  # Markdown templates replaced by HTML ones: an override would be ignored
    "skill_relations.md.j2": "skill_relations.html.j2",
    "pattern_relations.md.j2": "pattern_relations.html.j2",
    "download.md.j2": "download.html.j2",
}
_HEADING = re.compile(r'<h([1-6])\b[^>]*?\sid="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_HEADERLINK = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _user_errors(hook: _Hook) -> _Hook:
    """Report a SkillbookError (a broken template override) as MkDocs does, not as a traceback."""

    @functools.wraps(hook)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return hook(*args, **kwargs)
        except SkillbookError as exc:
            raise PluginError(f"skillbook: {exc}") from exc

    return cast(_Hook, run)


class SkillbookPlugin(BasePlugin[SkillbookConfig]):
    """Publishes skills, patterns and session logs, with catalogues, relations and status."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.cache = DocumentCache()
        self.analysis: Analysis | None = None
        self.root = Path()
        self.layout = Layout()
        self.docs_rel = "docs"
        self.env: Environment | None = None
        self.skill_pages: dict[str, Skill] = {}
        self.pattern_pages: dict[str, Pattern] = {}
        self.session_pages: dict[str, Session] = {}
        self.problems: dict[str, list[Diagnostic]] = {}
        self.docs_by_path: dict[str, Document] = {}
        self.src_of: dict[str, str] = {}  # repo path -> site (src) path
        self.repo_of: dict[str, str] = {}  # site (src) path -> repo path
        self.file_of: dict[str, File] = {}  # src path -> file, as on_files left them
        self.renderer: Renderer | None = None
        self.docs_abs = ""
        # src paths of the catalogues, status and journal, to the section README shown in them
        self.generated_pages: dict[str, str | None] = {}
        self.permalink: str | None = None
        self.command: str | None = None  # from on_startup: "build", "gh-deploy" or "serve"
        self.export_files: dict[str, File] = {}  # path -> file whose content on_env makes
        # after on_nav, pages to sanitise wait for on_env (see on_page_content)
        self.collecting = False
        self.sanitizing: list[Page] = []
        # catalogue pages (src path) -> their entries as HTML, put where the marker is
        self.catalogues: dict[str, Callable[[Href], str]] = {}
        self.catalogue_marker = ""
        # by src path, what goes into the written page in on_post_page, after search has
        # indexed the page: {marker: HTML}; the page's contents hold the unguessable markers
        self.placed: dict[str, dict[str, str]] = {}
        token = secrets.token_hex(8)
        self.title_marker = f"<!-- skillbook-under-title-{token} -->"  # notice, download
        self.body_marker = f"<!-- skillbook-after-body-{token} -->"  # relations

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Note the command. (The hook also makes MkDocs keep this instance across `serve`
        rebuilds, and with it the cache.)"""
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Resolve the folders, and make sure the Markdown features the pages use are on."""
        if not self.config.enabled:
            return config
        self.root = Path(config.config_file_path or ".").resolve().parent
        try:
            self.layout = _layout(self.config, self.root)
        except SkillbookError as exc:
            raise PluginError(str(exc)) from exc
        if self.config.jobs is not None and self.config.jobs < 1:
            raise PluginError("skillbook: option 'jobs' must be a positive number of processes")
        self.docs_rel = Path(os.path.relpath(config.docs_dir, self.root)).as_posix()
        self.docs_abs = os.path.abspath(config.docs_dir)
        for name in REQUIRED_EXTENSIONS:
            if not any(str(ext).endswith(name) for ext in config.markdown_extensions):
                config.markdown_extensions.append(name)
        # skills and patterns are made of fenced code blocks; without an extension reading
        # them, a fence swallows the rest of the page
        if not any(str(ext).endswith(FENCES) for ext in config.markdown_extensions):
            config.markdown_extensions.append("fenced_code")
        if CSS_PATH not in [str(css) for css in config.extra_css]:
            config.extra_css.append(CSS_PATH)
        # the `toc` extension's permalink text, for the headings the relations add
        permalink = config.mdx_configs.get("toc", {}).get("permalink")
        self.permalink = "\u00b6" if permalink is True else (str(permalink) if permalink else None)
        templates = self.config.templates_dir
        if templates:
            for old, new in RETIRED_TEMPLATES.items():
                if (Path(templates) / old).is_file():
                    log.warning(
                        "%s/%s is no longer used: it is HTML now; write it as %s "
                        "(see the packaged one)",
                        templates,
                        old,
                        new,
                    )
        self.env = environment(Path(templates) if templates else None)
        return config

    # priority: run before plugins that read the file list (search, tags, blog): -> 50
    @event_priority(50)
    @_user_errors
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Load and check the knowledge base, log every diagnostic, add its pages."""
        if not self.config.enabled:
            return files
        self.analysis = analyse(
            self.root, self.layout, cache=self.cache, check_elixir=self.config.elixir_check
        )
        _log_report(self.analysis)
        self.placed = {}
        self.problems = defaultdict(list)
        for d in self.analysis.report.diagnostics:
            self.problems[d.path].append(d)
        self._add_entries(files, config)
        self._add_generated(files, config)
        self.src_of = {}
        for file in files:
            if file.abs_src_path and not self._is_kb_file(file.abs_src_path):  # in docs_dir
                self.src_of[posixpath.join(self.docs_rel, file.src_uri)] = file.src_uri
            else:  # knowledge-base files and generated pages: the site path is the repo path
                self.src_of.setdefault(file.src_uri, file.src_uri)
        self.repo_of = {src: repo for repo, src in self.src_of.items()}
        self.file_of = {file.src_uri: file for file in files}
        if config.nav is None and self.config.nav:
            config.nav = self._nav(files)
        return files

    def _entry_file(self, repo_path: str, config: MkDocsConfig) -> File:
        file = File(
            repo_path,
            src_dir=str(self.root),
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
        )
        # edit_uri is relative to docs_dir in the repository; step out of it to the real file
        file.edit_uri = quote(posixpath.relpath(repo_path, self.docs_rel))
        return file

    def _add_entries(self, files: Files, config: MkDocsConfig) -> None:
        assert self.analysis is not None
        kb = self.analysis.kb
        self.skill_pages = {}
        self.pattern_pages = {}
        paths = [s.path for s in kb.skills] + [p.path for p in kb.patterns]
        paths += [s.path for s in kb.sessions] + list(kb.assets)
        for path in paths:
            if files.get_file_from_path(path) is not None:
                log.warning("%s is also in %s/; the copy there is published", path, self.docs_rel)
                continue
            file = self._entry_file(path, config)
            if posixpath.basename(path) == "SKILL.md":
                file.dest_uri = posixpath.join(posixpath.dirname(path), "index.html")
            files.append(file)
        self.skill_pages = {s.path: s for s in kb.skills}
        self.pattern_pages = {p.path: p for p in kb.patterns}
        self.session_pages = {s.path: s for s in kb.sessions}
        self.docs_by_path = {doc.path: doc for doc in kb.documents()}

    def _add_generated(self, files: Files, config: MkDocsConfig) -> None:
        assert self.analysis is not None and self.env is not None
        renderer = self.renderer = Renderer(self.analysis, self.env)
        intros = self.analysis.kb.intros
        # the catalogue templates put this where the entries go; unguessable, so a README
        # shown in the page cannot place them
        marker = self.catalogue_marker = f"<!-- skillbook-catalogue-{secrets.token_hex(8)} -->"
        skills_index = f"{self.layout.skills_dir}/index.md"
        patterns_index = f"{self.layout.patterns_dir}/index.md"
        pages: dict[str, tuple[Callable[[str], str], Document | None]] = {
            skills_index: (lambda page: renderer.skills_index(page, marker), intros.get("skills")),
            patterns_index: (
                lambda page: renderer.patterns_index(page, marker),
                intros.get("patterns"),
            ),
            STATUS_PAGE: (lambda page: renderer.status_page(), None),
            f"{self.layout.sessions_dir}/index.md": (renderer.sessions_index, None),
        }
        catalogues = {
            skills_index: renderer.skills_catalogue,
            patterns_index: renderer.patterns_catalogue,
        }
        self.generated_pages = {}
        self.catalogues = {}
        for src, (render, intro) in pages.items():
            if files.get_file_from_path(src) is None:
                files.append(File.generated(config, src, content=render(src)))
                self.generated_pages[src] = intro.path if intro is not None else None
                if src in catalogues:
                    self.catalogues[src] = catalogues[src]
        css = (Path(__file__).parent / "templates" / "skillbook.css").read_text(encoding="utf-8")
        extra: dict[str, str | bytes] = {CSS_PATH: css}
        for schema in sorted((Path(__file__).parent / "schemas").glob("*.json")):
            extra[f"schemas/{schema.name}"] = schema.read_bytes()
        for path, content in extra.items():
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=content))
        self.export_files = {}
        if self.config.exports:  # their content is made beside the pages: see on_nav
            for path in self._export_paths():
                if files.get_file_from_path(path) is None:
                    self.export_files[path] = file = File.generated(config, path, content=b"")
                    files.append(file)

    def _export_paths(self) -> list[str]:
        assert self.analysis is not None
        skills = self.layout.skills_dir
        return ["catalog.json", "llms.txt", "llms-full.txt"] + [
            f"{skills}/{s.folder}/{s.folder}.zip" for s in self.analysis.kb.skills
        ]

    def _exports(self, config: MkDocsConfig) -> tuple[dict[str, str | bytes], list[str]]:
        """catalog.json, llms.txt, llms-full.txt and every skill's bundle zip; the problems
        bundling met."""
        assert self.analysis is not None
        docs = self.docs_rel
        site_url = config.site_url or None
        extra: dict[str, str | bytes] = {
            "catalog.json": catalog_json(self.analysis, site_url=site_url, docs_dir=docs),
            "llms.txt": llms_txt(
                self.analysis,
                title=config.site_name,
                summary=config.site_description,
                site_url=site_url,
                docs_dir=docs,
            ),
            "llms-full.txt": llms_full_txt(self.analysis, title=config.site_name),
        }
        bundles = build_bundles(self.analysis.kb, site_url=site_url, docs_dir=docs)
        for bundle in bundles:
            extra[f"{self.layout.skills_dir}/{bundle.name}/{bundle.name}.zip"] = bundle.zip_bytes()
        return extra, [str(problem) for problem in problems_of(bundles)]

    def _later_work(self, files: Files, config: MkDocsConfig) -> _Later:
        """What on_env and on_post_page put in place: the exports' contents, and every
        page's lead, notice, download block, relations and catalogue entries; the raw
        Markdown copies are made on the way."""
        copy_failures: list[str] = []
        _copy_files(self._raw_copies(config), copy_failures)
        contents: dict[str, str | bytes] = {}
        problems: list[str] = []
        if self.export_files:
            made, problems = self._exports(config)
            contents = {path: made[path] for path in self.export_files}
        renderer = self._renderer()
        site_url = config.site_url or None
        leads: dict[str, str] = {}
        placed: dict[str, dict[str, str]] = {}
        for src, file in self.file_of.items():
            if file.page is None:
                continue
            skill, pattern = self.skill_pages.get(src), self.pattern_pages.get(src)
            lead = (
                _stated(skill.doc, "description", skill.description)
                if skill
                else _stated(pattern.doc, "summary", pattern.summary)
                if pattern
                else ""
            )
            if lead:
                leads[src] = renderer.lead(lead)
            parts: dict[str, str] = {}
            diagnostics = self.problems.get(self.repo_of.get(src, src))
            head = renderer.notice(diagnostics) if diagnostics and self.config.notices else ""
            if skill is not None and self.config.exports:
                head += renderer.download(skill, site_url)
            if head:
                parts[self.title_marker] = head
            added = self._page_html(file, files)
            if added:
                marker = self.catalogue_marker if src in self.catalogues else self.body_marker
                parts[marker] = added
            if parts:
                placed[src] = parts
        return contents, problems, leads, placed, copy_failures

    def _nav(self, files: Files) -> list[Any]:
        assert self.analysis is not None
        kb = self.analysis.kb
        layout = self.layout
        nav: list[Any] = []
        if files.get_file_from_path("index.md") is not None:
            nav.append({"Home": "index.md"})
        limit = self.config.nav_max_entries

        def section(title: str, index: str, entries: list[Any]) -> dict[str, Any]:
            # Every page renders its section's navigation: listing 1,000 entries in it makes each
            # page large and the build quadratic. Past the limit the catalogue is the way in.
            return {title: [index, *entries] if len(entries) <= limit else index}

        skills = sorted(kb.skills, key=lambda s: s.name)
        nav.append(
            section(
                "Skills", f"{layout.skills_dir}/index.md", [{_text(s.name): s.path} for s in skills]
            )
        )
        patterns = sorted(kb.patterns, key=lambda p: p.title.lower())
        nav.append(
            section(
                "Patterns",
                f"{layout.patterns_dir}/index.md",
                [{_text(p.title): p.path} for p in patterns],
            )
        )
        nav.append({"Status": STATUS_PAGE})
        sessions = sorted(kb.sessions, key=lambda s: s.path, reverse=True)
        nav.append(
            section(
                "Sessions",
                f"{layout.sessions_dir}/index.md",
                [{_text(s.title): s.path} for s in sessions],
            )
        )
        sections: dict[str, list[str]] = defaultdict(list)
        for file in files.documentation_pages():
            repo = self.repo_of.get(file.src_uri, "")
            if file.generated_by is not None or not repo:
                continue
            if not repo.startswith(self.docs_rel + "/") or file.src_uri == "index.md":
                continue
            top, _, rest = file.src_uri.partition("/")
            sections[top.replace("-", " ").replace("_", " ").capitalize() if rest else ""].append(
                file.src_uri
            )
        nav.extend(sections.pop("", []))
        nav.extend({title: sorted(paths)} for title, paths in sorted(sections.items()))
        return nav

    @event_priority(-100)  # after every plugin has settled the files and the navigation
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """From here on, pages to sanitise are kept for on_env, which cleans them as they are
        then (a page another plugin changes after on_page_content is cleaned as changed)."""
        if not self.config.enabled or self.analysis is None:
            return nav
        self._stop_later()
        self.collecting = bool(self.config.sanitize)
        return nav

    @_user_errors
    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """Give MkDocs the text the loader read for knowledge-base pages.

        MkDocs would read the file again and parse its frontmatter with PyYAML unguarded: a
        file that is not UTF-8 would stop the build, an alias bomb or deep nesting would hang
        or crash it, and any key (`template`, `hide`) would steer the theme. The loader's text
        is already decoded leniently and size-checked; the page gets an empty frontmatter
        block, and `on_page_markdown` sets the metadata from the checked fields.
        """
        if not self.config.enabled or self.analysis is None:
            return None
        repo_path = self.repo_of.get(page.file.src_uri, page.file.src_uri)
        if not page.file.abs_src_path or not self._is_kb_file(page.file.abs_src_path):
            return None
        doc = self.docs_by_path.get(repo_path)
        if doc is None:  # Markdown inside a skill folder (references/): read it the same way
            doc = read_document(
                self.root, repo_path, missing_frontmatter=None, max_size=self.layout.max_file_size
            )
            self.docs_by_path[repo_path] = doc
        body = doc.body
        if not doc.loaded:
            body = self._renderer().unloaded(doc, self._title_of(repo_path))
        # an empty YAML block: MkDocs would otherwise read `Key: value` first lines as metadata
        return "---\n{}\n---\n\n" + body

    def _title_of(self, repo_path: str) -> str:
        if repo_path in self.skill_pages:
            return self.skill_pages[repo_path].name
        if repo_path in self.pattern_pages:
            return self.pattern_pages[repo_path].title
        return posixpath.basename(repo_path)

    def _is_kb_file(self, abs_src_path: str) -> bool:
        docs_dir = self.docs_abs
        return not (abs_src_path == docs_dir or abs_src_path.startswith(docs_dir + os.sep))

    def _renderer(self) -> Renderer:
        """The renderer of this build (made in `on_files`, or here if a hook comes first)."""
        assert self.analysis is not None and self.env is not None
        if self.renderer is None:
            self.renderer = Renderer(self.analysis, self.env)
        return self.renderer

    @event_priority(-100)  # last: the sanitiser gets the HTML every plugin left
    @_user_errors
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Keep knowledge-base pages for the sanitiser.

        The sanitiser removes scripts, event handlers and script URLs from knowledge-base
        pages and the generated ones (their values are escaped already, but a section README,
        the catalogue's introduction, is knowledge-base content like any other). It cleans
        the HTML every plugin's on_page_content left (this hook runs last; a page another
        plugin changes after it is cleaned as changed) in on_env, before any other plugin's
        on_env and before any page is written. What the plugin adds to a page is HTML made
        from escaped values, added after it.
        """
        if not self.config.enabled:
            return html
        if self.config.sanitize and (
            page.file.src_uri in self.generated_pages
            or (page.file.abs_src_path and self._is_kb_file(page.file.abs_src_path))
        ):
            if not self.collecting:  # on_nav did not run: nothing waits to clean it later
                return sanitize(html)
            self.sanitizing.append(page)
        return html

    @event_priority(100)  # first: other plugins' on_env see the finished pages
    @_user_errors
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Put the clean pages, leads and exports in place; mark where the rest goes.

        This runs after every page is converted and before any is written or indexed. A
        skill's description or a pattern's summary goes under its title, as HTML made from
        escaped values. The notice, download block, relations and catalogue entries go into
        the written page (on_post_page) where this leaves markers; the relations' headings
        join the table of contents.
        """
        if not self.config.enabled or self.analysis is None:
            return env
        contents, problems, leads, placed, copy_failures = self._later_work(files, config)
        for failure in copy_failures:
            log.error("raw Markdown copy not written: %s", failure)
        self._put_clean_pages()
        for path, content in contents.items():
            self.export_files[path].content_bytes = (
                content.encode("utf-8") if isinstance(content, str) else content
            )
        # the broken links a bundle meets are the check's KB301s already; logging them again as
        # warnings would make `--strict` fail on more than `skillbook check --strict` does
        for problem in problems:
            log.info("%s", problem)
        for src in {**leads, **placed}:
            file = self.file_of.get(src)
            page = file.page if file is not None else None
            if page is None or page.content is None:
                continue
            parts = placed.get(src, {})
            relations = parts.get(self.body_marker)
            if relations is not None:
                _extend_toc(page, relations)
                page.content += "\n" + self.body_marker
            under_title = leads.get(src, "") + (
                self.title_marker if self.title_marker in parts else ""
            )
            page.content = _after_title(page.content, under_title)
            # a catalogue's marker is where its template put it, if it did
        self.placed = placed
        return env

    @event_priority(100)  # first: other plugins' on_post_page see the whole page
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Put a page's notice, download block, relations or catalogue entries at their markers.

        They are added to the written page, not to its contents, so search does not index
        them: a pattern's title stood in the relations of every skill that uses it, and
        every entry of a catalogue repeated a page that search finds by itself.
        """
        for marker, block in self.placed.pop(page.file.src_uri, {}).items():
            output = output.replace(marker, block, 1)
        return output

    def _put_clean_pages(self) -> None:
        """Each page to sanitise gets its clean HTML, made from the page as it now is."""
        pages, self.sanitizing = self.sanitizing, []
        self.collecting = False
        for page in pages:
            page.content = sanitize(page.content or "")

    def _page_html(self, file: File, files: Files) -> str:
        """The HTML added to a page: a skill's or pattern's relations, a catalogue's entries."""
        src = file.src_uri

        def href(path: str) -> str:
            target_src = self.src_of.get(path, path)
            target = self.file_of.get(target_src) or files.get_file_from_path(target_src)
            return target.url_relative_to(file) if target is not None else rel(path, src)

        renderer = self._renderer()
        if src in self.skill_pages:
            return renderer.skill_relations(self.skill_pages[src], href, self.permalink)
        if src in self.pattern_pages:
            return renderer.pattern_relations(self.pattern_pages[src], href, self.permalink)
        if src in self.catalogues:
            return self.catalogues[src](href)
        return ""

    def _stop_later(self) -> None:
        self.collecting = False
        self.sanitizing = []

    @_user_errors
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Fix cross-tree links; set a knowledge-base page's title, description and tags."""
        if not self.config.enabled or self.analysis is None or self.env is None:
            return markdown
        src = page.file.src_uri
        repo_path = self.repo_of.get(src, src)
        if self._may_need_rewriting(repo_path, src):
            markdown = rewrite_links(
                markdown,
                page_repo_path=repo_path,
                page_src_uri=src,
                src_of=self.src_of,
                repo_link=lambda path: self._repo_link(path, config),
                exists=lambda path: (self.root / path).exists(),
            )
        if page.edit_url and "/../" in page.edit_url:
            page.edit_url = _normalise_url(page.edit_url)
        if page.file.abs_src_path and self._is_kb_file(page.file.abs_src_path):
            self._set_meta(page, repo_path)
        return markdown

    def _set_meta(self, page: Page, repo_path: str) -> None:
        """Title, description and tags of a knowledge-base page, from the checked fields.

        Material prints them unescaped (in `<title>`, the header, the navigation, the
        description `<meta>`, the tags), so they are given as escaped HTML text.
        """
        doc = self.docs_by_path.get(repo_path)
        title: str | None = None
        description: str | None = None
        tags: tuple[str, ...] = ()
        if repo_path in self.pattern_pages:
            pattern = self.pattern_pages[repo_path]
            title, description, tags = pattern.title, pattern.summary, pattern.tags
        elif repo_path in self.session_pages:
            title = self.session_pages[repo_path].title
        else:
            title = first_heading(doc) if doc is not None else None
            if repo_path in self.skill_pages:
                skill = self.skill_pages[repo_path]
                title, description, tags = title or skill.name, skill.description, skill.tags
        page.meta["title"] = _text(title or posixpath.basename(repo_path))
        if description:
            page.meta["description"] = _text(description)
        if tags:
            page.meta["tags"] = [_text(tag) for tag in tags]

    def _may_need_rewriting(self, repo_path: str, src: str) -> bool:
        """False for a page whose every link already resolves on the site as is.

        That is a knowledge-base page published at its repository path whose relative links
        all point at files published at theirs, and a generated page (its links are made for
        the site) unless the section README shown in it has other links.
        """
        if src in self.generated_pages:
            intro = self.generated_pages[src]
            return intro is not None and self._may_need_rewriting(intro, intro)
        doc = self.docs_by_path.get(repo_path)
        if doc is None or repo_path != src:
            return True
        return any(
            link.kind == "relative" and self.src_of.get(link.path or "") != link.path
            for link in doc.links
        )

    def _repo_link(self, path: str, config: MkDocsConfig) -> str | None:
        """A link to a repository file the site does not publish, from repo_url and edit_uri.

        `edit_uri` may be relative to `repo_url` (`edit/main/docs/`) or absolute
        (`https://github.com/o/r/edit/main/docs/`); GitHub's `edit/` becomes `blob/`.
        """
        edit = urljoin((config.repo_url or "").rstrip("/") + "/", config.edit_uri or "")
        if "/edit/" not in edit or not edit.startswith(("http://", "https://")):
            return None
        blob = edit.replace("/edit/", "/blob/", 1).rstrip("/") + "/"
        return _normalise_url(urljoin(blob, posixpath.relpath(path, self.docs_rel)))

    def _raw_copies(self, config: MkDocsConfig) -> list[tuple[Path, Path]]:
        """Each skill's and pattern's raw Markdown and where it is published: beside its
        page (with `exports`)."""
        if self.analysis is None or not self.config.exports:
            return []
        kb = self.analysis.kb
        copies: list[tuple[Path, Path]] = []
        for path in [s.path for s in kb.skills] + [p.path for p in kb.patterns]:
            url = page_url(kb, path, self.docs_rel)
            doc = self.docs_by_path.get(path)
            if url is None or doc is None or not doc.loaded:  # not loaded: KB101 / KB106
                continue
            copies.append((self.root / path, Path(config.site_dir) / url / RAW_NAME))
        return copies

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """After a one-off build, let go of what the plugin holds."""
        if self.command in ("build", "gh-deploy"):
            self._release()

    def _release(self) -> None:
        """Drop the parsed knowledge base, its tables and the parse caches.

        Nothing needs them once a one-off build is done (`serve` keeps them for the next
        rebuild). Freed now, they cost next to nothing; kept, the interpreter's last
        collection at exit walks every one of them: at 4,000 files that took 0.3 s.
        """
        self.cache = DocumentCache()
        self.analysis = None
        self.renderer = None
        self.skill_pages, self.pattern_pages, self.session_pages = {}, {}, {}
        self.problems, self.docs_by_path = {}, {}
        self.src_of, self.repo_of, self.file_of = {}, {}, {}
        self.export_files, self.catalogues = {}, {}
        self.placed = {}
        clear_caches()

    def on_build_error(self, *, error: Exception) -> None:
        """Drop the pages kept for sanitising."""
        self._stop_later()

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Rebuild on edits in the knowledge-base folders, which live outside docs_dir."""
        if self.config.enabled:
            for folder in {
                self.layout.skills_dir,
                self.layout.patterns_dir,
                self.layout.sessions_dir,
            }:
                path = self.root / folder
                if path.is_dir():
                    server.watch(str(path))
        return server


def _layout(options: SkillbookConfig, root: Path) -> Layout:
    values: dict[str, str] = {}
    for name in ("skills_dir", "patterns_dir", "sessions_dir", "roadmap"):
        value = options[name]
        if value is None:
            continue
        value = str(value).strip().strip("/")
        resolved = (root / value).resolve()
        if not value or not resolved.is_relative_to(root):
            raise SkillbookError(f"skillbook: option '{name}' must be a folder inside {root}")
        values[name] = value
    values.setdefault("roadmap", f"{values.get('sessions_dir', 'sessions')}/roadmap.yml")
    if options.max_file_size < 1:
        raise SkillbookError("skillbook: option 'max_file_size' must be a positive number of bytes")
    return Layout(**values, max_file_size=options.max_file_size)


def _text(value: str) -> str:
    """A value as HTML text: Material prints titles, descriptions and tags unescaped."""
    return html.escape(" ".join(value.split()), quote=True)


def _normalise_url(url: str) -> str:
    """Resolve `..` segments in a URL's path (edit links step out of docs_dir with them)."""
    parts = urlsplit(url)
    path = posixpath.normpath(parts.path) + ("/" if parts.path.endswith("/") else "")
    return urlunsplit(parts._replace(path=path))


def _copy_files(copies: list[tuple[Path, Path]], failures: list[str]) -> None:
    """Copy each (source, target), making folders; what fails is added to `failures`."""
    for source, target in copies:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        except OSError as exc:
            failures.append(f"{target}: {exc.strerror or exc}")


def _extend_toc(page: Page, added_html: str) -> None:
    """Add the headings of HTML appended to a converted page to its table of contents.

    They go where Material shows them: under the page's `# title` when the contents start
    with one. Their ids count as present, so links to them pass MkDocs' anchor validation.
    """
    items = page.toc.items
    parent = items[0].children if items and items[0].level == 1 else items
    for match in _HEADING.finditer(added_html):
        level, anchor, inner = int(match.group(1)), match.group(2), match.group(3)
        title = _TAG.sub("", _HEADERLINK.sub("", inner)).strip()
        parent.append(AnchorLink(title, anchor, level))
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.add(html.unescape(anchor))


def _stated(doc: Document, key: str, value: str) -> str:
    """`value` if the file's frontmatter states it, else "": it was taken from the body."""
    stated = (doc.frontmatter or {}).get(key)
    return value if isinstance(stated, str) and stated.strip() else ""


def _after_title(html: str, block: str) -> str:
    """Insert `block` after the converted page's leading `<h1>` (its title), or at the top."""
    if not block:
        return html
    stripped = html.lstrip()
    if stripped.startswith("<h1"):
        end = stripped.find("</h1>")
        if end >= 0:
            end += len("</h1>")
            return stripped[:end] + "\n" + block + stripped[end:]
    return block + html


def _log_report(analysis: Analysis) -> None:
    for d in analysis.report.diagnostics:
        if d.severity is Severity.ERROR:
            log.error("%s", d)
        else:
            log.warning("%s", d)
    if analysis.elixir.skipped and analysis.elixir.blocks:
        log.info(
            "KB502 skipped for %d elixir code blocks: %s",
            analysis.elixir.blocks,
            analysis.elixir.skipped,
        )
