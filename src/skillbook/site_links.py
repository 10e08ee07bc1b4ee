"""Make links written for GitHub work on the site, in both directions.

A page in `docs/` links to a skill as `../skills/x/SKILL.md` (its real place in the
repository), and a skill links to a guide as `../../docs/guide/x.md`. On the site those files
live side by side under other paths, so such links are rewritten to the published path; a
link to a repository file that is not published becomes a link to it in the repository.

A link `skillbook check` reports as broken is published so that MkDocs does not report it a
second time: a link to a missing file (KB301) becomes its text, marked, and a link to a missing
anchor (KB302) goes to the anchor the check suggests, or to the page without the anchor.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable, Mapping
from urllib.parse import urljoin, urlsplit, urlunsplit

from skillbook.checks import broken_target, target_anchors, target_headings
from skillbook.headings import suggest_anchor
from skillbook.markdown_scan import LinkSpan, links_in, resolve_relative
from skillbook.model import Document, KnowledgeBase, Link

Fixes = Mapping[str, str | None]
"""A page's broken links, as written, to the URL published instead (None: the text only)."""


def link_fixes(kb: KnowledgeBase) -> dict[str, dict[str, str | None]]:
    """Repo path -> the fixes of the links in it that the check reports as KB301 or KB302."""
    docs = {doc.path: doc for doc in kb.documents()}
    found: dict[str, dict[str, str | None]] = {}
    for doc in docs.values():
        for link in doc.links:
            if broken_target(kb, link):
                found.setdefault(doc.path, {})[link.target] = None
            elif link.anchor is not None and link.kind in ("relative", "anchor"):
                fix = _anchor_fix(kb, link, docs)
                if fix != link.target:
                    found.setdefault(doc.path, {})[link.target] = fix
    return found


def _anchor_fix(kb: KnowledgeBase, link: Link, docs: Mapping[str, Document]) -> str | None:
    """The link with the anchor the check suggests, or without its anchor; the link itself
    when its anchor exists or the target's headings are unknown."""
    assert link.path is not None and link.anchor is not None
    known = target_anchors(kb, link.path, docs)
    if known is None or link.anchor in known:
        return link.target
    base = link.target.partition("#")[0]
    close = suggest_anchor(link.anchor, target_headings(kb, link.path, docs) or ())
    if close is not None:
        return f"{base}#{close}"
    return base or None  # an anchor of the page itself: nowhere to go but its text


def _unlinked(span: LinkSpan, url: str) -> str:
    """A broken link's text (an image's alt text), marked, with the link in its title."""
    title = html.escape(f"broken link: {url}", quote=True)
    text = span.text or html.escape(url)
    return f'<span class="skillbook-broken-link" title="{title}">{text}</span>'


def rewrite_links(
    markdown: str,
    *,
    page_repo_path: str,
    page_src_uri: str,
    src_of: Mapping[str, str],
    repo_link: Callable[[str], str | None],
    exists: Callable[[str], bool],
    fixes: Fixes | None = None,
) -> str:
    """Rewrite relative links of a page whose repo path and site path differ or leave the
    site, and its broken links as `fixes` says (a reference definition keeps a missing file:
    it has no text of its own to show)."""
    out: list[str] = []
    pos = 0
    for span in links_in(markdown):
        url = span.url
        if fixes and (written := url.strip("<>")) in fixes:
            fix = fixes[written]
            if fix is None and not span.definition:
                out.append(markdown[pos : span.start])
                out.append(_unlinked(span, written))
                pos = span.end
                continue
            url = fix or url
        replacement = _rewrite(url, page_repo_path, page_src_uri, src_of, repo_link, exists)
        if replacement is None and url != span.url:
            replacement = url
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
