"""Rendering: terminal output and the generated Markdown pages of the site."""
