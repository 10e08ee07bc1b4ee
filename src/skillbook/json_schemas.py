"""The JSON Schemas of the knowledge base's files, shipped with the package for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_NAMES = ("skill", "skill-claude-code", "pattern", "session", "roadmap", "evals")
SCHEMA_DIR = Path(__file__).parent / "schemas"


def schema_path(name: str) -> Path:
    """The packaged file of the schema `name` (one of SCHEMA_NAMES)."""
    if name not in SCHEMA_NAMES:
        raise ValueError(f"unknown schema {name!r} (known: {', '.join(SCHEMA_NAMES)})")
    return SCHEMA_DIR / f"{name}.schema.json"


def load_schema(name: str) -> dict[str, Any]:
    """The schema `name`, parsed from its packaged JSON file."""
    data = json.loads(schema_path(name).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{schema_path(name)} does not hold a JSON object")
    return data
