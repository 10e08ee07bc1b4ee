"""Self-contained Agent Skill bundles: a skill plus copies of the patterns it links.

An Agent Skill installed on its own can only rely on files inside its folder, while a skill in
the knowledge base links shared patterns in `patterns/`. A bundle copies every pattern the
skill reaches (patterns linking patterns included) into `references/`, rewrites the links to
point inside the bundle, and turns links to anything else into links to the published site,
or into plain text when there is no site URL. What cannot be resolved is reported.
"""

from __future__ import annotations

import io
import posixpath
from collections import deque
from collections.abc import Callable, Collection, Container, Iterable
from typing import NamedTuple

from skillbook.diagnostics import Diagnostic, Severity, diagnostic
from skillbook.markdown_scan import LinkSpan, links_in, resolve_relative
from skillbook.model import KnowledgeBase, Skill

REFERENCES = "references"
# errors on a SKILL.md that keep its folder from being a valid Agent Skill: unreadable, not
# loaded, no frontmatter or a broken one, a missing or invalid field, a name not the folder's
INSTALL_CODES = frozenset(
    {"KB101", "KB102", "KB103", "KB104", "KB106", "KB201", "KB202", "KB203", "KB204"}
)
# fixed timestamp: the same knowledge base gives byte-identical zips
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


class Bundle(NamedTuple):
    """One skill as an installable folder: bundle-relative path to bytes."""

    name: str
    files: dict[str, bytes]
    copied: dict[str, str]  # repo path -> bundle path, for files from outside the skill folder
    problems: tuple[Diagnostic, ...] = ()
    # repo paths whose content or existence the bundle depends on: what a rebuild compares
    inputs: frozenset[str] = frozenset()

    def zip_bytes(self, *, folder: bool = True) -> bytes:
        """The bundle as a zip whose entries sit under `<name>/` (what Claude.ai's upload
        takes), or with `folder=False` at the archive's root (what the discovery index's
        archives hold)."""
        import zipfile  # imported when a zip is made: a check run makes none

        buffer = io.BytesIO()
        prefix = f"{self.name}/" if folder else ""
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(self.files):
                info = zipfile.ZipInfo(f"{prefix}{path}", date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, self.files[path])
        return buffer.getvalue()


Reuse = Callable[[Skill], Bundle | None]  # a skill's bundle from an earlier build, if current
# (skill path, bundle) -> its download zip and the discovery index's archive (`both_zips`)
Zips = Callable[[list[tuple[str, Bundle]]], dict[str, tuple[bytes, bytes]]]


def both_zips(bundle: Bundle) -> tuple[bytes, bytes]:
    """A bundle's zip for people (in a folder) and for the discovery index (at the root)."""
    return bundle.zip_bytes(), bundle.zip_bytes(folder=False)


def page_url(kb: KnowledgeBase, repo_path: str, docs_dir: str = "docs") -> str | None:
    """The site-relative URL of a published repo file (directory URLs), if it has a page."""
    layout = kb.layout
    if repo_path.endswith("/SKILL.md") and repo_path.startswith(layout.skills_dir + "/"):
        return posixpath.dirname(repo_path) + "/"
    if repo_path.endswith(".md"):
        for folder in (layout.patterns_dir, layout.sessions_dir, layout.skills_dir):
            if repo_path.startswith(folder + "/"):
                return repo_path[:-3] + "/"
        if repo_path.startswith(docs_dir + "/"):
            inner = repo_path[len(docs_dir) + 1 : -3]
            if inner == "index" or inner.endswith("/index"):
                return inner[: -len("index")]
            return inner + "/"
        return None
    for folder in (layout.skills_dir, layout.patterns_dir):
        if repo_path.startswith(folder + "/"):
            return repo_path
    return None


def page_dest(repo_path: str, skills: Container[str], use_directory_urls: bool) -> str | None:
    """Where the site writes a page of a skill folder, when not where MkDocs would.

    `skills` holds the paths of the SKILL.md files. A SKILL.md is its folder's page
    (`<folder>/index.html`). A README.md or index.md beside it, which MkDocs would write to
    that same file, gets an address of its own, the one `page_url` gives: `<folder>/README/`.
    """
    if repo_path in skills:
        return posixpath.join(posixpath.dirname(repo_path), "index.html")
    folder, name = posixpath.split(repo_path)
    if name not in ("README.md", "index.md") or posixpath.join(folder, "SKILL.md") not in skills:
        return None
    stem = name[: -len(".md")]
    return posixpath.join(folder, f"{stem}/index.html" if use_directory_urls else f"{stem}.html")


