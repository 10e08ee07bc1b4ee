"""Where skillbook may write: never into, over or around what the knowledge base is read from.

MkDocs empties its site folder before a build, and `skillbook export` writes bundles into its
out folder; either pointed at `patterns/` (or at the repository) would destroy the sources.
`check_output_folder` is the one rule both faces apply before anything is written or deleted;
`write_export` writes the export's files without overwriting a file it did not make.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from skillbook.errors import SkillbookError
from skillbook.model import Layout

MANIFEST = ".skillbook-export.json"  # the files an export wrote, so the next one may replace them


def _real(path: Path | str) -> Path:
    """The absolute path with symlinks and `..` resolved, whether or not it exists."""
    return Path(os.path.realpath(path))


def check_output_folder(
    out: Path, root: Path, layout: Layout, *, docs_dir: str | None, what: str = "output folder"
) -> None:
    """Raise SkillbookError when `out` is, contains or lies inside a folder or file the
    knowledge base is read from, or is or contains the repository `root`.

    The sources are `skills_dir`, `patterns_dir`, `sessions_dir`, the roadmap and, when
    given, `docs_dir` (relative to `root`, or absolute). `out` is taken as given: relative
    to the current folder. `what` names the folder in the message (`site_dir`, `--out`).
    """
    target, repo = _real(out), _real(root)
    if target == repo or repo.is_relative_to(target):
        how = "is" if target == repo else "contains"
        raise SkillbookError(
            f"{what} {target} {how} the repository {repo}: writing there would delete or "
            f"overwrite the knowledge base; choose a folder of its own, inside it or elsewhere"
        )
    sources = [
        ("skills_dir", layout.skills_dir),
        ("patterns_dir", layout.patterns_dir),
        ("sessions_dir", layout.sessions_dir),
        ("roadmap", layout.roadmap),
    ]
    if docs_dir is not None:
        sources.append(("docs_dir", docs_dir))
    found = []
    for name, value in sources:
        source = _real(root / value)
        if target == source:
            found.append((0, "is", name, source))
        elif target.is_relative_to(source):
            found.append((1, "lies inside", name, source))
        elif source.is_relative_to(target):
            found.append((2, "contains", name, source))
    if found:  # the closest: the roadmap itself rather than the sessions folder holding it
        _, how, name, source = min(found, key=lambda problem: problem[0])
        raise SkillbookError(
            f"{what} {target} {how} {name} {source}, which the knowledge base is read from: "
            f"writing there would delete or overwrite it; choose a folder outside it"
        )


def _made_before(out: Path) -> set[str]:
    """The files an earlier export recorded in `out` (none when the record is unreadable)."""
    try:
        recorded = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return set()
    files = recorded.get("files") if isinstance(recorded, dict) else None
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else set()


def _refusal(out: Path, path: str, files: Mapping[str, bytes], made: set[str]) -> str | None:
    """Why `path` (out-relative) must not be written, or None when it may."""
    target = out / path
    expected = _real(out).joinpath(*path.split("/"))
    if _real(target.parent) != expected.parent:
        return f"{target.parent} is a symlink or lies behind one"
    if not target.exists() and not target.is_symlink():
        return None
    if target.is_symlink() or not target.is_file():
        return f"{target} exists and is not a regular file"
    if path in made or target.read_bytes() == files[path]:
        return None
    return f"{target} exists and was not written by skillbook export"


def write_export(out: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` (out-relative `/` paths to bytes) into `out` and record them in MANIFEST.

    A file already there is replaced only when an earlier export recorded it or it holds the
    same bytes; anything else (a user's file, a folder, a symlink) stops the export before
    it writes anything. Raises SkillbookError with a one-line message.
    """
    if out.exists() and not out.is_dir():
        raise SkillbookError(f"--out {out} is a file, not a folder")
    made = _made_before(out)
    for path in sorted(files):
        for parent in reversed(Path(path).parents[:-1]):
            if (out / parent).exists() and not (out / parent).is_dir():
                raise SkillbookError(f"--out {out}: {out / parent} exists and is not a folder")
        problem = _refusal(out, path, files, made)
        if problem is not None:
            raise SkillbookError(
                f"--out {out}: {problem}; nothing was written: move it away or choose "
                f"another folder"
            )
    try:
        for path, data in files.items():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        kept = sorted({p for p in made if (out / p).is_file()} | set(files))
        record = {"written_by": "skillbook export", "files": kept}
        (out / MANIFEST).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise SkillbookError(f"--out {out}: cannot write: {exc.strerror or exc}") from exc


def write_copies(site_dir: Path, copies: Mapping[str, str]) -> list[str]:
    """Write each text at its path under `site_dir` (the site's raw Markdown copies); returns
    "path: reason" of each that could not be written."""
    problems = []
    for path, text in copies.items():
        target = site_dir / path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            problems.append(f"{target}: {exc.strerror or exc}")
    return problems
