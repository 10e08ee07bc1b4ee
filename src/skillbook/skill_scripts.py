"""The executable scripts in a skill folder, listed for readers of catalog.json.

A skill can ship scripts an agent runs; a reviewer should see them before installing it. A
file counts as a script when its name ends in a script extension, when it is executable, or
when it starts with `#!`.
"""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path

from skillbook.model import KnowledgeBase

SCRIPT_EXTENSIONS = frozenset({".sh", ".py", ".js", ".rb", ".pl", ".ps1", ".bat"})


def _is_script(path: Path) -> bool:
    if path.suffix.lower() in SCRIPT_EXTENSIONS:
        return True
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            return False
        if mode & 0o111:
            return True
        with path.open("rb") as file:
            return file.read(2) == b"#!"
    except OSError:
        return False


def scripts_by_skill(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Skill path -> its scripts, as paths inside its folder (`scripts/run.sh`), sorted; one
    pass over the assets, and a skill without scripts is left out."""
    folders = {posixpath.dirname(s.path): s.path for s in kb.skills}
    found: dict[str, list[str]] = {}
    for path in sorted(kb.assets):
        folder = posixpath.dirname(path)
        while folder and folder not in folders:
            folder = posixpath.dirname(folder)
        if folder and _is_script(kb.root / path):
            found.setdefault(folders[folder], []).append(path[len(folder) + 1 :])
    return {skill: tuple(paths) for skill, paths in found.items()}
