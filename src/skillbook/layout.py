"""Find where the knowledge base lives: the `skillbook` plugin entry of mkdocs.yml, or defaults."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillbook.errors import SkillbookError
from skillbook.model import KnowledgeBase, Layout
from skillbook.reading import DEFAULT_MAX_FILE_SIZE

if TYPE_CHECKING:  # PyYAML is imported when there is a mkdocs.yml to read
    import yaml

OPTION_NAMES = ("skills_dir", "patterns_dir", "sessions_dir", "roadmap")
_ABSOLUTE = re.compile(r"^(?:[/\\]|[A-Za-z]:)")  # /x, \\server\x, C:\x, C:x


@cache
def _tolerant_loader() -> type[yaml.SafeLoader]:
    """A loader that reads mkdocs.yml without running its Python tags (`!!python/name:`,
    `!ENV`, `!relative`)."""
    import yaml

    class TolerantLoader(yaml.SafeLoader):
        pass

    TolerantLoader.add_multi_constructor("!", _ignore_tag)
    TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)
    return TolerantLoader


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


def plugin_options(config: dict[str, Any]) -> dict[str, Any] | None:
    """The `skillbook` entry's options from a parsed mkdocs.yml, or None when it is absent."""
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{k: v} for k, v in plugins.items()]
    for item in plugins:
        if item == "skillbook":
            return {}
        if isinstance(item, dict) and "skillbook" in item:
            return dict(item["skillbook"] or {})
    return None


def _read_config(root: Path) -> dict[str, Any] | None:
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        return None
    import yaml

    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_tolerant_loader())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SkillbookError(
            f"{config_file}: cannot be read as YAML: {exc}".splitlines()[0]
        ) from exc
    if not isinstance(config, dict):
        raise SkillbookError(f"{config_file}: must be a mapping of settings")
    return config


def read_names(root: Path) -> tuple[str | None, str | None, str | None]:
    """`site_name`, `site_description` and `site_author` from `root/mkdocs.yml`, if set."""
    config = _read_config(root) or {}
    found = [config.get(key) for key in ("site_name", "site_description", "site_author")]
    name, description, author = (v if isinstance(v, str) and v.strip() else None for v in found)
    return name, description, author


def site_config(root: Path) -> dict[str, Any]:
    """`root/mkdocs.yml` read without its Python tags ({} when there is none)."""
    return _read_config(root) or {}


def read_site(root: Path) -> tuple[str | None, str]:
    """`site_url` and `docs_dir` from `root/mkdocs.yml` (None and "docs" by default)."""
    config = _read_config(root) or {}
    site_url = config.get("site_url")
    docs_dir = config.get("docs_dir") or "docs"
    return (site_url if isinstance(site_url, str) and site_url else None), str(docs_dir).strip("/")


def option_path(name: str, value: object, *, where: str) -> str:
    """The repository path an option gives, normalised (`docs//skills/` is `docs/skills`).

    Raises SkillbookError for anything but a path that stays inside the repository: empty,
    absolute, `.`, or leading out of it once `..` is resolved (`..`, `a/../../x`). The check
    is lexical; a symlink that leads out is reported when the knowledge base is walked.
    """
    kind = "file" if name == "roadmap" else "folder"
    problem = f"{where}: skillbook option '{name}' must be a {kind} inside the repository"
    if not isinstance(value, str):
        raise SkillbookError(f"{problem}, not {type(value).__name__} {value!r}")
    written = value.strip()
    if _ABSOLUTE.match(written):
        raise SkillbookError(f"{problem}, not the absolute path '{written}'")
    path = posixpath.normpath(written.strip("/")) if written.strip("/") else ""
    if not path or path == "." or ".." in re.split(r"[/\\]", path):
        raise SkillbookError(f"{problem}, not '{written}'")
    return path


def layout_from_options(options: Mapping[str, Any], *, where: str) -> Layout:
    """The layout the `skillbook` plugin options give: the one rule for the CLI and the plugin.

    `options` holds any of `skills_dir`, `patterns_dir`, `sessions_dir`, `roadmap` (a
    missing or None value takes the default) and `max_file_size` (a positive number of
    bytes); `roadmap` defaults to `<sessions_dir>/roadmap.yml`. `where` starts each error
    message (the config file's path). Raises SkillbookError with a one-line message.
    """
    values = {
        name: option_path(name, options[name], where=where)
        for name in OPTION_NAMES
        if options.get(name) is not None
    }
    values.setdefault("roadmap", f"{values.get('sessions_dir', Layout().sessions_dir)}/roadmap.yml")
    size = options.get("max_file_size")
    if size is None:
        size = DEFAULT_MAX_FILE_SIZE
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise SkillbookError(
            f"{where}: skillbook option 'max_file_size' must be a positive number of bytes"
        )
    return Layout(**values, max_file_size=size)


def read_plugin_options(root: Path) -> dict[str, Any]:
    """The `skillbook` plugin options of `root/mkdocs.yml` ({} without one)."""
    config = _read_config(root)
    return {} if config is None else plugin_options(config) or {}


def read_layout(root: Path) -> Layout:
    """The layout configured in `root/mkdocs.yml`, else the defaults."""
    return layout_from_options(read_plugin_options(root), where=str(root / "mkdocs.yml"))


def nothing_found(kb: KnowledgeBase, *, config_file: Path | None) -> str | None:
    """What to say when `kb` holds no skill and no pattern (None when it holds one): where
    skillbook looked, and how to point it elsewhere. `config_file`: the mkdocs.yml the
    folders came from, None when there is none."""
    if kb.skills or kb.patterns:
        return None
    layout = kb.layout
    looked = f"looked for {layout.skills_dir}/*/SKILL.md and {layout.patterns_dir}/*.md"
    if config_file is None:
        hint = (
            "; no mkdocs.yml there: pass the repository root, or set skills_dir and "
            "patterns_dir in mkdocs.yml"
        )
    else:
        hint = (
            f", the folders {config_file} gives: set skills_dir and patterns_dir in its "
            f"skillbook plugin options"
        )
    return f"no skill and no pattern found in {kb.root.resolve()} ({looked}{hint})"
