"""KB8xx: what keeps a skill from reading the same in every agent client, whatever the
profile. They read the documents as loaded: no file is read again."""

from __future__ import annotations

import re
from collections.abc import Iterator

from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.model import KnowledgeBase, Skill

MAX_BODY_TOKENS = 5000
"""The Agent Skills specification's recommended most for a SKILL.md body, in tokens."""
CHARS_PER_TOKEN = 4
"""Tokens are estimated as characters / 4, the usual rule of thumb for English text."""
PUBLISHER_PREFIX = "github-"
"""Keys under `metadata` that `gh skill publish` strips: it writes them when it installs."""

# `description: |`, `>-`, `|2+` …, optionally followed by a comment
_BLOCK_SCALAR = re.compile(r"^description\s*:\s*[|>][-+0-9]*\s*(#.*)?$")


def _head_line(skill: Skill, line: int) -> str:
    lines = skill.doc.head.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def check_block_description(skill: Skill) -> Iterator[Diagnostic]:
    """KB801: a description written as a block scalar (`|` or `>`)."""
    line = skill.doc.key_lines.get("description")
    if line is None:
        return
    raw = _head_line(skill, line).strip()
    if _BLOCK_SCALAR.match(raw):
        indicator = raw.split(":", 1)[1].split("#", 1)[0].strip()
        yield diagnostic(
            skill.path,
            line,
            "KB801",
            f"description is a block scalar ('{indicator}'): clients that read frontmatter "
            f"line by line show '{indicator}' as the description; write it on one line",
        )


def check_body_tokens(skill: Skill) -> Iterator[Diagnostic]:
    """KB802: a body over the recommended 5,000 tokens (estimated as characters / 4)."""
    if not skill.doc.loaded:
        return
    tokens = len(skill.doc.body) // CHARS_PER_TOKEN
    if tokens > MAX_BODY_TOKENS:
        yield diagnostic(
            skill.path,
            skill.doc.body_line,
            "KB802",
            f"body is about {tokens:,} tokens ({len(skill.doc.body):,} characters / "
            f"{CHARS_PER_TOKEN}); keep it under {MAX_BODY_TOKENS:,} and move detail into "
            f"files under references/",
        )


def check_install_metadata(skill: Skill) -> Iterator[Diagnostic]:
    """KB804: `metadata.github-*` keys, the install record `gh skill publish` strips."""
    metadata = (skill.doc.frontmatter or {}).get("metadata")
    if not isinstance(metadata, dict):
        return
    for key in metadata:
        if isinstance(key, str) and key.startswith(PUBLISHER_PREFIX):
            yield diagnostic(
                skill.path,
                skill.doc.line_of(f"metadata.{key}"),
                "KB804",
                f"'metadata.{key}' is an install record: `gh skill publish` strips "
                f"metadata.{PUBLISHER_PREFIX}* keys, so remove it from the source",
            )


def check_portability(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """KB801, KB802 and KB804 for every skill with readable frontmatter."""
    for skill in kb.skills:
        if skill.doc.frontmatter is None:
            continue
        yield from check_block_description(skill)
        yield from check_body_tokens(skill)
        yield from check_install_metadata(skill)
