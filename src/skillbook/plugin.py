"""The MkDocs plugin: hooks of a few lines over the pipeline and `site`.

It runs in MkDocs' own process, the same way under `build` and `serve` and on every OS.
What a build learns lives in one `_Build`, made in `on_config` and dropped when the build
ends; only the parse cache is kept, on purpose, for the rebuilds of `mkdocs serve`.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from skillbook import config as plugin_config
from skillbook import mkdocs_files, rebuild, serve
from skillbook import site as pages
from skillbook.config import SkillbookConfig
from skillbook.elixir import ElixirMemo
from skillbook.errors import SkillbookError
from skillbook.html_policy import sanitize
from skillbook.layout import layout_from_options, nothing_found
from skillbook.loader import DocumentCache, clear_caches
from skillbook.outputs import check_output_folder, write_copies
from skillbook.pipeline import analyse, build_log
from skillbook.render.environment import environment
from skillbook.site_links import normalise_url

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page


log = get_plugin_logger(__name__)
_Hook = TypeVar("_Hook", bound=Callable[..., Any])


def _user_errors(hook: _Hook) -> _Hook:
    """Report a SkillbookError (a broken template override) as MkDocs does, not as a traceback."""

    @functools.wraps(hook)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return hook(*args, **kwargs)
        except SkillbookError as exc:
            raise PluginError(f"skillbook: {exc}") from exc

    return cast(_Hook, run)


@dataclass(eq=False)
class _Build:
    """What one build knows. The plugin's own files are recorded by membership: a page
    another plugin adds (mkdocs-gen-files, say) is never taken for a knowledge-base file."""

    root: Path
    env: jinja2.Environment
    options: pages.Options
    site: pages.Site | None = None
    entries: dict[str, File] = field(default_factory=dict)  # knowledge-base files, by src path
    generated: dict[str, File] = field(default_factory=dict)  # catalogues, status, journal
    src_of: dict[str, str] = field(default_factory=dict)  # repo path -> src path
    repo_of: dict[str, str] = field(default_factory=dict)  # src path -> repo path
    placed: dict[str, pages.Blocks] = field(default_factory=dict)  # by src path, until written
    files: Files | None = None  # MkDocs' files of this build
    indexed: int = 0  # search entries so far (a dirty rebuild keeps each page's)
    # the markers in a page's contents where the written page gets what search must not index
    title_marker: str = field(default_factory=lambda: _marker("under-title"))
    body_marker: str = field(default_factory=lambda: _marker("after-body"))


class SkillbookPlugin(BasePlugin[SkillbookConfig]):
    """Publishes skills, patterns and session logs, with catalogues, relations and status."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.cache = DocumentCache()  # parses of unchanged files, kept across serve rebuilds
        self.command: str | None = None
        self.build: _Build | None = None
        self.watched: list[Path] = []
        self.memory: rebuild.Memory | None = None  # under `mkdocs serve --dirty`: see rebuild
        self.elixir_memo = ElixirMemo()  # KB502/KB503 results of unchanged blocks
        self.compiled = serve.CompiledTemplates()  # Jinja templates, across serve rebuilds

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Note the command (the hook also makes MkDocs keep this instance across rebuilds)."""
        self.command = command
        self.memory = rebuild.Memory() if command == "serve" and dirty else None
        if self.memory is not None:
            serve.quiet_dirty_warning()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Resolve the folders; turn on the Markdown features the pages use."""
        self.build = None
        if not self.config.enabled:
            return config
        root = Path(config.config_file_path or ".").resolve().parent
        try:
            layout = layout_from_options(self.config, where=config.config_file_path or "mkdocs.yml")
            # MkDocs empties site_dir after on_config and on_pre_build: refuse it here, in time
            check_output_folder(
                Path(config.site_dir), root, layout, docs_dir=config.docs_dir, what="site_dir"
            )
        except SkillbookError as exc:
            raise PluginError(str(exc)) from exc
        self.watched = [root / d for d in (layout.skills_dir, layout.patterns_dir)]
        self.watched.append(root / layout.sessions_dir)
        templates = self.config.templates_dir
        plugin_config.warn_retired_templates(templates)
        options = plugin_config.site_options(self.config, config, layout, root)
        compiled = self.compiled if self.command == "serve" else None  # kept across rebuilds
        env = environment(Path(templates) if templates else None, compiled)
        self.build = _Build(root, env, options)
        return config

    # priority: run before plugins that read the file list (search, tags, blog): -> 50
    @event_priority(50)
    @_user_errors
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Load and check the knowledge base, log every diagnostic, add its pages."""
        if (b := self.build) is None:
            return files
        options = plugin_config.analysis_options(self.config, b.root, b.options)
        analysis = analyse(
            b.root, b.options.layout, cache=self.cache, memo=self.elixir_memo, **options
        )
        for level, message in build_log(analysis):
            log.log(level, "%s", message)
        if empty := nothing_found(analysis.kb, config_file=Path(config.config_file_path or "")):
            log.warning("%s; the site has no skill or pattern page", empty)  # docs-only, so far
        site = b.site = pages.Site(analysis, b.env, b.options)
        b.entries = mkdocs_files.add_entries(files, site, b.root, config)
        generated = site.generated_pages()
        b.generated = mkdocs_files.add_generated(files, config, generated, generated)
        m, b.files = self.memory, files
        made, problems = site.exports(*m.for_exports(site)) if m else site.exports()
        outputs = {**site.static_files(), **made}
        changed = m.changed_outputs("exports", outputs) if m else set(outputs)
        mkdocs_files.add_generated(files, config, outputs, changed)
        for problem in problems:  # each a KB301 the check reported already
            log.debug("%s", problem)
        docs = os.path.abspath(config.docs_dir) + os.sep
        in_docs = {f.src_uri for f in files if (f.abs_src_path or "").startswith(docs)}
        b.src_of = site.src_paths([*b.entries, *b.generated], in_docs)
        b.repo_of = {src: repo for repo, src in b.src_of.items()}
        if config.nav is None and self.config.nav:
            own = [f.src_uri for f in files.documentation_pages() if f.src_uri in in_docs]
            nav = site.nav(home="index.md" in in_docs, docs_pages=own)
            config.nav = nav.items
            for title in nav.cut:
                log.info("the %s section lists only its catalogue (nav_max_entries)", title)
            for src in nav.unlisted & b.entries.keys():  # left out on purpose, not omitted
                b.entries[src].inclusion = InclusionLevel.NOT_IN_NAV
        if m is not None:  # under `serve --dirty`: render what the edit affects
            ours = {src: generated.get(src) for src in [*b.entries, *b.generated]}
            rebuild.plan_pages(
                m,
                site,
                files.documentation_pages(),
                ours,
                b.repo_of,
                nav=config.nav,
                config_file=config.config_file_path,
                templates=self.config.templates_dir,
            )
        return files

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Under `serve --dirty`, pages not rendered again keep their titles in the nav."""
        if self.memory is not None and self.build is not None:
            rebuild.restore(self.memory, files.documentation_pages())
        return nav

    @_user_errors
    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """Give MkDocs the text the loader read, decoded leniently and size-checked, for a
        knowledge-base page (MkDocs would parse its frontmatter with PyYAML unguarded)."""
        b = self.build
        if b is None or b.site is None or b.entries.get(page.file.src_uri) is not page.file:
            return None
        return b.site.source(page.file.src_uri)

    @_user_errors
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Fix cross-tree links; set a knowledge-base page's title, description and tags."""
        if (b := self.build) is None or b.site is None:
            return markdown
        src = page.file.src_uri
        repo = b.repo_of.get(src, src)
        generated = b.generated.get(src) is page.file
        if b.site.may_need_rewriting(repo, src, b.src_of, generated=generated):
            markdown = b.site.rewrite(
                markdown, repo, src, b.src_of, repo_url=config.repo_url, edit_uri=config.edit_uri
            )
        if page.edit_url and "/../" in page.edit_url:
            page.edit_url = normalise_url(page.edit_url)
        if b.entries.get(src) is page.file:
            meta = b.site.meta(src)
            page.meta["title"] = meta.title
            if meta.description:
                page.meta["description"] = meta.description
            if meta.tags:
                page.meta["tags"] = list(meta.tags)
        return markdown

    # first: other plugins' on_env see the finished pages, and no page is written or indexed yet
    @event_priority(101)
    @_user_errors
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Sanitise the plugin's pages once, as every plugin's on_page_content left them; put
        each lead under its title, and mark where the written page gets the rest."""
        if (b := self.build) is None or b.site is None:
            return env
        if self.command == "serve":  # the theme's templates compile once per serve
            env.bytecode_cache = self.compiled
        if self.memory is not None:  # `serve --dirty`: the tags of the pages not rendered
            rebuild.complete_tags(config.plugins, files.documentation_pages())
        by_src = {file.src_uri: file for file in files}  # Files' own lookup parses each path
        for src, file in {**b.entries, **b.generated}.items():
            page = file.page
            if page is None or page.content is None:
                continue
            content = sanitize(page.content) if self.config.sanitize else page.content
            href = pages.relative_href(b.src_of, by_src, file)
            blocks = b.site.blocks(src, b.repo_of.get(src, src), href)
            if blocks.after_body:
                mkdocs_files.extend_toc(page, blocks.after_body)
                content += "\n" + b.body_marker
            under = blocks.lead + (b.title_marker if blocks.under_title else "")
            page.content = pages.after_title(content, under)
            b.placed[src] = blocks
        return env

    @event_priority(-100)  # last: after search has indexed the page
    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        """Under `serve --dirty`, keep the page's title, metadata and search entries."""
        if (m := self.memory) is not None and (b := self.build) is not None:
            found = rebuild.search_list(config.plugins)
            b.indexed = rebuild.record(m, page, found[1] if found else None, b.indexed)
        return context

    @event_priority(100)  # first: other plugins' on_post_page see the whole page
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Put a page's notice, download block, relations or catalogue entries in place, and
        its links for agents in its head.

        They go into the written page, not its contents, so search does not index them.
        """
        if (b := self.build) is None or b.site is None:
            return output
        blocks = b.placed.pop(page.file.src_uri, None)
        return b.site.place(output, page.url, blocks, (b.title_marker, b.body_marker))

    @event_priority(100)  # first: search writes its index after this
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the raw Markdown copies; let go of the build."""
        b, self.build, m = self.build, None, self.memory
        if b is not None and b.site is not None:
            copies = b.site.raw_copies()
            if m is not None and b.files is not None:  # `serve --dirty`: the whole index
                copies = rebuild.finish(m, config.plugins, config.site_dir, b.files, copies)
            for problem in write_copies(Path(config.site_dir), copies):
                log.error("raw Markdown copy not written: %s", problem)
        if self.command != "serve":  # nothing else needs the parses; kept, exit walks them
            self.cache = DocumentCache()
            clear_caches()

    def on_build_error(self, *, error: Exception) -> None:
        """Let go of the failed build (after which a dirty rebuild renders everything)."""
        self.build = None
        if self.memory is not None:
            self.memory.forget()

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Rebuild on edits in the knowledge-base folders, which live outside docs_dir."""
        for folder in dict.fromkeys(self.watched):
            if folder.is_dir():
                server.watch(str(folder))
        if self.memory is not None:  # the fast mode: learn of edits at once
            serve.watch_natively(server)
        return server


def _marker(name: str) -> str:
    return f"<!-- skillbook-{name}-{secrets.token_hex(8)} -->"
