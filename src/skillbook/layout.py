"""Find where the knowledge base lives: the `skillbook` plugin entry of mkdocs.yml, or defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from skillbook.errors import SkillbookError
from skillbook.model import Layout
from skillbook.reading import DEFAULT_MAX_FILE_SIZE

OPTION_NAMES = ("skills_dir", "patterns_dir", "sessions_dir", "roadmap")


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its Python tags (`!!python/name:`, `!ENV`, `!relative`)."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


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
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SkillbookError(
            f"{config_file}: cannot be read as YAML: {exc}".splitlines()[0]
        ) from exc
    if not isinstance(config, dict):
        raise SkillbookError(f"{config_file}: must be a mapping of settings")
    return config


def read_site(root: Path) -> tuple[str | None, str]:
    """`site_url` and `docs_dir` from `root/mkdocs.yml` (None and "docs" by default)."""
    config = _read_config(root) or {}
    site_url = config.get("site_url")
    docs_dir = config.get("docs_dir") or "docs"
    return (site_url if isinstance(site_url, str) and site_url else None), str(docs_dir).strip("/")


def read_layout(root: Path) -> Layout:
    """The layout configured in `root/mkdocs.yml`, else the defaults."""
    config = _read_config(root)
    if config is None:
        return Layout()
    config_file = root / "mkdocs.yml"
    options = plugin_options(config) or {}
    values = {}
    for name in OPTION_NAMES:
        if name in options:
            value = options[name]
            if not isinstance(value, str) or not value.strip() or value.startswith(("/", "..")):
                raise SkillbookError(
                    f"{config_file}: skillbook option '{name}' must be a folder inside the repository"
                )
            values[name] = value.strip().strip("/")
    if "roadmap" not in values and "sessions_dir" in values:
        values["roadmap"] = f"{values['sessions_dir']}/roadmap.yml"
    size = options.get("max_file_size", DEFAULT_MAX_FILE_SIZE)
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise SkillbookError(
            f"{config_file}: skillbook option 'max_file_size' must be a positive number of bytes"
        )
    return Layout(**values, max_file_size=size)
