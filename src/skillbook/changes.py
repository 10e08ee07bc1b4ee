"""What changed since a previously published discovery index (opt-in: `--previous-index`).

The previous index is a file or a URL the user gives (`/.well-known/agent-skills/index.json`
of the published site). Skills are matched by name and compared by digest: added, removed,
changed. A changed skill whose `metadata.version` is the same as before (or absent both
times) is KB601: installers that record versions cannot tell the new content from the old.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.errors import SkillbookError
from skillbook.export import Bundle
from skillbook.model import Skill
from skillbook.render.discovery import SCHEMA, artifact, digest

TIMEOUT_SECONDS = 20


@dataclass(frozen=True, slots=True)
class Changes:
    """Skill names added, removed and changed since the previous index."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """One line per kind of change that happened, for a log or the terminal."""
        found = []
        for kind, names in (("added", self.added), ("removed", self.removed)):
            if names:
                found.append(f"since the previous index: {kind} {', '.join(names)}")
        if self.changed:
            found.append(f"since the previous index: changed {', '.join(self.changed)}")
        return found or ["since the previous index: no skill added, removed or changed"]


def read_index(where: str) -> dict[str, dict[str, object]]:
    """Skill name -> entry of the discovery index at `where` (a path or an http(s) URL).
    Raises SkillbookError with one line when it cannot be read or is not such an index."""
    try:
        if where.startswith(("http://", "https://")):
            import urllib.request  # here: with ssl and email, it is a fifth of the CLI's start

            with urllib.request.urlopen(where, timeout=TIMEOUT_SECONDS) as response:
                raw = response.read()
        else:
            raw = Path(where).read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise SkillbookError(f"previous index {where}: cannot be read: {exc}") from exc
    if not isinstance(data, dict) or data.get("$schema") != SCHEMA:
        raise SkillbookError(f"previous index {where}: not a discovery index ($schema {SCHEMA})")
    skills = data.get("skills")
    if not isinstance(skills, list):
        raise SkillbookError(f"previous index {where}: 'skills' is not a list")
    return {
        str(entry["name"]): entry
        for entry in skills
        if isinstance(entry, dict) and isinstance(entry.get("name"), str)
    }


def compare(
    previous: Mapping[str, Mapping[str, object]], bundles: Iterable[tuple[Skill, Bundle]]
) -> tuple[Changes, list[Diagnostic]]:
    """The changes since `previous`, and a KB601 for each changed skill whose version did not
    change. `bundles` are the skills that would be published now, with their bundles."""
    current = list(bundles)
    digests = {skill.path: digest(artifact(bundle)[2]) for skill, bundle in current}
    by_name = {bundle.name: skill for skill, bundle in current}
    added = sorted(set(by_name) - set(previous))
    removed = sorted(set(previous) - set(by_name))
    changed = []
    problems = []
    for name in sorted(set(by_name) & set(previous)):
        skill = by_name[name]
        if previous[name].get("digest") == digests[skill.path]:
            continue
        changed.append(name)
        metadata = (skill.doc.frontmatter or {}).get("metadata")
        version = metadata.get("version") if isinstance(metadata, dict) else None
        was = previous[name].get("version")
        if version == was or (version is None and was is None):
            line = skill.doc.key_lines.get("metadata.version") or skill.doc.key_lines.get("name")
            said = f"'{version}'" if version is not None else "none"
            problems.append(
                diagnostic(
                    skill.path,
                    line,
                    "KB601",
                    f"skill '{name}' changed since the previous index but its metadata.version "
                    f"did not (still {said}): raise it, so that installs can tell the versions apart",
                )
            )
    return Changes(tuple(added), tuple(removed), tuple(changed)), problems