class _Sources:
    """File contents and their links, read once for all the bundles of a run.

    The knowledge base's Markdown is taken as the loader read it (where it read it cleanly:
    UTF-8, no NUL); other files are read here.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.root = kb.root
        self.max_size = kb.layout.max_file_size  # for Markdown: larger is KB106, not bundled
        self._data: dict[str, bytes | None] = {}
        self._texts = {
            doc.path: doc.text
            for doc in kb.documents()
            if doc.loaded and not any(d.code == "KB101" for d in doc.diagnostics)
        }
        self._spans: dict[str, tuple[str, list[LinkSpan]] | None] = {}
        self._kinds: dict[str, str | None] = dict.fromkeys(kb.assets, "file")
        self._kinds.update((doc.path, "file") for doc in kb.documents())

    def kind(self, repo_path: str) -> str | None:
        """ "file", "other" (a folder or the like), or None when nothing is there."""
        if repo_path not in self._kinds:
            full = self.root / repo_path
            self._kinds[repo_path] = (
                "file" if full.is_file() else "other" if full.exists() else None
            )
        return self._kinds[repo_path]

    def data(self, repo_path: str) -> bytes | None:
        if repo_path not in self._data:
            full = self.root / repo_path
            try:
                too_big = repo_path.endswith(".md") and full.stat().st_size > self.max_size
                self._data[repo_path] = None if too_big else full.read_bytes()
            except OSError:
                self._data[repo_path] = None
        return self._data[repo_path]

    def size(self, repo_path: str) -> int:
        """The number of bytes `data` gives for a file, without reading it."""
        try:
            size = (self.root / repo_path).stat().st_size
        except OSError:
            return 0
        return 0 if repo_path.endswith(".md") and size > self.max_size else size

    def text_and_links(self, repo_path: str) -> tuple[str, list[LinkSpan]] | None:
        if repo_path not in self._spans:
            text = self._texts.get(repo_path)
            data = None if text is not None else self.data(repo_path)
            try:
                text = text if data is None else data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            self._spans[repo_path] = None if text is None else (text, links_in(text))
        return self._spans[repo_path]


class _Builder:
    def __init__(
        self,
        kb: KnowledgeBase,
        skill: Skill,
        site_url: str | None,
        docs_dir: str,
        sources: _Sources | None = None,
    ) -> None:
        self.sources = sources or _Sources(kb)
        self.kb = kb
        self.skill = skill
        self.site_url = site_url.rstrip("/") + "/" if site_url else None
        self.docs_dir = docs_dir
        self.folder = posixpath.dirname(skill.path)
        self.patterns_dir = kb.layout.patterns_dir.strip("/") + "/"
        self.bundle_of: dict[str, str] = {}  # repo path -> bundle path
        self.problems: list[Diagnostic] = []
        self.looked_up: set[str] = set()  # link targets whose existence the bundle depends on

    def own_files(self) -> list[str]:
        prefix = self.folder + "/"
        return [self.skill.path] + [a for a in self.kb.assets if a.startswith(prefix)]

    def target_of(self, source: str, url: str) -> tuple[str, str] | None:
        """(repo path, '#anchor' or '') of a relative link, or None when it is not one."""
        target = resolve_relative(source, url)  # cached: every bundle meets the same links
        return None if target is None else (target.path, target.suffix)

    def place(self, repo_path: str) -> str:
        """The bundle path of a copied file: references/<path under patterns/>."""
        inner = repo_path[len(self.patterns_dir) :]
        candidate = f"{REFERENCES}/{inner}"
        taken = set(self.bundle_of.values())
        if candidate in taken:
            candidate = f"{REFERENCES}/kb-{inner}"
        return candidate

    def collect(self) -> None:
        """Bundle paths for the skill's own files and every pattern file they reach."""
        for path in self.own_files():
            self.bundle_of[path] = posixpath.relpath(path, self.folder)
        queue = deque(p for p in self.bundle_of if p.endswith(".md"))
        while queue:
            source = queue.popleft()
            found_text = self.sources.text_and_links(source)
            if found_text is None:
                continue
            for span in found_text[1]:
                found = self.target_of(source, span.url)
                if found is None:
                    continue
                target = found[0]
                if target in self.bundle_of or not target.startswith(self.patterns_dir):
                    continue
                self.looked_up.add(target)
                if self.sources.kind(target) != "file":
                    continue
                self.bundle_of[target] = self.place(target)
                if target.endswith(".md"):
                    queue.append(target)

    def rewrite(self, source: str, text: str, spans: list[LinkSpan]) -> str:
        """Point links at bundle files, the site, or plain text; report what is missing."""
        here = posixpath.dirname(self.bundle_of[source])
        out: list[str] = []
        pos = 0
        for span in spans:
            found = self.target_of(source, span.url)
            if found is None:
                continue
            target, anchor = found
            if target in self.bundle_of:
                new_url = _relative(self.bundle_of[target], here) + anchor
                out.append(text[pos : span.url_start] + new_url)
                pos = span.url_end
                continue
            self.looked_up.add(target)
            exists = self.sources.kind(target) is not None
            url = page_url(self.kb, target, self.docs_dir) if exists else None
            if not exists:
                self.problems.append(
                    diagnostic(
                        source,
                        text.count("\n", 0, span.start) + 1,
                        "KB301",
                        f"bundle '{self.skill.name}': link '{span.url}' points to {target}, which does not "
                        f"exist; it is written as plain text",
                    )
                )
            if url is not None and self.site_url is not None:
                out.append(text[pos : span.url_start] + self.site_url + url + anchor)
                pos = span.url_end
            elif span.definition:
                out.append(
                    text[pos : span.start]
                )  # drop the definition: the reference reads as text
                pos = span.end
            else:
                out.append(text[pos : span.start] + span.text)
                pos = span.end
        out.append(text[pos:])
        return "".join(out)

    def build(self) -> Bundle:
        self.collect()
        files: dict[str, bytes] = {}
        for repo_path, bundle_path in self.bundle_of.items():
            data = self.sources.data(repo_path) or b""
            if repo_path.endswith(".md"):
                found = self.sources.text_and_links(repo_path)
                if found is not None:
                    data = self.rewrite(repo_path, *found).encode("utf-8")
            files[bundle_path] = data
        copied = {r: b for r, b in self.bundle_of.items() if not r.startswith(self.folder + "/")}
        # named after the folder: what an agent installs it as (a valid skill has name == folder)
        inputs = frozenset(self.bundle_of) | self.looked_up
        return Bundle(self.skill.folder, files, copied, tuple(self.problems), inputs)


