"""Split a Markdown file into YAML frontmatter and body, keeping the line of every key.

Plain frontmatter is read by `plain_yaml`; anything else is composed with libyaml by
`yaml_compose`, which is imported only then.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from skillbook import plain_yaml
from skillbook.plain_yaml import Parsed

__all__ = ["Parsed", "Split", "parse_yaml", "read_plain", "split"]


class Split(NamedTuple):
    """The parts of a file: raw YAML (None without a `---` block) and the body."""

    yaml_text: str | None
    body: str
    body_line: int
    closed: bool = True


def _is_marker(line: str) -> bool:
    return line.rstrip("\r").rstrip(" \t") == "---"


def split(text: str) -> Split:
    """Split off frontmatter: line 1 is exactly `---`, closed by the next exact `---` line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _is_marker(first):
        return Split(None, text, 1)
    pos = first_end
    while pos >= 0:  # each candidate is a line that starts with ---
        pos = text.find("\n---", pos)
        if pos < 0:
            break
        line_end = text.find("\n", pos + 1)
        line = text[pos + 1 : line_end if line_end >= 0 else len(text)]
        if _is_marker(line):
            yaml_text = text[first_end + 1 : pos]
            if "\r" in yaml_text:
                yaml_text = "\n".join(part.rstrip("\r") for part in yaml_text.split("\n"))
            body = "" if line_end < 0 else text[line_end + 1 :]
            return Split(yaml_text, body, text.count("\n", 0, pos + 1) + 2)
        pos = pos + 1
    return Split("", text, 1, closed=False)


def parse_yaml(yaml_text: str, first_line: int) -> Parsed:
    """Parse YAML whose first line is file line `first_line`, recording each key's line.

    Plain frontmatter is read without libyaml (`read_plain`), with the same result."""
    plain = read_plain(yaml_text, first_line)
    if plain is not None:
        return Parsed(plain[0], plain[1])
    from skillbook.yaml_compose import parse_composed  # (brings in PyYAML)

    return parse_composed(yaml_text, first_line)


def read_plain(yaml_text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]] | None:
    """(data, key lines) of plain frontmatter (`plain_yaml.read`), or None."""
    return plain_yaml.read(yaml_text, first_line)
