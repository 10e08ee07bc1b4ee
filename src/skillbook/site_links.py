"""Make links written for GitHub work on the site, in both directions.

A page in `docs/` links to a skill as `../skills/x/SKILL.md` (its real place in the
repository), and a skill links to a guide as `../../docs/guide/x.md`. On the site those files
live side by side under other paths, so such links are rewritten to the published path; a
link to a repository file that is not published becomes a link to it in the repository.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from urllib.parse import urljoin, urlsplit, urlunsplit

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


def repo_link(
    path: str, *, repo_url: str | None, edit_uri: str | None, docs_dir: str
) -> str | None:
    """A link to a repository file the site does not publish, from repo_url and edit_uri.

    `edit_uri` may be relative to `repo_url` (`edit/main/docs/`) or absolute; GitHub's
    `edit/` becomes `blob/`.
    """
    edit = urljoin((repo_url or "").rstrip("/") + "/", edit_uri or "")
    if "/edit/" not in edit or not edit.startswith(("http://", "https://")):
        return None
    blob = edit.replace("/edit/", "/blob/", 1).rstrip("/") + "/"
    return normalise_url(urljoin(blob, posixpath.relpath(path, docs_dir)))


def normalise_url(url: str) -> str:
    """Resolve `..` segments in a URL's path (edit links step out of docs_dir with them)."""
    parts = urlsplit(url)
    path = posixpath.normpath(parts.path) + ("/" if parts.path.endswith("/") else "")
    return urlunsplit(parts._replace(path=path))