def _relative(path: str, folder: str) -> str:
    """`path` relative to `folder`, both relative to the bundle's root ("" for the root)."""
    if not folder:
        return path
    parts, base = path.split("/"), folder.split("/")
    common = 0
    while common < min(len(parts) - 1, len(base)) and parts[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:])


def build_bundle(
    kb: KnowledgeBase, skill: Skill, *, site_url: str | None = None, docs_dir: str = "docs"
) -> Bundle:
    """The self-contained bundle of one skill."""
    return _Builder(kb, skill, site_url, docs_dir).build()


def bundle_sizes(kb: KnowledgeBase, skills: Iterable[Skill]) -> dict[str, dict[str, int]]:
    """Skill path -> the size in bytes of each file its bundle holds (by bundle path), without
    building it: the files as the repository holds them, before the bundle rewrites their
    links (a few bytes either way for each link)."""
    sources = _Sources(kb)
    found: dict[str, dict[str, int]] = {}
    for skill in skills:
        builder = _Builder(kb, skill, None, "docs", sources)
        builder.collect()
        found[skill.path] = {b: sources.size(r) for r, b in builder.bundle_of.items()}
    return found


def install_problems(
    kb: KnowledgeBase, diagnostics: Iterable[Diagnostic]
) -> dict[str, tuple[Diagnostic, ...]]:
    """Skill path -> the errors that keep the skill from installing as an Agent Skill.

    A skill without them is installable; one with them gets no bundle and no download.
    """
    skills = {s.path for s in kb.skills}
    found: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.path in skills and d.code in INSTALL_CODES and d.severity is Severity.ERROR:
            found.setdefault(d.path, []).append(d)
    return {path: tuple(sorted(ds, key=Diagnostic.sort_key)) for path, ds in found.items()}


def build_bundles(
    kb: KnowledgeBase,
    *,
    site_url: str | None = None,
    docs_dir: str = "docs",
    exclude: Collection[str] = (),
    reuse: Callable[[Skill], Bundle | None] | None = None,
) -> list[Bundle]:
    """Bundles of every skill but those whose path is in `exclude` (skills that would not
    install: see `install_problems`); `reuse` may give a skill's bundle from an earlier
    build whose inputs are unchanged (see `rebuild`)."""
    sources = _Sources(kb)  # each file read and scanned once
    return [
        (reuse and reuse(s)) or _Builder(kb, s, site_url, docs_dir, sources).build()
        for s in kb.skills
        if s.path not in exclude
    ]


def problems_of(bundles: Iterable[Bundle]) -> list[Diagnostic]:
    """Every problem found while bundling, de-duplicated."""
    seen: dict[tuple[str, int | None, str], Diagnostic] = {}
    for bundle in bundles:
        for d in bundle.problems:
            seen.setdefault((d.path, d.line, d.message), d)
    return sorted(seen.values(), key=Diagnostic.sort_key)


def has_errors(bundles: Iterable[Bundle]) -> bool:
    """True when any bundle reported an error."""
    return any(d.severity is Severity.ERROR for b in bundles for d in b.problems)
