"""The MkDocs objects the plugin makes: the files of the site's pages and exports, and the
table-of-contents entries of the HTML it adds to a page. The plugin's hooks call these; what
goes into them comes from `site`."""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import AnchorLink

from skillbook import rebuild
from skillbook import site as pages
from skillbook.export import page_dest

if TYPE_CHECKING:
    from pathlib import Path

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

log = get_plugin_logger("skillbook.plugin")


def add_entries(
    files: Files, site: pages.Site, root: Path, config: MkDocsConfig
) -> dict[str, File]:
    """Add a file for each knowledge-base file the site publishes; src path -> its file.
    A file docs/ already has at the same path is left as it is, with a warning."""
    added: dict[str, File] = {}
    for path in site.entry_paths():
        if files.get_file_from_path(path) is not None:
            log.warning("%s is also in %s/; the copy there is published", path, site.docs_dir)
            continue
        file = File(
            path,
            src_dir=str(root),
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
        )
        file.edit_uri = site.edit_uri(path)
        if (dest := page_dest(path, site.skills, config.use_directory_urls)) is not None:
            file.dest_uri = dest  # a skill folder's page, or a README beside its SKILL.md
        files.append(file)
        added[path] = file
    return added


def add_generated(
    files: Files, config: MkDocsConfig, made: Mapping[str, str | bytes], changed: Collection[str]
) -> dict[str, File]:
    """Add a file for each generated page or export that no other file has taken; src path
    -> its file. Under `serve --dirty`, an export not in `changed` is not written again."""
    added: dict[str, File] = {}
    for path, content in made.items():
        if files.get_file_from_path(path) is None:
            # INCLUDED: MkDocs leaves out dot-folders by default, and the index lives in one
            file = File.generated(config, path, content=content, inclusion=InclusionLevel.INCLUDED)
            files.append(file)
            rebuild.keep_unchanged(file, changed)
            added[path] = file
    return added


def extend_toc(page: Page, added_html: str) -> None:
    """Add the headings of HTML added to a page to its table of contents, under its title;
    their ids count as present, so links to them pass MkDocs' anchor validation."""
    items = page.toc.items
    parent = items[0].children if items and items[0].level == 1 else items
    for title, anchor, level in pages.headings(added_html):
        parent.append(AnchorLink(title, anchor, level))
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.add(html.unescape(anchor))
