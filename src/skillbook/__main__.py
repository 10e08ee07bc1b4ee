"""`python -m skillbook`: the same as the `skillbook` command."""

from skillbook.cli import run

run()
