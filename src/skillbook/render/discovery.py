"""The Agent Skills discovery index: `/.well-known/agent-skills/index.json` and the artifacts
it names, so that skill installers (the `skills` CLI, MCP clients) install from the site.

The format is the well-known URI discovery index of the Agent Skills documentation,
schema 0.2.0 (https://agentskills.io/well-known-uri): one entry per skill with `name`,
`type` ("skill-md" for a skill that is its SKILL.md alone, "archive" for one with more
files), `description`, `url` (relative to the index) and `digest` (`sha256:` and the hex of
exactly the bytes served at `url`). An archive is a zip with SKILL.md at its root, no wrapper
folder. Every file of every skill is also served under `/.well-known/agent-skills/<name>/`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

from skillbook.export import Bundle
from skillbook.model import Skill

SCHEMA = "https://schemas.agentskills.io/discovery/0.2.0/schema.json"
WELL_KNOWN = ".well-known/agent-skills"
INDEX = f"{WELL_KNOWN}/index.json"
# a semantic version, as the index's optional `version` field takes it
_SEMVER = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")


def digest(data: bytes) -> str:
    """The index's digest of an artifact: `sha256:` and 64 lowercase hex characters."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def artifact(bundle: Bundle, archive: bytes | None = None) -> tuple[str, str, bytes]:
    """A skill's entry type, its url relative to the index, and the bytes served there:
    SKILL.md for a skill that is SKILL.md alone, else the archive (`archive`, or made here:
    `Bundle.zip_bytes(folder=False)`)."""
    if set(bundle.files) == {"SKILL.md"}:
        return "skill-md", f"{bundle.name}/SKILL.md", bundle.files["SKILL.md"]
    return "archive", f"{bundle.name}.zip", archive or bundle.zip_bytes(folder=False)


def discovery_files(
    bundles: Iterable[tuple[Skill, Bundle, bytes]],
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Site path -> bytes of the index and of every file it names or serves beside; and
    each skill's digest, by skill path. Each bundle comes with its archive (a zip with the
    files at its root: `Bundle.zip_bytes(folder=False)`), used when it has more than one
    file."""
    files: dict[str, bytes] = {}
    digests: dict[str, str] = {}
    entries = []
    for skill, bundle, archive in sorted(bundles, key=lambda triple: triple[1].name):
        name = bundle.name
        for path, data in bundle.files.items():
            files[f"{WELL_KNOWN}/{name}/{path}"] = data
        kind, url, data = artifact(bundle, archive)
        if kind == "archive":
            files[f"{WELL_KNOWN}/{url}"] = data
        entry = {
            "name": name,
            "type": kind,
            "description": skill.description,
            "url": url,
            "digest": digest(data),
        }
        digests[skill.path] = entry["digest"]
        metadata = (skill.doc.frontmatter or {}).get("metadata")
        version = metadata.get("version") if isinstance(metadata, dict) else None
        if isinstance(version, str) and _SEMVER.fullmatch(version):
            entry["version"] = version
        entries.append(entry)
    index = {"$schema": SCHEMA, "skills": entries}
    files[INDEX] = (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return files, digests


def manifest(bundle: Bundle) -> list[dict[str, object]]:
    """Each file of a bundle with its size and hash, as the MCP skills extension's
    reference implementation lists a skill's files (`path`, `size`, `hash`)."""
    return [
        {"path": path, "size": len(data), "hash": digest(data)}
        for path, data in sorted(bundle.files.items())
    ]
