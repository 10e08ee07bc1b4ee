"""`mkdocs serve` end to end: an edit outside docs/ is rebuilt and served, relations included."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import write_tree
from .test_build import GOOD, TIMEOUTS

pytestmark = pytest.mark.slow
WAIT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def wait_for(url: str, needle: str, deadline: float) -> str:
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and needle in body:
            return body
        time.sleep(0.5)
    raise AssertionError(f"{url} did not show {needle!r} within {WAIT_SECONDS}s")


@contextlib.contextmanager
def serving(root: Path, *args: str) -> Iterator[str]:
    """`mkdocs serve` on a free loopback port, stopped by its process group; yields its URL."""
    port = free_port()
    with (root.parent / "serve.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", *args],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=log,
            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
            start_new_session=True,
        )
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)


@pytest.mark.parametrize("mode", [[], ["--dirty"]], ids=["full", "dirty"])
def test_serve_rebuilds_on_knowledge_base_edits(tmp_path: Path, mode: list[str]) -> None:
    files = dict(GOOD)
    files["skills/timeouts/SKILL.md"] = TIMEOUTS.replace(
        "See [Backoff](../../patterns/backoff.md).", "No links yet."
    )
    root = write_tree(tmp_path / "kb", files)
    with serving(root, *mode) as base:
        deadline = time.monotonic() + WAIT_SECONDS
        before = wait_for(base + "patterns/backoff/", "Wait longer after each failure", deadline)
        assert "Bound every remote call" not in before

        pattern = root / "patterns/backoff.md"
        pattern.write_text(pattern.read_text().replace("## The formula", "## The formula, capped"))
        wait_for(base + "patterns/backoff/", "The formula, capped", deadline)

        skill = root / "skills/timeouts/SKILL.md"
        skill.write_text(
            skill.read_text().replace("No links yet.", "See [Backoff](../../patterns/backoff.md).")
        )
        # the nav links every skill on every page; the description is only in the backlinks
        after = wait_for(base + "patterns/backoff/", "Bound every remote call", deadline)
        assert 'href="../../skills/timeouts/"' in after.split('id="skillbook-used-by"', 1)[1]
        catalogue = wait_for(base + "skills/", "timeouts", deadline)
        assert "1 pattern" in catalogue


def _epoch(page: str) -> int:
    """The site version the page was served at (MkDocs' livereload script carries it)."""
    found = re.search(r"livereload\((\d+),", page)
    assert found is not None, "no livereload script in the page"
    return int(found.group(1))


def _reload_after(base: str, epoch: int, seconds: float) -> int | None:
    """The next site version after `epoch`, as the browser's livereload poll gets it; None
    if there is none within `seconds`."""
    try:
        with urllib.request.urlopen(f"{base}livereload/{epoch}/1", timeout=seconds) as response:
            return int(response.read())
    except OSError:
        return None


def test_dirty_serve_reloads_once_per_save_and_clears_a_fixed_notice(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "kb", dict(GOOD))
    pattern = root / "patterns/backoff.md"
    good = pattern.read_text(encoding="utf-8")
    with serving(root, "--dirty") as base:
        deadline = time.monotonic() + WAIT_SECONDS
        page = wait_for(base + "patterns/backoff/", "Wait longer after each failure", deadline)
        assert "skillbook-notice" not in page
        epoch = _epoch(page)

        # an unclosed list: the frontmatter is no longer YAML (KB103)
        pattern.write_text(
            good.replace("tags: [resilience]", "tags: [resilience"), encoding="utf-8"
        )
        reloaded = _reload_after(base, epoch, WAIT_SECONDS)
        assert reloaded is not None and reloaded > epoch
        assert _reload_after(base, reloaded, 3.0) is None  # one save, one reload
        broken = wait_for(base + "patterns/backoff/", "skillbook-notice", deadline)
        assert "KB103" in broken

        pattern.write_text(good, encoding="utf-8")
        assert _reload_after(base, reloaded, WAIT_SECONDS) is not None
        fixed = wait_for(base + "patterns/backoff/", "Wait longer after each failure", deadline)
        while "skillbook-notice" in fixed and time.monotonic() < deadline:
            time.sleep(0.2)
            fixed = fetch(base + "patterns/backoff/") or fixed
        assert "skillbook-notice" not in fixed
