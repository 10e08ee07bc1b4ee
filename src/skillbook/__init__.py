"""skillbook: publish and police a knowledge base of AI-assistant skills and patterns."""

from __future__ import annotations

__version__ = "0.1.0"
