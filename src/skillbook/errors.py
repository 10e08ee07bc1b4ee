"""Exceptions for environment problems (never for bad content, which yields diagnostics)."""

from __future__ import annotations


class SkillbookError(Exception):
    """A problem the user must fix before skillbook can run: no root, unreadable config."""
