"""Make links written for GitHub work on the site, in both directions.

A page in `docs/` links to a skill as `../skills/x/SKILL.md` (its real place in the
repository), and a skill links to a guide as `../../docs/guide/x.md`. On the site those files
live side by side under other paths, so such links are rewritten to the published path; a
link to a repository file that is not published becomes a link to it in the repository.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping

from skillbook.markdown_scan import links_in, resolve_relative


def rewrite_links(
    markdown: str,
    *,
    page_repo_path: str,
    page_src_uri: str,
    src_of: Mapping[str, str],
    repo_link: Callable[[str], str | None],
    exists: Callable[[str], bool],
) -> str:
    """Rewrite relative links of a page whose repo path and site path differ or leave the site."""
    out: list[str] = []
    pos = 0
    for span in links_in(markdown):
        replacement = _rewrite(span.url, page_repo_path, page_src_uri, src_of, repo_link, exists)
        if replacement is not None:
            out.append(markdown[pos : span.url_start])
            out.append(replacement)
            pos = span.url_end
    out.append(markdown[pos:])
    return "".join(out)


def _rewrite(
    url: str,
    page_repo_path: str,
    page_src_uri: str,
    src_of: Mapping[str, str],
    repo_link: Callable[[str], str | None],
    exists: Callable[[str], bool],
) -> str | None:
    resolved = resolve_relative(page_repo_path, url)
    if resolved is None:
        return None
    target, path, suffix = resolved.path, resolved.written, resolved.suffix
    src = src_of.get(target)
    if src is not None:
        new = posixpath.relpath(src, posixpath.dirname(page_src_uri) or ".")
        site_target = posixpath.normpath(posixpath.join(posixpath.dirname(page_src_uri), path))
        return None if site_target == src else new + suffix
    if exists(target):
        link = repo_link(target)
        return None if link is None else link + suffix
    return None
