"""The Jinja environment of the generated pages, and the filters that escape values in them."""

from __future__ import annotations

import html
import re
import shlex
from pathlib import Path
from urllib.parse import quote

import jinja2

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def md(value: object) -> str:
    """Escape a value for Markdown prose: it shows as the text it is, and nothing else.

    Every character Markdown or its extensions could read as syntax (links, code spans,
    emphasis, `{ attr_list }`, table pipes) is backslash-escaped, and `& < >` become entities,
    so no value can open a tag, a link or an attribute list.
    """
    text = " ".join(str(value).split())
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", text), quote=False)


def _cell(value: object) -> str:
    """Escape a value for a Markdown table cell (`md` already escapes `|`)."""
    return md(value)


def _url(link: object) -> str:
    """Percent-encode a relative link for a Markdown link target (spaces, parentheses, quotes)."""
    return quote(str(link), safe="/#")


def _sh(value: object) -> str:
    """Quote a value for a shell command a reader may paste."""
    return shlex.quote(str(value))


def _hours(value: float) -> str:
    return f"{value:g} h"


def environment(
    override_dir: Path | None = None, compiled: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """The Jinja environment: a site's `templates_dir` first, then the packaged templates;
    `compiled` keeps compiled templates across the rebuilds of `mkdocs serve`."""
    loaders: list[jinja2.BaseLoader] = []
    if override_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(override_dir)))
    loaders.append(jinja2.PackageLoader("skillbook", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # Markdown output; HTML parts escape with |e explicitly
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # made anew for every build; checking each file per page costs
        bytecode_cache=compiled,
    )
    env.filters.update(md=md, cell=_cell, hours=_hours, url=_url, sh=_sh)
    return env
