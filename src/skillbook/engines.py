"""Which site engine would build this repository, and whether it runs the plugin.

MkDocs 1.6 and ProperDocs run MkDocs plugins; Zensical reads `mkdocs.yml` but runs none, and
MkDocs 2 drops plugins. Built by those, a skillbook site has no skill, pattern, catalogue or
status page, and says nothing about it. The plugin cannot warn, as it never runs: the check
does (KB602), and a page of the site can carry a warning that only a build without the plugin
shows (`WITHOUT_PLUGIN_CLASS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from skillbook.diagnostics import Diagnostic, diagnostic

ZENSICAL_CONFIG = "zensical.toml"
# the class of a block in a docs/ page that the plugin's stylesheet hides: it shows only on a
# site built without the plugin (the stylesheet is added to the site by the plugin alone)
WITHOUT_PLUGIN_CLASS = "skillbook-without-plugin"
ALTERNATIVES = (
    "build with MkDocs 1.6 (`mkdocs build`) or ProperDocs (`properdocs build`), which run the "
    "plugin, or publish a plain-Markdown site that Zensical builds: "
    "`skillbook export --format markdown --out DIR`"
)
# `!!! type class "Title"` opening an admonition that carries the class, and its indented body
_ADMONITION = re.compile(
    rf"^(?:!!!|\?\?\?\+?)[ \t]+[^\n]*\b{WITHOUT_PLUGIN_CLASS}\b[^\n]*\n(?:(?:[ \t]+[^\n]*)?\n)*",
    re.MULTILINE,
)


def check_engine(root: Path) -> Iterator[Diagnostic]:
    """KB602 when the repository is set up for an engine that runs no MkDocs plugin.

    That is a `zensical.toml` beside the knowledge base: Zensical prefers it to `mkdocs.yml`.
    """
    if (root / ZENSICAL_CONFIG).is_file():
        yield diagnostic(
            ZENSICAL_CONFIG,
            None,
            "KB602",
            "Zensical builds this repository (it reads zensical.toml before mkdocs.yml) and "
            "runs no MkDocs plugin: the site would have no skill, pattern, catalogue or status "
            f"page; remove zensical.toml and {ALTERNATIVES}",
        )


def without_plugin_notes(markdown: str) -> str:
    """A docs/ page without its blocks meant for a site built without the plugin."""
    return _ADMONITION.sub("", markdown)
