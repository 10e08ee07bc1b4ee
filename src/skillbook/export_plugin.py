"""`skillbook export --format claude-plugin`: the knowledge base's skills as a Claude Code
plugin marketplace.

The layout follows Claude Code's plugin and marketplace references
(https://code.claude.com/docs/en/plugins/marketplace-reference and the plugins reference):

    DIR/.claude-plugin/marketplace.json          the marketplace: name, owner, plugins
    DIR/plugins/<name>/.claude-plugin/plugin.json  the plugin's manifest
    DIR/plugins/<name>/skills/<skill>/SKILL.md    each skill, as its bundle (`export`)

One plugin holds every installable skill; `/plugin marketplace add DIR` (or the repository
it is pushed to) and `/plugin install <name>@<name>` install them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from skillbook.export import Bundle

_NOT_KEBAB = re.compile(r"[^a-z0-9]+")


def plugin_name(title: str) -> str:
    """A kebab-case name for the plugin and its marketplace, from the site's name."""
    name = _NOT_KEBAB.sub("-", title.lower()).strip("-")
    return name[:64].strip("-") or "skills"


def claude_plugin_files(
    bundles: Iterable[Bundle], *, name: str, description: str, owner: str, version: str
) -> dict[str, bytes]:
    """Path inside the export folder -> bytes of the marketplace, its plugin and skills."""
    root = f"plugins/{name}"
    files: dict[str, bytes] = {}
    for bundle in bundles:
        for path, data in bundle.files.items():
            files[f"{root}/skills/{bundle.name}/{path}"] = data
    plugin = {
        "name": name,
        "version": version,
        "description": description,
        "author": {"name": owner},
    }
    marketplace = {
        "name": name,
        "owner": {"name": owner},
        "metadata": {"description": description},
        "plugins": [
            {"name": name, "source": f"./{root}", "description": description, "version": version}
        ],
    }
    files[f"{root}/.claude-plugin/plugin.json"] = _json(plugin)
    files[".claude-plugin/marketplace.json"] = _json(marketplace)
    return files


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
